package io.attune.packbinaries.elf;

/**
 * The file is not an ELF file, or its headers point outside it. The message is a full sentence
 * about the file, shown to the user as a verdict reason.
 */
public class ElfFormatException extends Exception {

  public ElfFormatException(String message) {
    super(message);
  }
}
