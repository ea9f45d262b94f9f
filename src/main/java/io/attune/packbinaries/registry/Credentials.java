package io.attune.packbinaries.registry;

/**
 * A username and password (or token) for one registry, and where they came from, so a refusal can
 * say which source to fix. {@link #toString()} never shows the password.
 */
public record Credentials(String username, String password, String source) {

  @Override
  public String toString() {
    return "user '" + username + "' from " + source;
  }
}
