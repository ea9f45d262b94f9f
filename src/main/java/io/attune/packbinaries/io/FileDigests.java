package io.attune.packbinaries.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * SHA-256 of files, remembered by each file's stamp: device and inode, size, modification and
 * change time, all of which a write, a rename over it or a {@code touch} changes. Every goal checks
 * what the last one wrote (binaries, image files, blobs), so a release with nothing changed would
 * read and hash every byte it released, and a fresh JVM's first megabytes of SHA-256 run in the
 * interpreter. A file whose stamp is unchanged is not hashed again.
 *
 * <p>As git does for its index, a digest is remembered only when the file's modification time is
 * older than the hashing by more than the file system's clock step: a file written again within
 * that step would keep its stamp. Where the file system has no Unix stamp (no inode or change time)
 * nothing is remembered.
 *
 * <p>One memory belongs to one goal, which closes it at its end: it then writes what it learned of
 * the files of one directory, the goals' output, to a file there ({@link #keptIn}), which the next
 * goal reads. That file is only a hint, read as such: a line that is not a well-formed entry for a
 * file in that directory is ignored.
 */
public final class FileDigests implements AutoCloseable {

  /** A line is under 300 bytes; thousands of files fit in far less. */
  static final int MAX_BYTES = 1024 * 1024;

  /** Beyond this, the memory starts again (a goal over many thousands of files). */
  static final int MAX_ENTRIES = 10_000;

  /** Linux stamps files from a clock that steps every 1–10 ms; whole seconds mean a coarse one. */
  static final long FINE_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  static final long COARSE_STEP_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  private static final String HEADER =
      "# SHA-256 of the pack-binaries goals' files by their stamp (size, modification and change"
          + " times, device and inode): a file is hashed again when any part differs. Safe to"
          + " delete.\n";

  private final Map<Path, Entry> known = new ConcurrentHashMap<>();

  // Files hashed too soon after their last write to be remembered, with the stamp they had: the
  // goal's end hashes them again once the step has passed (see close).
  private final Map<Path, Stamp> unsettled = new ConcurrentHashMap<>();

  // Files this goal wrote and hashed as it wrote them, with the stamp they had once in place: until
  // that stamp changes their digest is known without reading them, and the goal's end remembers
  // it (see wrote).
  private final Map<Path, Entry> written = new ConcurrentHashMap<>();

  // The memory's file and its directory, or null for a memory that is not kept.
  private final Path file;
  private final Path directory;
  private final Map<String, Entry> atStart;
  private final Consumer<String> debug;

  private FileDigests(Path file, Consumer<String> debug) {
    this.file = file;
    this.directory = file == null ? null : file.toAbsolutePath().normalize().getParent();
    this.debug = debug;
    if (file != null) {
      read(file, debug).forEach((relative, entry) -> remember(directory.resolve(relative), entry));
      this.atStart = rememberedUnder(directory);
    } else {
      this.atStart = Map.of();
    }
  }

  /** A memory for this goal alone: nothing read, nothing kept. */
  public static FileDigests inMemory() {
    return new FileDigests(null, message -> {});
  }

  /**
   * A memory that starts with what {@code file} remembers of its directory's files and, on {@link
   * #close()}, writes the memory of that directory back if it changed and the directory exists.
   * Neither ever fails a goal: {@code debug} hears what went wrong.
   */
  public static FileDigests keptIn(Path file, Consumer<String> debug) {
    return new FileDigests(file, debug);
  }

  /** What identifies a file's content without reading it, as long as the content was settled. */
  record Stamp(long size, long modifiedNanos, long changedNanos, long device, long inode) {

    /** The file's stamp, or null where the file system has none. */
    static Stamp of(Path file) throws IOException {
      Map<String, Object> attributes;
      try {
        attributes = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,dev,ino");
      } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
        return null;
      }
      if (!(attributes.get("size") instanceof Long size)
          || !(attributes.get("lastModifiedTime") instanceof FileTime modified)
          || !(attributes.get("ctime") instanceof FileTime changed)
          || !(attributes.get("dev") instanceof Long device)
          || !(attributes.get("ino") instanceof Long inode)) {
        return null;
      }
      return new Stamp(
          size, modified.to(TimeUnit.NANOSECONDS), changed.to(TimeUnit.NANOSECONDS), device, inode);
    }

    /** Whether a write made after {@code hashedAtNanos} (wall clock) would show in the stamp. */
    boolean settledBefore(long hashedAtNanos) {
      long step = modifiedNanos % 1_000_000_000L == 0 ? COARSE_STEP_NANOS : FINE_STEP_NANOS;
      return hashedAtNanos - step > Math.max(modifiedNanos, changedNanos);
    }
  }

  record Entry(Stamp stamp, String sha256) {}

  /**
   * Takes {@code sha256} as the digest of {@code file}, which this goal has just written whole
   * (hashing the bytes as it wrote them) and renamed into place under the build's lock: no other
   * writer had it, so its stamp now stands for those bytes. A later write shows in the stamp, and
   * the digest is then forgotten.
   */
  public void wrote(Path file, String sha256) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    Stamp stamp = Stamp.of(key);
    known.remove(key);
    unsettled.remove(key);
    if (stamp != null) {
      written.put(key, new Entry(stamp, sha256));
    }
  }

  /** The file's SHA-256 as lowercase hex: remembered when its stamp is unchanged, else read. */
  public String sha256(Path file) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    Stamp before = Stamp.of(key);
    Entry remembered = known.get(key);
    if (before != null && remembered != null && remembered.stamp().equals(before)) {
      return remembered.sha256();
    }
    Entry ours = written.get(key);
    if (before != null && ours != null && ours.stamp().equals(before)) {
      return ours.sha256();
    }
    written.remove(key);
    long hashedAt = wallClockNanos();
    String digest = Sha256.of(key);
    known.remove(key);
    unsettled.remove(key);
    if (before != null && before.equals(Stamp.of(key))) {
      if (before.settledBefore(hashedAt)) {
        remember(key, new Entry(before, digest));
      } else if (unsettled.size() < MAX_ENTRIES) {
        unsettled.put(key, before);
      }
    }
    return digest;
  }

  private static Stamp stampOrNull(Path file) {
    try {
      return Stamp.of(file);
    } catch (IOException gone) {
      return null;
    }
  }

  private void remember(Path file, Entry entry) {
    if (known.size() >= MAX_ENTRIES) {
      known.clear();
    }
    known.put(file, entry);
  }

  /**
   * Hashes again the files under {@code root} that were hashed within their clock step and have
   * kept their stamp since: now that the step has passed, what they hash to can be remembered. A
   * release's image files, written and hashed at the end of the image goal, are remembered so at
   * the end of the push goal, and the next run need not read them.
   */
  private void settleUnder(Path root) {
    long now = wallClockNanos();
    for (Map.Entry<Path, Entry> ours : written.entrySet()) {
      Path file = ours.getKey();
      Stamp stamp = stampOrNull(file);
      // No clock step to wait for: no one else wrote it since (see wrote), and a stamp that
      // still holds names the bytes this goal wrote.
      if (file.startsWith(root) && ours.getValue().stamp().equals(stamp)) {
        remember(file, ours.getValue());
      }
    }
    for (Map.Entry<Path, Stamp> pending : unsettled.entrySet()) {
      Path file = pending.getKey();
      if (!file.startsWith(root)) {
        continue;
      }
      Stamp stamp = stampOrNull(file);
      if (stamp == null || !stamp.equals(pending.getValue())) {
        unsettled.remove(file);
      } else if (stamp.settledBefore(now)) {
        try {
          sha256(file);
        } catch (IOException gone) {
          unsettled.remove(file);
        }
      }
    }
  }

  private static long wallClockNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** What this memory holds of the files under {@code directory}, by relative path, sorted. */
  Map<String, Entry> rememberedUnder(Path directory) {
    Path root = directory.toAbsolutePath().normalize();
    Map<String, Entry> under = new TreeMap<>();
    known.forEach(
        (file, entry) -> {
          if (file.startsWith(root) && !file.equals(root)) {
            under.put(root.relativize(file).toString(), entry);
          }
        });
    return under;
  }

  /** The entries in {@code file}, by path relative to its directory; none when unreadable. */
  static Map<String, Entry> read(Path file, Consumer<String> debug) {
    Map<String, Entry> entries = new TreeMap<>();
    for (String line : HintFiles.read(file, MAX_BYTES, debug).orElse("").split("\n", -1)) {
      parse(line, entries);
      if (entries.size() >= MAX_ENTRIES) {
        break;
      }
    }
    return entries;
  }

  /** One line: sha256, size, mtime, ctime, device, inode (numbers in decimal) and path, by tabs. */
  private static void parse(String line, Map<String, Entry> entries) {
    String[] fields = line.split("\t", -1);
    if (fields.length != 7 || !HEX.matcher(fields[0]).matches()) {
      return;
    }
    long[] numbers = new long[5];
    for (int i = 0; i < numbers.length; i++) {
      try {
        numbers[i] = Long.parseLong(fields[i + 1]);
      } catch (NumberFormatException e) {
        return;
      }
    }
    String relative = fields[6];
    if (!PlainPaths.isInside(relative) || numbers[0] < 0) {
      return;
    }
    entries.put(
        relative,
        new Entry(
            new Stamp(numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]), fields[0]));
  }

  /** Writes what was learned of the directory's files, when kept and changed (see keptIn). */
  @Override
  public void close() {
    if (file == null || !Files.isDirectory(directory)) {
      return;
    }
    settleUnder(directory);
    Map<String, Entry> now = rememberedUnder(directory);
    // A file deleted or changed since is not worth a line.
    now.entrySet()
        .removeIf(e -> !e.getValue().stamp().equals(stampOrNull(directory.resolve(e.getKey()))));
    if (now.equals(atStart)) {
      return;
    }
    StringBuilder text = new StringBuilder(HEADER);
    now.forEach(
        (relative, entry) -> {
          Stamp s = entry.stamp();
          if (relative.indexOf('\n') < 0 && relative.indexOf('\t') < 0) {
            text.append(
                String.join(
                    "\t",
                    entry.sha256(),
                    Long.toString(s.size()),
                    Long.toString(s.modifiedNanos()),
                    Long.toString(s.changedNanos()),
                    Long.toString(s.device()),
                    Long.toString(s.inode()),
                    relative));
            text.append('\n');
          }
        });
    HintFiles.write(file, text.toString(), debug);
  }
}
