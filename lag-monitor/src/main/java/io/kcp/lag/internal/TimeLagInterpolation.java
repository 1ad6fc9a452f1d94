package io.kcp.lag.internal;

import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.TimeLagMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Interpolated time lag over the log-end offsets seen in successive snapshots: one {@link
 * OffsetTimeTable} per partition, shared by every group read (the log end is the partition's, not
 * the group's), so a batch of N groups keeps one table per partition. Thread-safe.
 */
public final class TimeLagInterpolation {
  /** Points kept per partition: {@value} (5 minutes of history at a 5 s sampling interval). */
  public static final int DEFAULT_POINTS = 60;

  private final int points;
  private final Map<String, OffsetTimeTable> tables = new HashMap<>();

  public TimeLagInterpolation(int points) {
    this.points = points;
  }

  /**
   * Records the snapshots' log-end offsets (each partition once per distinct sample time), then
   * returns the snapshots with their time lag interpolated.
   */
  public synchronized List<LagSnapshot> apply(List<LagSnapshot> snapshots) {
    Map<String, Long> sampledAt = new HashMap<>();
    for (LagSnapshot s : snapshots) {
      for (PartitionLag p : s.partitions()) {
        Long at = sampledAt.get(p.name());
        if (at == null || at != s.takenAtMs()) {
          sampledAt.put(p.name(), s.takenAtMs());
          tables.computeIfAbsent(p.name(), k -> new OffsetTimeTable(points)).add(p.logEndOffset(), s.takenAtMs());
        }
      }
    }
    List<LagSnapshot> out = new ArrayList<>(snapshots.size());
    for (LagSnapshot s : snapshots) {
      List<PartitionLag> rows = new ArrayList<>(s.partitions().size());
      for (PartitionLag p : s.partitions()) {
        OptionalLong t = p.committedOffset().isEmpty()
            ? OptionalLong.empty()
            : tables.get(p.name()).timeLag(p.committedOffset().getAsLong(), p.logEndOffset(), s.takenAtMs());
        rows.add(p.withTimeLag(t, TimeLagMode.INTERPOLATE));
      }
      out.add(new LagSnapshot(s.group(), s.state(), s.type(), s.members(), s.takenAtMs(), rows));
    }
    return out;
  }

  public LagSnapshot apply(LagSnapshot s) {
    return apply(List.of(s)).get(0);
  }
}
