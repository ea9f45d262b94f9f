package io.attune.packbinaries.registry;

import io.attune.packbinaries.io.HintFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Registries (host:port) that answered the HTTPS probe as plain HTTP servers. A goal makes several
 * clients for one registry (push, supply chain, audit; the index goal one per repository), and each
 * would probe again: a TLS handshake against a server that cannot answer it. Consulted only where
 * plain HTTP is allowed at all (a loopback registry, or {@code pack.allowInsecureRegistries}), and
 * forgotten when a request over it fails to connect or is answered as a TLS server answers plain
 * HTTP, so a registry restarted with TLS is probed afresh.
 *
 * <p>The memory also outlives the JVM, in a file beside the goals' other states ({@link #keptIn}):
 * the next run's first request then needs no probe, and a plain-HTTP registry never makes the JVM
 * load TLS. The file is only a hint, read as such: a line that is not a registry name is ignored.
 */
public final class PlainRegistries {

  /** A few names fit in far less; a larger file is not ours, and is not read. */
  static final int MAX_BYTES = 16 * 1024;

  // host or [IPv6], then an optional port: what a registry name's first part may be.
  private static final Pattern NAME =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\])(?::\\d{1,5})?");

  private static final String HEADER =
      "# Registries that answered plain HTTP: the pack-binaries goals skip the HTTPS probe for them"
          + " and probe again when one stops answering so. Safe to delete.\n";

  private static final Set<String> PLAIN = ConcurrentHashMap.newKeySet();

  private PlainRegistries() {}

  static boolean known(String registry) {
    return PLAIN.contains(registry);
  }

  static void remember(String registry) {
    PLAIN.add(registry);
  }

  static void forget(String registry) {
    PLAIN.remove(registry);
  }

  /** What this JVM remembers now, sorted: what the file keeps. */
  static Set<String> remembered() {
    return new TreeSet<>(PLAIN);
  }

  /**
   * Adds what {@code file} remembers to this JVM's memory; on {@link Memory#close()}, writes the
   * memory back if it changed and the file's directory exists (a goal that made no output directory
   * leaves none behind). Neither ever fails a goal: {@code debug} hears what went wrong.
   */
  public static Memory keptIn(Path file, Consumer<String> debug) {
    Set<String> read = read(file, debug);
    PLAIN.addAll(read);
    return new Memory(file, read, debug);
  }

  /** The registry names in {@code file}; none when it is missing, unreadable or too large. */
  static Set<String> read(Path file, Consumer<String> debug) {
    Set<String> names = new TreeSet<>();
    for (String line : HintFiles.read(file, MAX_BYTES, debug).orElse("").split("\n", -1)) {
      String name = line.strip();
      if (NAME.matcher(name).matches()) {
        names.add(name);
      }
    }
    return names;
  }

  /** The memory's file while a goal runs: see {@link #keptIn}. */
  public static final class Memory implements AutoCloseable {
    private final Path file;
    private final Set<String> read;
    private final Consumer<String> debug;

    private Memory(Path file, Set<String> read, Consumer<String> debug) {
      this.file = file;
      this.read = read;
      this.debug = debug;
    }

    @Override
    public void close() {
      Set<String> now = remembered();
      Path directory = file.toAbsolutePath().getParent();
      if (now.equals(read) || directory == null || !Files.isDirectory(directory)) {
        return;
      }
      StringBuilder text = new StringBuilder(HEADER);
      now.forEach(name -> text.append(name).append('\n'));
      HintFiles.write(file, text.toString(), debug);
    }
  }
}
