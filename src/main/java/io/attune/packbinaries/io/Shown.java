package io.attune.packbinaries.io;

/**
 * What text from elsewhere (a file, a registry's answer) may show of itself in a message: enough to
 * recognise it, not a megabyte of it.
 */
public final class Shown {

  private Shown() {}

  /** {@code text}, cut after {@code limit} characters with "…". */
  public static String cut(String text, int limit) {
    return text.length() <= limit ? text : text.substring(0, limit) + "…";
  }

  /** {@link #cut} of {@code text} with every character outside printable ASCII shown as '?'. */
  public static String printable(String text, int limit) {
    return cut(text.replaceAll("[^\\x20-\\x7e]", "?"), limit);
  }
}
