package io.attune.packbinaries.cargo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The arguments of the {@code docker run} of the builder: the workspace bind-mounted at its own
 * path (so cargo's messages name the user's files), cargo's caches in a named volume, the user's
 * uid:gid (so every file it writes belongs to the user), no extra privileges, and no network when
 * offline. Environment values are passed by name only, from the engine client's own environment, so
 * they never show on a command line or in a log.
 */
public final class ContainerRun {

  static final String CARGO_HOME = "/cargo-home";

  private final String image;
  private final List<Path> mounts = new ArrayList<>();
  private final Set<String> environmentNames = new TreeSet<>();
  private Path workingDirectory;
  private String cacheVolume;
  private HostUser user;
  private boolean podman;
  private boolean offline;
  private String name;

  public ContainerRun(String image) {
    this.image = image;
  }

  public ContainerRun mount(Path directory) {
    for (Path mounted : mounts) {
      if (directory.startsWith(mounted)) {
        return this;
      }
    }
    mounts.add(directory);
    return this;
  }

  public ContainerRun workingDirectory(Path directory) {
    this.workingDirectory = directory;
    return this;
  }

  public ContainerRun cacheVolume(String volume) {
    this.cacheVolume = volume;
    return this;
  }

  public ContainerRun user(HostUser user, boolean podman) {
    this.user = user;
    this.podman = podman;
    return this;
  }

  public ContainerRun offline(boolean offline) {
    this.offline = offline;
    return this;
  }

  public ContainerRun name(String name) {
    this.name = name;
    return this;
  }

  /** Passed through from the client's environment by name. */
  public ContainerRun environment(Set<String> names) {
    environmentNames.addAll(names);
    return this;
  }

  /** Arguments that map the user into the container; podman rootless needs its namespace kept. */
  List<String> userNamespaceArguments() {
    return podman && user != null && !user.isRoot() ? List.of("--userns=keep-id") : List.of();
  }

  /**
   * The arguments after {@code docker}: a /bin/sh reading its commands from standard input (see
   * {@link BuilderSession}).
   */
  public List<String> arguments() {
    List<String> args = new ArrayList<>(List.of("run", "--rm", "-i"));
    if (name != null) {
      args.addAll(List.of("--name", name));
    }
    args.addAll(userNamespaceArguments());
    if (user != null) {
      args.addAll(List.of("--user", user.toString()));
    }
    if (offline) {
      args.addAll(List.of("--network", "none"));
    }
    // --mount, unlike -v, never creates a missing directory as root on the host.
    for (Path mount : mounts) {
      args.addAll(List.of("--mount", "type=bind,source=" + mount + ",target=" + mount));
    }
    if (cacheVolume != null) {
      args.addAll(
          List.of(
              "--mount",
              "type=volume,source=" + cacheVolume + ",target=" + CARGO_HOME,
              "-e",
              "CARGO_HOME=" + CARGO_HOME));
    }
    // The container user has no home directory of its own.
    args.addAll(List.of("-e", "HOME=/tmp"));
    for (String variable : environmentNames) {
      args.addAll(List.of("-e", variable));
    }
    if (workingDirectory != null) {
      args.addAll(List.of("-w", workingDirectory.toString()));
    }
    args.addAll(List.of("--entrypoint", "/bin/sh", image));
    return args;
  }
}
