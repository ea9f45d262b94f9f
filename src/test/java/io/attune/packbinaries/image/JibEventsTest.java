package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.LogEvent;
import io.attune.packbinaries.testing.RecordingLog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** jib's messages as the user reads them in the Maven log. */
class JibEventsTest {

  private final List<String> lines = new ArrayList<>();
  private final JibEvents events = new JibEvents(new RecordingLog(lines), "[linux/amd64] ");

  private static String cannotVerify(String registry) {
    return "Cannot verify server at https://"
        + registry
        + "/v2/library/busybox/manifests/1.36. Attempting again with no TLS verification.";
  }

  private static String overHttp(String registry) {
    return "Failed to connect to https://"
        + registry
        + "/v2/library/busybox/manifests/1.36 over HTTPS. Attempting again with HTTP.";
  }

  @Test
  void fallbacksToHttpForARegistryOnThisMachineAreDebugOnly() {
    for (String registry :
        List.of("127.0.0.1:5000", "127.1.2.3:5000", "localhost:5000", "LOCALHOST", "[::1]:5000")) {
      events.onLog(LogEvent.warn(cannotVerify(registry)));
      events.onLog(LogEvent.warn(overHttp(registry)));
    }

    assertThat(lines).hasSize(10).allMatch(line -> line.startsWith("[DEBUG] [linux/amd64] "));
    assertThat(lines).contains("[DEBUG] [linux/amd64] " + overHttp("127.0.0.1:5000"));
  }

  @Test
  void fallbacksForAnyOtherHostStayWarnings() {
    for (String registry :
        List.of(
            "registry.example.com",
            "10.0.0.5:5000",
            "128.0.0.1:5000",
            "127.0.0.1.example.com:5000",
            "localhost.example.com",
            "[::2]:5000")) {
      events.onLog(LogEvent.warn(cannotVerify(registry)));
      events.onLog(LogEvent.warn(overHttp(registry)));
    }

    assertThat(lines).hasSize(12).allMatch(line -> line.startsWith("[WARN] [linux/amd64] "));
    assertThat(lines).contains("[WARN] [linux/amd64] " + cannotVerify("registry.example.com"));
  }

  @Test
  void otherWarningsAboutALoopbackRegistryStayWarnings() {
    String unpinned =
        "Base image '127.0.0.1:5000/library/busybox:1.36' does not use a specific image digest"
            + " - build may not be reproducible";
    events.onLog(LogEvent.warn(unpinned));
    events.onLog(LogEvent.lifecycle("Using base image with digest: sha256:b1490f17"));

    assertThat(lines)
        .containsExactly(
            "[WARN] [linux/amd64] " + unpinned,
            "[INFO] [linux/amd64] Using base image with digest: sha256:b1490f17");
  }

  @Test
  void theBaseDigestJibPulledIsKept() {
    assertThat(events.baseDigest()).isEmpty();
    // A digest cut short is not one.
    events.onLog(LogEvent.lifecycle("Using base image with digest: sha256:b1490f17"));
    assertThat(events.baseDigest()).isEmpty();

    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    events.onLog(LogEvent.lifecycle("Using base image with digest: " + digest));

    assertThat(events.baseDigest()).contains(digest);
    assertThat(lines)
        .last()
        .isEqualTo("[INFO] [linux/amd64] Using base image with digest: " + digest);
  }
}
