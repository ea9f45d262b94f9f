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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The base tag's digest, asked ahead by the build goal and taken by the image goal: one HEAD for
 * both, and an answer asked ahead is never taken twice (a later run asks afresh).
 */
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
  void anAnswerAskedAheadIsTakenOnceAndAgreesWithOneAskedThen() throws Exception {
    try (FaultProxy proxy = proxy(tagPath())) {
      String base = proxy.address() + pathOfBase();

      Optional<String> direct = BaseImageDigest.resolve(base, true, Map.of(), log);
      BaseImageDigest.prefetch(base, false, Map.of(), log); // a loopback registry: insecure anyway
      Optional<String> ahead = BaseImageDigest.resolve(base, true, Map.of(), log);
      Optional<String> later = BaseImageDigest.resolve(base, true, Map.of(), log);

      assertThat(direct).isPresent();
      assertThat(ahead).isEqualTo(direct);
      assertThat(later).isEqualTo(direct);
      // One HEAD each: the direct question, the one asked ahead, and the later run's own.
      assertThat(tagRequests).containsExactly("HEAD", "HEAD", "HEAD");
    }
  }

  @Test
  void anAnswerAskedForOtherSettingsIsNotTaken() throws Exception {
    try (FaultProxy proxy = proxy(tagPath())) {
      String base = proxy.address() + pathOfBase();
      String other = base.replaceFirst(":([^:/]+)$", ":other-tag");

      BaseImageDigest.prefetch(other, false, Map.of(), log);
      assertThat(BaseImageDigest.resolve(base, true, Map.of(), log)).isPresent();

      assertThat(tagRequests).containsExactly("HEAD");
      BaseImageDigest.resolve(other, true, Map.of(), log); // takes what was asked ahead
    }
  }

  @Test
  void anAnswerAskedTooLongAgoIsNotTakenAndIsAskedAfresh() throws Exception {
    try (FaultProxy proxy = proxy(tagPath())) {
      String base = proxy.address() + pathOfBase();
      // What a real build's prefetch leaves behind when the image is rebuilt and never asks, in a
      // JVM that lives on (mvnd): a stale answer naming a digest the tag no longer has.
      String stale = "sha256:" + "b".repeat(64);
      BaseImageDigest.AHEAD.put(
          BaseImageDigest.key(base, true),
          new BaseImageDigest.Ahead(
              System.nanoTime() - BaseImageDigest.MAX_AGE_NANOS - 1,
              CompletableFuture.completedFuture(Optional.of(stale))));

      assertThat(BaseImageDigest.resolve(base, true, Map.of(), log))
          .isPresent()
          .isNotEqualTo(Optional.of(stale));
      assertThat(tagRequests).containsExactly("HEAD");

      // Nor does it keep a new prefetch from asking.
      BaseImageDigest.AHEAD.put(
          BaseImageDigest.key(base, true),
          new BaseImageDigest.Ahead(
              System.nanoTime() - BaseImageDigest.MAX_AGE_NANOS - 1,
              CompletableFuture.completedFuture(Optional.of(stale))));
      BaseImageDigest.prefetch(base, true, Map.of(), log);
      assertThat(BaseImageDigest.resolve(base, true, Map.of(), log))
          .isPresent()
          .isNotEqualTo(Optional.of(stale));
      assertThat(tagRequests).containsExactly("HEAD", "HEAD");
    }
  }

  @Test
  void aBasePinnedByDigestIsNeverAskedAhead() throws Exception {
    try (FaultProxy proxy = proxy(tagPath())) {
      String pinned = proxy.address() + pathOfBase() + "@sha256:" + "a".repeat(64);

      BaseImageDigest.prefetch(pinned, false, Map.of(), log);

      assertThat(BaseImageDigest.resolve(pinned, true, Map.of(), log))
          .contains("sha256:" + "a".repeat(64));
      assertThat(tagRequests).isEmpty();
    }
  }
}
