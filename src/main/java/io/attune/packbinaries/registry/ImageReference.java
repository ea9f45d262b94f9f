package io.attune.packbinaries.registry;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Shown;
import io.attune.packbinaries.oci.Digest;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * {@code host[:port]/path[:tag][@sha256:hex]}. The registry host is required: a release names where
 * it goes, and an implicit default registry would publish somewhere nobody meant.
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  // A DNS name or IPv4 address, or an IPv6 address in brackets (checked further as a URI's host).
  private static final Pattern HOST =
      Pattern.compile(
          "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
              + "|\\[[0-9A-Fa-f:.]+]");
  // Docker allows 255 characters of name, 128 of tag and a digest: far less than this. The bound
  // also keeps the patterns' repeats (one level of recursion each in java.util.regex) shallow.
  static final int MAX_LENGTH = 1024;

  public static ImageReference parse(String text) throws PackFailure {
    if (text.length() > MAX_LENGTH) {
      throw new PackFailure(
          "'"
              + Shown.cut(text, 64)
              + "' is "
              + text.length()
              + " characters long; no image reference is longer than "
              + MAX_LENGTH);
    }
    String rest = text.trim();
    String digest = null;
    int at = rest.indexOf('@');
    if (at != -1) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      String problem = Digest.problem(digest);
      if (problem != null) {
        throw new PackFailure("'" + text + "': the digest after @ is not valid: " + problem);
      }
    }
    int slash = rest.indexOf('/');
    if (slash == -1 || !looksLikeHost(rest.substring(0, slash))) {
      throw new PackFailure(
          "'"
              + text
              + "' names no registry host; write it as REGISTRY/PATH, e.g."
              + " registry.example.com/attune/pack-binaries-init");
    }
    String registry = rest.substring(0, slash);
    if (!isHostAndPort(registry)) {
      throw new PackFailure(
          "'"
              + text
              + "': '"
              + registry
              + "' is not a registry host (a DNS name or an IP address, then :PORT if needed)");
    }
    String path = rest.substring(slash + 1);
    String tag = null;
    int colon = path.lastIndexOf(':');
    if (colon >= 0) {
      tag = path.substring(colon + 1);
      path = path.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new PackFailure("'" + text + "': '" + tag + "' is not a valid tag");
      }
    }
    if (!REPOSITORY.matcher(path).matches()) {
      throw new PackFailure(
          "'"
              + text
              + "': '"
              + path
              + "' is not a valid repository path (lowercase letters,"
              + " digits, '.', '_', '-', separated by '/')");
    }
    return new ImageReference(registry, path, tag, digest);
  }

  /** What the registry client can make an {@code https://HOST:PORT/} URL of. */
  private static boolean isHostAndPort(String registry) {
    int colon = registry.lastIndexOf(':');
    boolean hasPort = colon > registry.lastIndexOf(']');
    String host = hasPort ? registry.substring(0, colon) : registry;
    if (!HOST.matcher(host).matches()) {
      return false;
    }
    if (hasPort) {
      String port = registry.substring(colon + 1);
      if (!port.matches("[0-9]{1,5}")
          || Integer.parseInt(port) == 0
          || Integer.parseInt(port) > 65535) {
        return false;
      }
    }
    try {
      return URI.create("https://" + registry + "/").getHost() != null;
    } catch (IllegalArgumentException notAHost) {
      return false;
    }
  }

  private static boolean looksLikeHost(String first) {
    return first.contains(".") || first.contains(":") || first.equals("localhost");
  }

  /** {@code host/path}, without tag or digest: what a compose file's image is compared by. */
  public String repositoryName() {
    return registry + "/" + repository;
  }

  public ImageReference withDigest(String newDigest) {
    return new ImageReference(registry, repository, null, newDigest);
  }

  public ImageReference withTag(String newTag) {
    return new ImageReference(registry, repository, newTag, null);
  }

  /** The tag or digest a manifest request names; the digest wins. */
  public String manifestReference() {
    return digest != null ? digest : tag != null ? tag : "latest";
  }

  @Override
  public String toString() {
    return repositoryName() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }
}
