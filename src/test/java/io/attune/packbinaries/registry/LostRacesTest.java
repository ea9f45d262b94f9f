package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.testing.RecordingLog;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A PUT that lost a race with an identical one is repaired and tried again, within a bound. */
class LostRacesTest {

  private final RecordingLog log = new RecordingLog();
  private final AtomicInteger puts = new AtomicInteger();
  private final AtomicInteger repairs = new AtomicInteger();

  private static RegistryException lostRace() {
    return new RegistryException(400, "blob unknown", null, Set.of("MANIFEST_BLOB_UNKNOWN"));
  }

  @Test
  void aLostRaceIsRepairedAndThePutTriedAgain() throws Exception {
    LostRaces.put(
        "the image index",
        () -> {
          if (puts.incrementAndGet() < 3) {
            throw lostRace();
          }
        },
        repairs::incrementAndGet,
        log);

    assertThat(puts).hasValue(3);
    assertThat(repairs).hasValue(2);
    assertThat(log.lines)
        .filteredOn(line -> line.contains("did not know what the image index names yet"))
        .hasSize(2);
  }

  @Test
  void theLastLostRaceIsThrownAfterAllAttempts() {
    RegistryException last = lostRace();

    assertThatThrownBy(
            () ->
                LostRaces.put(
                    "the tag 1.2.0",
                    () -> {
                      puts.incrementAndGet();
                      throw last;
                    },
                    repairs::incrementAndGet,
                    log))
        .isSameAs(last);
    assertThat(puts).hasValue(LostRaces.ATTEMPTS);
    assertThat(repairs).hasValue(LostRaces.ATTEMPTS - 1);
  }

  @Test
  void anyOtherFailureIsThrownAtOnceWithoutRepair() {
    RegistryException denied = new RegistryException(403, "denied");

    assertThatThrownBy(
            () ->
                LostRaces.put(
                    "the tag 1.2.0",
                    () -> {
                      puts.incrementAndGet();
                      throw denied;
                    },
                    repairs::incrementAndGet,
                    log))
        .isSameAs(denied);
    assertThat(puts).hasValue(1);
    assertThat(repairs).hasValue(0);
  }
}
