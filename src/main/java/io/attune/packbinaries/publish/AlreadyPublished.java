package io.attune.packbinaries.publish;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.audit.AuditReport;
import io.attune.packbinaries.concurrent.ParallelTasks;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistrySteps;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a push has anything new to publish: the last push's state (see {@link PushState})
 * names the same index, tags and parameters, the audit report still says that index passed, and the
 * registry confirms, one HEAD request each, that every tag and every attachment is still what that
 * push left. Anything else, including a state file that cannot be read, means a full push; only
 * what the user must fix (refused credentials, an untrusted certificate) fails.
 */
final class AlreadyPublished {

  /** HEAD requests at a time: a release has 2 tags and 6 attachments to confirm. */
  private static final int PARALLEL_CHECKS = 8;

  private final RegistryClient client;
  private final RegistrySteps steps;
  private final BuildLog log;

  AlreadyPublished(RegistryClient client, RegistrySteps steps, BuildLog log) {
    this.client = client;
    this.steps = steps;
    this.log = log;
  }

  /**
   * @param wanted what this push would leave, its attachments not yet known
   * @param auditReport the audit report to find passed for the index, or null when the push does
   *     not audit
   * @return the recorded state when the registry holds all of it, else empty (the reason logged at
   *     debug)
   */
  Optional<PushState> confirm(Path stateFile, PushState wanted, Path auditReport)
      throws PackFailure, InterruptedException {
    String reason;
    PushState recorded = null;
    try {
      recorded = PushState.read(stateFile);
      reason = recorded.difference(wanted);
      if (reason == null && auditReport != null) {
        reason = auditDifference(auditReport, wanted.indexDigest());
      }
      if (reason == null) {
        reason = registryDifference(recorded, wanted);
      }
    } catch (NoSuchFileException e) {
      reason = "there is no push state " + stateFile + " yet";
    } catch (IOException e) {
      reason = "the push state " + stateFile + " is unusable (" + e.getMessage() + ")";
    }
    if (reason != null) {
      log.debug("Pushing in full: " + reason);
      return Optional.empty();
    }
    return Optional.of(recorded);
  }

  private static String auditDifference(Path auditReport, String indexDigest) {
    try {
      AuditReport report = AuditReport.read(auditReport);
      if (report.passed() && indexDigest.equals(report.digest())) {
        return null;
      }
      return auditReport + " is not a passed audit of " + indexDigest;
    } catch (IOException e) {
      return auditReport + " is unreadable (" + e.getMessage() + ")";
    }
  }

  /**
   * Why the registry differs from what the last push left, or null when it does not. The HEAD
   * requests go at once; the reason given is the first by the tags' and attachments' order.
   */
  private String registryDifference(PushState recorded, PushState wanted)
      throws PackFailure, IOException, InterruptedException {
    String repository = wanted.repository();
    Map<String, String> expected = new LinkedHashMap<>();
    wanted.tags().forEach(tag -> expected.put(tag, wanted.indexDigest()));
    expected.putAll(recorded.attachments());
    List<Map.Entry<String, String>> references = List.copyOf(expected.entrySet());
    try (ParallelTasks parallel =
        new ParallelTasks("confirm", Math.max(1, Math.min(PARALLEL_CHECKS, references.size())))) {
      for (String difference :
          parallel.map(references, r -> differs(repository, r.getKey(), r.getValue()))) {
        if (difference != null) {
          return difference;
        }
      }
    }
    return null;
  }

  private String differs(String repository, String reference, String digest)
      throws PackFailure, IOException, InterruptedException {
    Optional<String> now =
        steps.run(
            "Checking " + repository + (reference.contains(":") ? "@" : ":") + reference,
            () -> client.manifestDigest(reference));
    if (now.isEmpty()) {
      return repository + " has no " + reference + " any more";
    }
    if (!now.get().equals(digest)) {
      return reference + " is " + now.get() + ", not " + digest + " as the last push left it";
    }
    return null;
  }
}
