package io.attune.packbinaries.platform;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A Rust target triple the plugin accepts, with everything each stage needs to know about it: the
 * ELF header its binaries must carry, the OCI platform of its image, and its C library.
 *
 * <p>Adding a target means adding a row to {@link #KNOWN}; no stage special-cases a triple.
 */
public record TargetTriple(String name, ElfMachine machine, Platform platform, Libc libc) {

  private static final Platform AMD64 = new Platform("linux", "amd64", null);
  private static final Platform ARM64 = new Platform("linux", "arm64", null);

  /** Every triple the plugin knows, in the order listed to users. */
  public static final List<TargetTriple> KNOWN =
      List.of(
          new TargetTriple("x86_64-unknown-linux-musl", ElfMachine.X86_64, AMD64, Libc.MUSL),
          new TargetTriple("aarch64-unknown-linux-musl", ElfMachine.AARCH64, ARM64, Libc.MUSL),
          new TargetTriple("x86_64-unknown-linux-gnu", ElfMachine.X86_64, AMD64, Libc.GNU),
          new TargetTriple("aarch64-unknown-linux-gnu", ElfMachine.AARCH64, ARM64, Libc.GNU),
          new TargetTriple(
              "armv7-unknown-linux-musleabihf",
              ElfMachine.ARM,
              new Platform("linux", "arm", "v7"),
              Libc.MUSL),
          new TargetTriple(
              "riscv64gc-unknown-linux-musl",
              ElfMachine.RISCV64,
              new Platform("linux", "riscv64", null),
              Libc.MUSL),
          new TargetTriple(
              "s390x-unknown-linux-gnu",
              ElfMachine.S390X,
              new Platform("linux", "s390x", null),
              Libc.GNU),
          new TargetTriple(
              "powerpc64le-unknown-linux-gnu",
              ElfMachine.PPC64LE,
              new Platform("linux", "ppc64le", null),
              Libc.GNU));

  /** The default target: musl on x86-64. */
  public static final TargetTriple DEFAULT = KNOWN.get(0);

  public static Optional<TargetTriple> find(String name) {
    String wanted = name == null ? "" : name.trim();
    return KNOWN.stream().filter(t -> t.name.equals(wanted)).findFirst();
  }

  /**
   * The triple of that name.
   *
   * @throws PackFailure naming the known triples, for a name outside the table
   */
  public static TargetTriple of(String name) throws PackFailure {
    Optional<TargetTriple> triple = find(name);
    if (triple.isEmpty()) {
      throw new PackFailure(
          "Unknown target triple '"
              + name
              + "'. Known targets: "
              + knownNames()
              + ". Set "
              + PropertyNames.TARGET
              + " to one of them.");
    }
    return triple.get();
  }

  /** The musl triple for the same architecture, the one to recommend in messages. */
  public TargetTriple muslEquivalent() {
    return KNOWN.stream()
        .filter(t -> t.machine == machine && t.libc == Libc.MUSL)
        .findFirst()
        .orElse(this);
  }

  /** The target whose binaries run natively on this JVM's host, if the plugin knows it. */
  public static Optional<TargetTriple> host() {
    String arch = System.getProperty("os.arch", "");
    ElfMachine machine =
        switch (arch) {
          case "amd64", "x86_64" -> ElfMachine.X86_64;
          case "aarch64", "arm64" -> ElfMachine.AARCH64;
          default -> null;
        };
    return KNOWN.stream().filter(t -> t.machine == machine && t.libc == Libc.MUSL).findFirst();
  }

  public static String knownNames() {
    return KNOWN.stream().map(TargetTriple::name).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return name;
  }
}
