package io.attune.packbinaries.elf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.io.JsonFields;
import io.attune.packbinaries.io.JsonFiles;
import io.attune.packbinaries.platform.ElfMachine;
import java.io.IOException;
import java.util.List;

/**
 * The ELF facts a report states of a binary: all null, false or empty ({@link #NONE}) when the file
 * is not readable ELF.
 *
 * @param type EXEC, DYN, REL, CORE, NONE or OTHER
 * @param machine the architecture's name, e.g. {@code aarch64}
 */
public record ElfFacts(
    String type,
    String machine,
    boolean staticPie,
    String interpreter,
    List<String> needed,
    boolean stripped,
    String buildId) {

  public static final ElfFacts NONE = new ElfFacts(null, null, false, null, List.of(), false, null);

  public ElfFacts {
    // A report may leave out an empty list.
    needed = needed == null ? List.of() : List.copyOf(needed);
  }

  /** The facts of {@code elf}, or {@link #NONE} when it could not be read (null). */
  public static ElfFacts of(ElfFile elf) {
    return elf == null
        ? NONE
        : new ElfFacts(
            elf.type().name(),
            ElfMachine.describe(elf.machine()),
            elf.staticPie(),
            elf.interpreter(),
            elf.needed(),
            elf.stripped(),
            elf.buildId());
  }

  /** Puts these facts into a report's entry, as the verify and audit reports write them. */
  public void putInto(ObjectNode entry) {
    entry.put("elfType", type);
    entry.put("machine", machine);
    entry.put("staticPie", staticPie);
    entry.put("interpreter", interpreter);
    JsonFiles.putTexts(entry, "needed", needed);
    entry.put("stripped", stripped);
    entry.put("buildId", buildId);
  }

  /**
   * The facts a report's entry states (a report without stripped and buildId reads as false, null).
   */
  public static ElfFacts readFrom(JsonFields entry) throws IOException {
    return new ElfFacts(
        entry.text("elfType"),
        entry.text("machine"),
        entry.flag("staticPie"),
        entry.text("interpreter"),
        entry.texts("needed"),
        entry.flag("stripped"),
        entry.text("buildId"));
  }

  /** Whether ELF facts were read at all. */
  public boolean known() {
    return type != null;
  }
}
