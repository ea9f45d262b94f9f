package io.attune.packbinaries.platform;

import java.nio.ByteOrder;

/**
 * What an ELF header says about the CPU a binary is for: e_machine, class and byte order. The names
 * are the ones people know the architectures by, used in every message.
 */
public enum ElfMachine {
  X86_64(62, 64, ByteOrder.LITTLE_ENDIAN, "x86-64"),
  AARCH64(183, 64, ByteOrder.LITTLE_ENDIAN, "aarch64"),
  ARM(40, 32, ByteOrder.LITTLE_ENDIAN, "arm"),
  RISCV64(243, 64, ByteOrder.LITTLE_ENDIAN, "riscv64"),
  S390X(22, 64, ByteOrder.BIG_ENDIAN, "s390x"),
  PPC64LE(21, 64, ByteOrder.LITTLE_ENDIAN, "ppc64le"),
  I386(3, 32, ByteOrder.LITTLE_ENDIAN, "x86 (32-bit)");

  private final int code;
  private final int elfClass;
  private final ByteOrder byteOrder;
  private final String displayName;

  ElfMachine(int code, int elfClass, ByteOrder byteOrder, String displayName) {
    this.code = code;
    this.elfClass = elfClass;
    this.byteOrder = byteOrder;
    this.displayName = displayName;
  }

  /** e_machine. */
  public int code() {
    return code;
  }

  /** 32 or 64. */
  public int elfClass() {
    return elfClass;
  }

  public ByteOrder byteOrder() {
    return byteOrder;
  }

  public String displayName() {
    return displayName;
  }

  /** Describes an e_machine value in words, whether or not a target uses it. */
  public static String describe(int code) {
    for (ElfMachine machine : values()) {
      if (machine.code == code) {
        return machine.displayName;
      }
    }
    return switch (code) {
      case 2 -> "SPARC";
      case 8 -> "MIPS";
      case 20 -> "PowerPC (32-bit)";
      case 43 -> "SPARC v9";
      case 258 -> "LoongArch";
      default -> "e_machine " + code;
    };
  }
}
