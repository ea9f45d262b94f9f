package io.attune.packbinaries.oci;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Shown;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * An OCI content digest, {@code algorithm:encoded}, checked against the image spec's grammar and
 * its registered algorithms before it names a file or a URL: a digest read from a layout or a
 * registry is hostile input, and {@code sha256:../../etc/hostname} must never become a path.
 */
public record Digest(Algorithm algorithm, String encoded) {

  /** The registered algorithms: lowercase hex of a fixed length, nothing else. */
  public enum Algorithm {
    SHA256("sha256", "SHA-256", 64),
    SHA512("sha512", "SHA-512", 128);

    private final String prefix;
    private final String javaName;
    private final int hexDigits;
    private final Pattern encoded;

    Algorithm(String prefix, String javaName, int hexDigits) {
      this.prefix = prefix;
      this.javaName = javaName;
      this.hexDigits = hexDigits;
      this.encoded = Pattern.compile("[a-f0-9]{" + hexDigits + "}");
    }

    /** The name before the colon, also the layout's blob directory. */
    public String prefix() {
      return prefix;
    }

    public MessageDigest newMessageDigest() {
      try {
        return MessageDigest.getInstance(javaName);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has " + javaName, e);
      }
    }
  }

  // The spec's grammar: algorithm-component (separator component)* ":" [a-zA-Z0-9=_-]+.
  private static final Pattern GRAMMAR =
      Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

  private static final int MAX_ALGORITHM_LENGTH = 64;

  /** What hostile text may show of itself in a message: enough to recognise it, no more. */
  private static final int SHOWN = 80;

  public Digest {
    if (!algorithm.encoded.matcher(encoded).matches()) {
      throw new IllegalArgumentException(algorithm.prefix + " digests are lowercase hex");
    }
  }

  /** The digest of {@code content} with sha256, the algorithm this plugin writes. */
  public static Digest sha256(byte[] content) {
    return of(Algorithm.SHA256, content);
  }

  static Digest of(Algorithm algorithm, byte[] content) {
    return new Digest(
        algorithm, HexFormat.of().formatHex(algorithm.newMessageDigest().digest(content)));
  }

  /** True when {@code text} is a digest this plugin accepts. */
  public static boolean isValid(String text) {
    return problem(text) == null;
  }

  /**
   * Why {@code text} is not an accepted digest, or null when it is one: the grammar, then a
   * registered algorithm, then that algorithm's encoding.
   */
  public static String problem(String text) {
    if (text == null || text.isEmpty()) {
      return "the digest is missing";
    }
    // The grammar repeats a group per component of the algorithm's name, which java.util.regex
    // does by recursion: a name of thousands of components overflowed the stack. Real ones are
    // short, so a long one fails the grammar here, before the pattern runs.
    int colon = text.indexOf(':');
    if ((colon < 0 ? text.length() : colon) > MAX_ALGORITHM_LENGTH
        || !GRAMMAR.matcher(text).matches()) {
      return "'" + shown(text) + "' is not algorithm:encoded (e.g. sha256:<64 hex digits>)";
    }
    String name = text.substring(0, colon);
    Algorithm algorithm = algorithmNamed(name);
    if (algorithm == null) {
      return "'"
          + shown(text)
          + "' uses the algorithm '"
          + shown(name)
          + "'; only sha256 and sha512 are registered";
    }
    if (!algorithm.encoded.matcher(text.substring(colon + 1)).matches()) {
      return "'"
          + shown(text)
          + "' is not "
          + name
          + ": followed by "
          + algorithm.hexDigits
          + " lowercase hex digits";
    }
    return null;
  }

  private static Algorithm algorithmNamed(String name) {
    for (Algorithm algorithm : Algorithm.values()) {
      if (algorithm.prefix.equals(name)) {
        return algorithm;
      }
    }
    return null;
  }

  /**
   * The digest {@code text}, or a failure that names {@code source} (the file or response it came
   * from) and says {@code advice}, what to do about it.
   */
  public static Digest parse(String text, String source, String advice) throws PackFailure {
    String problem = problem(text);
    if (problem != null) {
      throw new PackFailure(source + ": " + problem + "; " + advice);
    }
    int colon = text.indexOf(':');
    return new Digest(algorithmNamed(text.substring(0, colon)), text.substring(colon + 1));
  }

  /** For text this plugin wrote itself: an invalid one is a bug, not a user's mistake. */
  public static Digest parseTrusted(String text) {
    try {
      return parse(text, "digest", "this is a bug");
    } catch (PackFailure e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** True when {@code content} hashes to this digest. */
  public boolean matches(byte[] content) {
    return of(algorithm, content).equals(this);
  }

  /**
   * True when the file's bytes hash to this digest; streams, so a blob of any size fits. A sha256
   * file whose stamp is unchanged since {@code digests} last hashed it is not read again.
   */
  public boolean matches(Path file, FileDigests digests) throws IOException {
    if (algorithm == Algorithm.SHA256) {
      return digests.sha256(file).equals(encoded);
    }
    MessageDigest digest = algorithm.newMessageDigest();
    try (InputStream in = Files.newInputStream(file);
        OutputStream hashed = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
      in.transferTo(hashed);
    }
    return HexFormat.of().formatHex(digest.digest()).equals(encoded);
  }

  /** {@code blobs/<algorithm>/<encoded>} under a layout's root. */
  public Path blobPath(Path layoutRoot) {
    return layoutRoot.resolve("blobs").resolve(algorithm.prefix).resolve(encoded);
  }

  private static String shown(String text) {
    return Shown.printable(text, SHOWN);
  }

  @Override
  public String toString() {
    return algorithm.prefix + ":" + encoded;
  }
}
