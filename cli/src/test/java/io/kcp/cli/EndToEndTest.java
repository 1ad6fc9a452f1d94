package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.audit.AuditEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndToEndTest {
  private static AuditEntry handled(int partition, long offset, long endMillis) {
    return new AuditEntry("run", "w", "t", partition, offset, "k", 0, 0, 1, endMillis);
  }

  @Test
  void latencyRunsFromTheRecordTimestampToTheFirstHandlingInsideTheWindow() {
    // partition 0: offsets 0..99 produced at 1,000 + offset ms; partition 1: one record at 1,050
    long[] p0 = new long[100];
    for (int o = 0; o < 100; o++) {
      p0[o] = 1_000 + o;
    }
    Map<Integer, long[]> ts = Map.of(0, p0, 1, new long[] {1_050});
    List<AuditEntry> audit = new ArrayList<>();
    for (int o = 0; o < 100; o++) {
      audit.add(handled(0, o, p0[o] + o)); // latency = offset ms: 0..99
    }
    audit.add(handled(0, 10, 5_000)); // a duplicate's second run: not a delivery
    // partition 1's record is never handled
    EndToEnd.Latency l = EndToEnd.measure(ts, audit, 1_010, 1_099); // offsets 10..99 and p1's record
    assertThat(l.records()).isEqualTo(91);
    assertThat(l.unhandled()).isEqualTo(1);
    // 90 latencies 10..99: nearest rank 45 → 54, rank 90 (ceil 89.1) → 99
    assertThat(l.p50Ms()).isEqualTo(54);
    assertThat(l.p99Ms()).isEqualTo(99);
    assertThat(l.maxMs()).isEqualTo(99);
  }

  @Test
  void nothingInTheWindowGivesNoFigures() {
    EndToEnd.Latency l = EndToEnd.measure(Map.of(0, new long[] {5}), List.of(handled(0, 0, 9)), 10, 20);
    assertThat(l).isEqualTo(new EndToEnd.Latency(0, 0, -1, -1, -1));
  }

  @Test
  void percentileIsNearestRank() {
    long[] v = {1, 2, 3, 4};
    assertThat(EndToEnd.percentile(v, 4, 50)).isEqualTo(2);
    assertThat(EndToEnd.percentile(v, 4, 99)).isEqualTo(4);
    assertThat(EndToEnd.percentile(v, 1, 99)).isEqualTo(1);
  }
}
