package io.kcp.lag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** How successive snapshots become windows (the broker-backed statuses are in it-tests' LagStatusTest). */
class LagMonitorTest {
  private static final PartitionOwner OWNER = new PartitionOwner("m-1", "/127.0.0.1", "c-1");

  private static LagSnapshot at(long ms, long committed, long end, boolean owned) {
    return new LagSnapshot("g", owned ? "STABLE" : "EMPTY", "CLASSIC", owned ? 1 : 0, ms, List.of(
        new PartitionLag("t", 0, OptionalLong.of(committed), end, owned ? Optional.of(OWNER) : Optional.empty(),
            OptionalLong.empty())));
  }

  private static PartitionEvaluation verdict(LagReport r) {
    return r.verdict("t", 0).orElseThrow();
  }

  @Test
  void anOwnedPartitionAddsAnEntryEachObservationSoANotMovingOffsetIsStall() {
    LagMonitor m = LagMonitor.builder("g").windowSize(3).build();
    m.observe(at(0, 10, 20, true));
    m.observe(at(1000, 10, 30, true));
    PartitionEvaluation v = verdict(m.observe(at(2000, 10, 40, true)));
    assertThat(v.status()).isEqualTo(LagStatus.STALL);
    assertThat(v.complete()).isTrue();
  }

  @Test
  void anUnownedPartitionWhoseOffsetDoesNotMoveAgesIntoStop() {
    LagMonitor m = LagMonitor.builder("g").windowSize(3).build();
    m.observe(at(0, 10, 20, true));
    m.observe(at(1000, 12, 30, true));
    // the consumer left at ~1000 ms: no new entries, the window (span 1000 ms) ages
    assertThat(verdict(m.observe(at(2000, 12, 40, false))).status()).isNotEqualTo(LagStatus.STOP);
    PartitionEvaluation v = verdict(m.observe(at(2001, 12, 40, false)));
    assertThat(v.status()).isEqualTo(LagStatus.STOP);
    assertThat(v.complete()).as("two entries of three").isFalse();
  }

  @Test
  void aMovedOffsetIsRecordedEvenWithoutOwnerSoAResetIsRewind() {
    LagMonitor m = LagMonitor.builder("g").windowSize(5).build();
    m.observe(at(0, 100, 100, false));
    PartitionEvaluation v = verdict(m.observe(at(1000, 40, 100, false)));
    assertThat(v.status()).isEqualTo(LagStatus.REWIND);
    assertThat(m.latest()).isPresent();
  }

  @Test
  void theLatestWindowIsTheOneTheLatestReportWasEvaluatedOn() {
    LagMonitor m = LagMonitor.builder("g").windowSize(2).build();
    assertThat(m.latestWindow()).isEmpty();
    m.observe(at(0, 10, 20, true));
    m.observe(at(1000, 15, 30, true));
    m.observe(at(2000, 25, 40, true));
    LagWindow w = m.latestWindow().orElseThrow();
    assertThat(w.nowMs()).isEqualTo(2000);
    assertThat(w.partitions()).singleElement().satisfies(p -> assertThat(p.window()).containsExactly(
        new OffsetEntry(15, 1000, 15L), new OffsetEntry(25, 2000, 15L)));
  }

  @Test
  void theWindowSlides() {
    LagMonitor m = LagMonitor.builder("g").windowSize(2).build();
    m.observe(at(0, 100, 100, false));
    m.observe(at(1000, 40, 100, true));
    m.observe(at(2000, 50, 100, true));
    assertThat(verdict(m.observe(at(3000, 60, 100, true))).status())
        .as("the rewind slid out of a 2-entry window").isEqualTo(LagStatus.OK);
  }
}
