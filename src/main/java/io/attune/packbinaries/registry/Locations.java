package io.attune.packbinaries.registry;

import io.attune.packbinaries.io.Shown;
import java.net.URI;

/**
 * Resolves a {@code Location} header against the URL that sent it, per RFC 3986 section 5.2. {@link
 * URI#resolve} follows the older RFC 2396 and gets some references wrong (a query-only {@code ?x}
 * drops the last path segment), which would send an upload to the wrong place.
 */
final class Locations {

  private Locations() {}

  /**
   * {@code reference} resolved against {@code base}.
   *
   * @throws RegistryException when the reference is no URI, or leads to no HTTP(S) URL with a host:
   *     a registry's redirect or upload can go nowhere else
   */
  static URI resolve(URI base, String reference) throws RegistryException {
    URI resolved;
    try {
      resolved = resolve(base, URI.create(reference.trim()));
    } catch (IllegalArgumentException notAUri) {
      resolved = null;
    }
    if (resolved == null || !isHttpWithHost(resolved)) {
      throw new RegistryException(
          0,
          "The answer from "
              + base
              + " sent its client on to '"
              + Shown.cut(reference, 200)
              + "', which is no HTTP or HTTPS URL with a host: the registry, or a proxy in front"
              + " of it, is misconfigured");
    }
    return resolved;
  }

  private static boolean isHttpWithHost(URI url) {
    String scheme = url.getScheme();
    return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
        && url.getHost() != null;
  }

  /** Null where the result would have no authority: HTTP needs one, and "//" could fake it. */
  private static URI resolve(URI base, URI ref) {
    if (ref.getScheme() != null && ref.getRawAuthority() == null) {
      return null;
    }
    if (ref.getScheme() != null) {
      return withPath(
          ref.getScheme(), ref.getRawAuthority(), removeDotSegments(ref.getRawPath()), ref);
    }
    if (ref.getRawAuthority() != null) {
      return withPath(
          base.getScheme(), ref.getRawAuthority(), removeDotSegments(ref.getRawPath()), ref);
    }
    // A reference without a scheme, and an http(s) base, are hierarchical: their paths are not
    // null.
    String path = ref.getRawPath();
    String query = ref.getRawQuery();
    if (path.isEmpty()) {
      path = base.getRawPath();
      if (query == null) {
        query = base.getRawQuery();
      }
    } else if (path.startsWith("/")) {
      path = removeDotSegments(path);
    } else {
      path = removeDotSegments(merge(base, path));
    }
    return build(base.getScheme(), base.getRawAuthority(), path, query, ref.getRawFragment());
  }

  private static URI withPath(String scheme, String authority, String path, URI ref) {
    return build(scheme, authority, path, ref.getRawQuery(), ref.getRawFragment());
  }

  /** Section 5.2.3, for a base with an authority, as every http(s) base has. */
  private static String merge(URI base, String path) {
    String basePath = base.getRawPath();
    if (basePath.isEmpty()) {
      return "/" + path;
    }
    return basePath.substring(0, basePath.lastIndexOf('/') + 1) + path;
  }

  /** Section 5.2.4. */
  static String removeDotSegments(String path) {
    String input = path;
    StringBuilder output = new StringBuilder();
    while (!input.isEmpty()) {
      if (input.startsWith("../")) {
        input = input.substring(3);
      } else if (input.startsWith("./")) {
        input = input.substring(2);
      } else if (input.startsWith("/./")) {
        input = input.substring(2);
      } else if (input.equals("/.")) {
        input = "/";
      } else if (input.startsWith("/../")) {
        input = input.substring(3);
        removeLastSegment(output);
      } else if (input.equals("/..")) {
        input = "/";
        removeLastSegment(output);
      } else if (input.equals(".") || input.equals("..")) {
        input = "";
      } else {
        // The first segment, with its leading "/" if it has one.
        int next = input.indexOf('/', 1);
        int end = next == -1 ? input.length() : next;
        output.append(input, 0, end);
        input = input.substring(end);
      }
    }
    return output.toString();
  }

  private static void removeLastSegment(StringBuilder output) {
    int slash = output.lastIndexOf("/");
    output.setLength(Math.max(slash, 0));
  }

  private static URI build(
      String scheme, String authority, String path, String query, String fragment) {
    StringBuilder text = new StringBuilder(scheme).append(':');
    if (authority != null) {
      text.append("//").append(authority);
    }
    text.append(path);
    if (query != null) {
      text.append('?').append(query);
    }
    if (fragment != null) {
      text.append('#').append(fragment);
    }
    return URI.create(text.toString());
  }
}
