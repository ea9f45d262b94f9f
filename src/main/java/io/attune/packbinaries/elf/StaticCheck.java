package io.attune.packbinaries.elf;

import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.platform.ElfMachine;
import io.attune.packbinaries.platform.Libc;
import io.attune.packbinaries.platform.TargetTriple;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a binary can ship for a target: it must be an executable (ET_EXEC, or ET_DYN
 * marked DF_1_PIE), for the target's machine, class and byte order, and load without a dynamic
 * linker or shared library (no PT_INTERP, no DT_NEEDED), so it runs in any Linux container of its
 * architecture.
 */
public final class StaticCheck {

  private StaticCheck() {}

  public static Verdict check(String name, ElfFile elf, TargetTriple target) {
    List<String> reasons = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Optional<String> notExecutable = notExecutable(name, elf);
    notExecutable.ifPresent(reasons::add);
    wrongArchitecture(name, elf, target).ifPresent(reasons::add);
    if (notExecutable.isEmpty()) {
      if (!elf.selfContained()) {
        reasons.add(dynamicallyLinked(name, elf, target));
      } else if (target.libc() == Libc.GNU || elf.glibcAbiTag()) {
        warnings.add(staticGlibc(name, target));
      }
    }
    return new Verdict(reasons, warnings);
  }

  private static Optional<String> notExecutable(String name, ElfFile elf) {
    return switch (elf.type()) {
      case EXEC -> unloadable(name, elf);
      case DYN ->
          elf.pie()
              ? unloadable(name, elf)
              : Optional.of(
                  name
                      + " is a shared library (ET_DYN without DF_1_PIE"
                      + (elf.soname() == null ? "" : ", soname " + elf.soname())
                      + "), not an executable; a sensor must be a program: build the crate's"
                      + " [[bin]] target, not a cdylib.");
      case REL ->
          Optional.of(
              name
                  + " is a relocatable object file (ET_REL, what gcc -c or rustc --emit=obj"
                  + " writes), not an executable; verify the linked binary instead.");
      case CORE -> Optional.of(name + " is a core dump (ET_CORE), not an executable.");
      case NONE, OTHER ->
          Optional.of(name + " has no executable ELF type (e_type " + elf.type() + ").");
    };
  }

  private static Optional<String> unloadable(String name, ElfFile elf) {
    if (elf.loadable()) {
      return Optional.empty();
    }
    return Optional.of(
        name
            + " has no loadable segment (PT_LOAD), so Linux cannot run it; it is damaged or not"
            + " a linked program. Rebuild it.");
  }

  private static Optional<String> wrongArchitecture(String name, ElfFile elf, TargetTriple target) {
    ElfMachine wanted = target.machine();
    if (elf.machine() != wanted.code()) {
      String actual = ElfMachine.describe(elf.machine());
      StringBuilder message =
          new StringBuilder(name)
              .append(" is ")
              .append(withArticle(actual))
              .append(" binary, but target ")
              .append(target.name())
              .append(" needs ")
              .append(wanted.displayName())
              .append(". Build it with --target ")
              .append(target.name());
      tripleFor(elf.machine(), target.libc())
          .ifPresent(
              other ->
                  message
                      .append(", or verify it against ")
                      .append(withArticle(actual))
                      .append(" target (-D" + PropertyNames.TARGET + "=")
                      .append(other.name())
                      .append(")"));
      return Optional.of(message.append('.').toString());
    }
    if (elf.elfClass() != wanted.elfClass()) {
      return Optional.of(
          name
              + " is a "
              + elf.elfClass()
              + "-bit ELF file, but target "
              + target.name()
              + " needs "
              + wanted.elfClass()
              + "-bit. Build it with --target "
              + target.name()
              + ".");
    }
    if (!elf.byteOrder().equals(wanted.byteOrder())) {
      return Optional.of(
          name
              + " is "
              + endianness(elf.byteOrder())
              + ", but target "
              + target.name()
              + " needs "
              + endianness(wanted.byteOrder())
              + ". Build it with --target "
              + target.name()
              + ".");
    }
    return Optional.empty();
  }

  private static String dynamicallyLinked(String name, ElfFile elf, TargetTriple target) {
    List<String> parts = new ArrayList<>();
    if (elf.interpreter() != null) {
      parts.add("interpreter " + elf.interpreter());
    }
    if (!elf.needed().isEmpty()) {
      parts.add("needs " + String.join(", ", elf.needed()));
    }
    return name
        + " is dynamically linked ("
        + String.join(", ", parts)
        + "); it would fail in a container without "
        + missingRuntime(elf)
        + ". "
        + staticBuildAdvice(target);
  }

  private static String missingRuntime(ElfFile elf) {
    String interpreter = elf.interpreter() == null ? "" : elf.interpreter();
    if (interpreter.contains("ld-musl")) {
      return "musl's loader";
    }
    if (interpreter.contains("ld-linux")
        || interpreter.contains("ld64.so")
        || elf.needed().contains("libc.so.6")) {
      return "glibc";
    }
    return "those files";
  }

  private static String staticBuildAdvice(TargetTriple target) {
    TargetTriple musl = target.muslEquivalent();
    if (musl.libc() == Libc.MUSL) {
      return "Build it with cargo zigbuild --target " + musl.name() + ".";
    }
    return "Link it statically: RUSTFLAGS='-C target-feature=+crt-static' cargo build --release"
        + " --target "
        + target.name()
        + ".";
  }

  private static String staticGlibc(String name, TargetTriple target) {
    TargetTriple musl = target.muslEquivalent();
    String advice =
        musl.libc() == Libc.MUSL
            ? " musl is recommended: build it with cargo zigbuild --target " + musl.name() + "."
            : " Avoid user, group and host name lookups in it, or test it in the target image.";
    return name
        + " is statically linked with glibc, which may still load NSS modules (libnss_*.so) at"
        + " run time for user, group or host name lookups, and fail where they are missing."
        + advice;
  }

  /** A known triple for the binary's actual machine, preferring the target's C library. */
  private static Optional<TargetTriple> tripleFor(int machine, Libc libc) {
    List<TargetTriple> forMachine =
        TargetTriple.KNOWN.stream().filter(t -> t.machine().code() == machine).toList();
    return forMachine.stream()
        .filter(t -> t.libc() == libc)
        .findFirst()
        .or(() -> forMachine.stream().findFirst());
  }

  /** "an aarch64", "a riscv64", "an e_machine 99": the article goes by the spoken name. */
  private static String withArticle(String machineName) {
    char first = machineName.charAt(0);
    boolean vowelSound = "aeioxAEIOX".indexOf(first) >= 0 || machineName.startsWith("s390");
    return (vowelSound ? "an " : "a ") + machineName;
  }

  private static String endianness(ByteOrder order) {
    return order.equals(ByteOrder.BIG_ENDIAN) ? "big-endian" : "little-endian";
  }
}
