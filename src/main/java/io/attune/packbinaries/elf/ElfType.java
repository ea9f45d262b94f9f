package io.attune.packbinaries.elf;

/** e_type: what kind of ELF file it is. */
public enum ElfType {
  NONE(0),
  REL(1),
  EXEC(2),
  DYN(3),
  CORE(4),
  /** A value outside the standard ones (OS- or processor-specific). */
  OTHER(-1);

  private final int code;

  ElfType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static ElfType of(int code) {
    for (ElfType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    return OTHER;
  }
}
