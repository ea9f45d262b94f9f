package io.attune.packbinaries.cargo;

import java.util.Optional;

/** The user running Maven, whose uid:gid the builder container runs as. */
public record HostUser(long uid, long gid) {

  /** The current user, or empty where there are no Unix ids (Windows). */
  public static Optional<HostUser> current() {
    try {
      var unix = new com.sun.security.auth.module.UnixSystem();
      return Optional.of(new HostUser(unix.getUid(), unix.getGid()));
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return Optional.empty();
    }
  }

  public boolean isRoot() {
    return uid == 0;
  }

  @Override
  public String toString() {
    return uid + ":" + gid;
  }
}
