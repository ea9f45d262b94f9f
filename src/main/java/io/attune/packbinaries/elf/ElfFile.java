package io.attune.packbinaries.elf;

import java.nio.ByteOrder;
import java.util.List;

/**
 * What an ELF file's headers say about how it would load: the facts the static check and the report
 * need, read by {@link ElfReader}.
 *
 * @param elfClass 32 or 64
 * @param byteOrder the file's data encoding
 * @param type e_type
 * @param machine e_machine
 * @param loadable whether a PT_LOAD segment exists; without one the kernel loads nothing
 * @param interpreter the PT_INTERP path, or null when there is none
 * @param hasDynamicSegment whether a PT_DYNAMIC segment exists
 * @param needed DT_NEEDED names in file order
 * @param soname DT_SONAME, or null
 * @param pie whether DT_FLAGS_1 has DF_1_PIE (an executable, not a shared library)
 * @param symbolTable whether a section of type SHT_SYMTAB exists (false means stripped)
 * @param buildId the NT_GNU_BUILD_ID note as lowercase hex, or null
 * @param glibcAbiTag whether an NT_GNU_ABI_TAG note exists, which glibc's start files add
 */
public record ElfFile(
    int elfClass,
    ByteOrder byteOrder,
    ElfType type,
    int machine,
    boolean loadable,
    String interpreter,
    boolean hasDynamicSegment,
    List<String> needed,
    String soname,
    boolean pie,
    boolean symbolTable,
    String buildId,
    boolean glibcAbiTag) {

  public ElfFile {
    needed = List.copyOf(needed);
  }

  /** No loader and no shared libraries: the kernel can start it on its own. */
  public boolean selfContained() {
    return interpreter == null && needed.isEmpty();
  }

  public boolean stripped() {
    return !symbolTable;
  }

  /** ET_DYN marked DF_1_PIE without an interpreter: it relocates itself at start. */
  public boolean staticPie() {
    return type == ElfType.DYN && pie && selfContained();
  }
}
