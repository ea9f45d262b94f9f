package io.attune.packbinaries;

/**
 * The user's input or artifact is wrong: a bad parameter, a dynamic binary, a missing engine. Its
 * message is shown to the user as it is, so it says what is wrong and what to do. The Maven goals
 * turn it into a BUILD FAILURE; any other exception means something broke.
 */
public class PackFailure extends Exception {

  public PackFailure(String message) {
    super(message);
  }

  public PackFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
