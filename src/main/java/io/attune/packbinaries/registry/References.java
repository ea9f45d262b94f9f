package io.attune.packbinaries.registry;

import java.util.regex.Pattern;

/**
 * Checks a digest, tag or repository name before it becomes part of a URL path: a digest read from
 * a manifest is the registry's data, and {@code ../} in it must not reach another endpoint.
 */
final class References {

  // The OCI image spec's digest grammar: algorithm ":" encoded.
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

  private References() {}

  static String digest(String digest) throws RegistryException {
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new RegistryException(0, "'" + digest + "' is not a valid digest (algorithm:hex)");
    }
    return digest;
  }

  /** A tag or a digest, as a manifest reference. */
  static String manifest(String reference) throws RegistryException {
    if (reference != null && reference.contains(":")) {
      return digest(reference);
    }
    if (reference == null || !TAG.matcher(reference).matches()) {
      throw new RegistryException(0, "'" + reference + "' is neither a tag nor a digest");
    }
    return reference;
  }

  static String repository(String repository) throws RegistryException {
    if (repository == null || !REPOSITORY.matcher(repository).matches()) {
      throw new RegistryException(0, "'" + repository + "' is not a valid repository name");
    }
    return repository;
  }
}
