package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The git commit the sources are at, and whether the work tree differs from it, asked of the git
 * CLI. Without git, or outside a repository, both are unknown: the provenance says so rather than
 * failing a release.
 *
 * @param commit the full commit id, or {@code unknown}
 * @param dirty whether tracked or untracked files differ from it; null when unknown
 */
public record SourceRevision(String commit, Boolean dirty) {

  public static final String UNKNOWN = "unknown";

  public static SourceRevision of(Path directory) throws InterruptedException {
    if (ProcessRunner.onPath("git").isEmpty()) {
      return new SourceRevision(UNKNOWN, null);
    }
    try {
      List<String> head = git(directory, "rev-parse", "--verify", "HEAD");
      if (head == null || head.isEmpty() || !head.get(0).matches("[0-9a-f]{40,64}")) {
        return new SourceRevision(UNKNOWN, null);
      }
      List<String> status = git(directory, "status", "--porcelain");
      return new SourceRevision(head.get(0), status == null ? null : !status.isEmpty());
    } catch (IOException e) {
      return new SourceRevision(UNKNOWN, null);
    }
  }

  /** The command's output lines, or null when it failed. */
  private static List<String> git(Path directory, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-C", directory.toString()));
    command.addAll(List.of(arguments));
    List<String> lines = new ArrayList<>();
    ProcessRunner.Result result =
        new ProcessRunner(lines::add).withTimeout(Duration.ofSeconds(30)).run(command);
    return result.succeeded() ? lines : null;
  }
}
