package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.testing.FaultProxy;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The base tag's digest, as the image goal asks it: one HEAD, nothing for a pinned base. */
class BaseImageDigestTest {

  private final RecordingLog log = new RecordingLog();
  private final List<String> tagRequests = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void needsTheTestEnvironment() {
    TestEnvironment.requireRegistry();
  }

  private FaultProxy proxy(String tagPath) throws Exception {
    return new FaultProxy(
        TestEnvironment.registry(),
        request -> {
          if (request.path().equals(tagPath)) {
            tagRequests.add(request.method());
          }
          return FaultProxy.Action.FORWARD;
        });
  }

  /** The base's repository and tag (registry/path:tag without the registry). */
  private static String pathOfBase() {
    String base = TestEnvironment.baseImage();
    return base.substring(base.indexOf('/'));
  }

  private static String tagPath() {
    return "/v2" + pathOfBase().replaceFirst(":([^:/]+)$", "/manifests/$1");
  }

  @Test
  void eachResolveAsksOneHeadAndTheRegistrysDigestComesBack() throws Exception {
    try (FaultProxy proxy = proxy(tagPath())) {
      String base = proxy.address() + pathOfBase();

      Optional<String> first = BaseImageDigest.resolve(base, true, Map.of(), log);
      Optional<String> second = BaseImageDigest.resolve(base, true, Map.of(), log);

      assertThat(first).hasValueSatisfying(d -> assertThat(d).matches("sha256:[0-9a-f]{64}"));
      assertThat(second).isEqualTo(first);
      // No body: a HEAD, which Docker Hub does not count as a pull.
      assertThat(tagRequests).containsExactly("HEAD", "HEAD");
    }
  }

  @Test
  void aTagTheRegistryDoesNotHaveResolvesToNothing() throws Exception {
    try (FaultProxy proxy = proxy(tagPath())) {
      String other = proxy.address() + pathOfBase().replaceFirst(":([^:/]+)$", ":no-such-tag");

      assertThat(BaseImageDigest.resolve(other, true, Map.of(), log)).isEmpty();
    }
  }

  @Test
  void aBasePinnedByDigestIsNeverAsked() throws Exception {
    try (FaultProxy proxy = proxy(tagPath())) {
      String pinned = proxy.address() + pathOfBase() + "@sha256:" + "a".repeat(64);

      assertThat(BaseImageDigest.resolve(pinned, true, Map.of(), log))
          .contains("sha256:" + "a".repeat(64));
      assertThat(tagRequests).isEmpty();
    }
  }
}
