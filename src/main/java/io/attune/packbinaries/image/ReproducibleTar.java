package io.attune.packbinaries.image;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A tar archive whose bytes depend only on the entries given: one fixed time, owner 0:0 without
 * names, fixed modes. Callers add entries in a fixed order.
 */
final class ReproducibleTar implements Closeable {

  private final TarArchiveOutputStream tar;
  private final Date time;

  ReproducibleTar(OutputStream out, Instant time) {
    this.tar = new TarArchiveOutputStream(new BufferedOutputStream(out, 64 * 1024));
    this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    this.time = Date.from(time);
  }

  void addDirectory(String name) throws IOException {
    TarArchiveEntry entry = entry(name.endsWith("/") ? name : name + "/", 0755);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  void addBytes(String name, byte[] content) throws IOException {
    TarArchiveEntry entry = entry(name, 0644);
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  void addFile(String name, Path file) throws IOException {
    TarArchiveEntry entry = entry(name, 0644);
    entry.setSize(Files.size(file));
    tar.putArchiveEntry(entry);
    Files.copy(file, tar);
    tar.closeArchiveEntry();
  }

  private TarArchiveEntry entry(String name, int mode) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode((name.endsWith("/") ? TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 : 0100000) | mode);
    entry.setModTime(time);
    entry.setUserId(0);
    entry.setGroupId(0);
    entry.setUserName("");
    entry.setGroupName("");
    return entry;
  }

  @Override
  public void close() throws IOException {
    tar.finish();
    tar.close();
  }
}
