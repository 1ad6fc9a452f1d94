package io.kcp.lag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Many monitors fed from one batched read, and interpolated time lag in a monitor replaying snapshots. */
class LagMonitorBatchTest {
  private static LagSnapshot snapshot(String group, long ms, long committed, long end) {
    return new LagSnapshot(group, "EMPTY", "CLASSIC", 0, ms, List.of(
        new PartitionLag("t", 0, OptionalLong.of(committed), end, Optional.empty(), OptionalLong.empty())));
  }

  @Test
  void oneBatchDrivesEveryMonitorAndAFailedGroupReadsAsErr() {
    Map<String, LagMonitor> monitors = new LinkedHashMap<>();
    for (String g : List.of("a", "b", "gone")) {
      monitors.put(g, LagMonitor.builder(g).windowSize(2).build());
    }
    GroupSnapshots batch = new GroupSnapshots(
        Map.of("a", snapshot("a", 1000, 10, 15), "b", snapshot("b", 1000, 20, 20)),
        Map.of("gone", LagException.groupNotFound("consumer group 'gone' does not exist")), 3);

    batch.snapshots().forEach((g, s) -> monitors.get(g).observe(s));
    batch.errors().forEach((g, e) -> monitors.get(g).observeFailure(e));

    assertThat(monitors.get("a").latest().orElseThrow().snapshot().totalLag()).isEqualTo(5);
    assertThat(monitors.get("b").latest().orElseThrow().evaluation().status()).isEqualTo(LagStatus.OK);
    assertThat(monitors.get("gone").latest()).isEmpty();
    assertThat(monitors.get("gone").lastError()).hasValueSatisfying(e -> assertThat(e.isGroupNotFound()).isTrue());
    assertThat(batch.error("gone")).isPresent();
    assertThat(batch.snapshot("gone")).isEmpty();

    monitors.get("gone").observe(snapshot("gone", 2000, 1, 1));
    assertThat(monitors.get("gone").lastError()).as("a good observation clears the failure").isEmpty();
  }

  @Test
  void aMonitorCanInterpolateTimeLagOverTheLogEndOffsetsItObserved() {
    LagMonitor m = LagMonitor.builder("g").interpolateTimeLag(true).build();
    PartitionLag first = m.observe(snapshot("g", 1000, 0, 100)).snapshot().partitions().get(0);
    assertThat(first.timeLagMs()).as("one point: unknowable").isEmpty();
    assertThat(first.timeLagSource()).isEqualTo(TimeLagMode.NONE);

    PartitionLag second = m.observe(snapshot("g", 2000, 50, 200)).snapshot().partitions().get(0);
    // 50 is older than the table (100 at 1000, 200 at 2000): 10 ms per offset, so 50 was the log end at 500
    assertThat(second.timeLagMs()).hasValue(1500);
    assertThat(second.timeLagSource()).isEqualTo(TimeLagMode.INTERPOLATE);

    PartitionLag third = m.observe(snapshot("g", 3000, 150, 200)).snapshot().partitions().get(0);
    // 150 between (100, 1000) and (200, 2000): 1500; the log end has not moved since 2000
    assertThat(third.timeLagMs()).hasValue(1500);

    PartitionLag caughtUp = m.observe(snapshot("g", 4000, 200, 200)).snapshot().partitions().get(0);
    assertThat(caughtUp.timeLagMs()).hasValue(0);
  }
}
