package io.attune.packbinaries.cargo;

import io.attune.packbinaries.BuildLog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on the output directory, so two builds of one project (two terminals, an IDE
 * and a shell) take turns instead of overwriting each other's binaries halfway.
 */
public final class BuildLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private BuildLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, waiting (and saying so) while another build holds it. */
  public static BuildLock acquire(Path file, BuildLog log) throws IOException {
    Files.createDirectories(file.getParent());
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        log.info("Waiting for another build of this project to finish (it holds " + file + ")");
        lock = channel.lock();
      }
      return new BuildLock(channel, lock);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
