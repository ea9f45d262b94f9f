package io.attune.packbinaries.registry;

import io.attune.packbinaries.oci.Digest;
import java.util.regex.Pattern;

/**
 * Checks a digest, tag or repository name before it becomes part of a URL path: a digest read from
 * a manifest is the registry's data, and {@code ../} in it must not reach another endpoint.
 */
final class References {

  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

  private References() {}

  /** The digest, by the OCI grammar and a registered algorithm ({@link Digest}). */
  static Digest digest(String digest) throws RegistryException {
    String problem = Digest.problem(digest);
    if (problem != null) {
      throw new RegistryException(0, problem);
    }
    return Digest.parseTrusted(digest);
  }

  /** A tag or a digest, as a manifest reference. */
  static String manifest(String reference) throws RegistryException {
    if (reference != null && reference.contains(":")) {
      return digest(reference).toString();
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
