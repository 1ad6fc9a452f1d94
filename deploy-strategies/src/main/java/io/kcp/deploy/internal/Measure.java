package io.kcp.deploy.internal;

import io.kcp.audit.AuditEntry;
import io.kcp.deploy.DeploymentReport;
import io.kcp.deploy.PhaseReport;
import io.kcp.deploy.RebalanceEvent;
import io.kcp.lag.LagSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The figures of a deployment, computed from evidence only: audit lines (the handler id is the
 * instance's run id, {@code <version>-<slot>-<n>}; the time is the handler's end, wall clock),
 * lag samples, rebalance callbacks.
 */
final class Measure {
  private Measure() {}

  /** The version of a run id {@code <version>-<slot>-<n>}. */
  static String versionOf(String runId) {
    int last = runId.lastIndexOf('-');
    int slot = last < 0 ? -1 : runId.lastIndexOf('-', last - 1);
    return slot < 0 ? runId : runId.substring(0, slot);
  }

  static PhaseReport phase(String name, String from, String to, long start, long end, long warmStart,
      List<AuditEntry> entries, List<LagSnapshot> samples, List<RebalanceEvent> events, int peakRunning) {
    // gaps: the longest stretch of the phase without a handled record, overall and per partition
    List<Long> all = new ArrayList<>();
    Map<Integer, List<Long>> byPartition = new TreeMap<>();
    long firstTo = Long.MAX_VALUE;
    long lastFrom = Long.MIN_VALUE;
    Map<String, Map<Long, Long>> perSecond = new HashMap<>();
    for (AuditEntry e : entries) {
      long t = e.endEpochMillis();
      String version = versionOf(e.handlerId());
      if (t >= start && t <= end) {
        all.add(t);
        byPartition.computeIfAbsent(e.partition(), k -> new ArrayList<>()).add(t);
        perSecond.computeIfAbsent(e.handlerId(), k -> new HashMap<>()).merge(t / 1000, 1L, Long::sum);
      }
      if (t >= start) {
        if (version.equals(to)) {
          firstTo = Math.min(firstTo, t);
        }
        if (version.equals(from) && t <= end) {
          lastFrom = Math.max(lastFrom, t);
        }
      }
    }
    long gap = longestGap(all, start, end);
    long maxPartitionGap = 0;
    int maxGapPartition = -1;
    for (Map.Entry<Integer, List<Long>> p : byPartition.entrySet()) {
      long g = longestGap(p.getValue(), start, end);
      if (g > maxPartitionGap) {
        maxPartitionGap = g;
        maxGapPartition = p.getKey();
      }
    }
    long mixed = firstTo == Long.MAX_VALUE || lastFrom == Long.MIN_VALUE ? 0 : Math.max(0, lastFrom - firstTo);
    // lag: the peak within the phase; recovery: how long it stayed above the warm-up's peak
    long baseline = 0;
    long peak = 0;
    long firstAbove = -1;
    long lastAbove = -1;
    int peakInstances = 0;
    for (LagSnapshot s : samples) {
      long t = s.takenAtMs();
      if (t >= warmStart && t < start) {
        baseline = Math.max(baseline, s.totalLag());
      }
    }
    for (LagSnapshot s : samples) {
      long t = s.takenAtMs();
      if (t < start || t > end) {
        continue;
      }
      peak = Math.max(peak, s.totalLag());
      if (s.totalLag() > baseline) {
        if (firstAbove < 0) {
          firstAbove = t;
        }
        lastAbove = t;
      }
    }
    peakInstances = peakInstances(entries, start, end);
    // rebalances: generations (epochs) newer than any before the phase, begun within it
    int before = -1;
    Set<Integer> generations = new HashSet<>();
    long revoked = 0;
    for (RebalanceEvent e : events) {
      if (e.kind() == RebalanceEvent.Kind.ASSIGNED && e.atMillis() < start) {
        before = Math.max(before, e.generation());
      }
    }
    for (RebalanceEvent e : events) {
      if (e.atMillis() < start || e.atMillis() > end) {
        continue;
      }
      if (e.kind() == RebalanceEvent.Kind.ASSIGNED && e.generation() > before) {
        generations.add(e.generation());
      }
      if (e.kind() == RebalanceEvent.Kind.REVOKED) {
        revoked += e.partitions().size();
      }
    }
    long inTransit = inTransitMillis(events, start, end);
    // load per instance: its busiest second, and the mean over the seconds it was active
    long loadPeak = 0;
    double meanSum = 0;
    for (Map<Long, Long> seconds : perSecond.values()) {
      long total = 0;
      for (long n : seconds.values()) {
        loadPeak = Math.max(loadPeak, n);
        total += n;
      }
      meanSum += (double) total / seconds.size();
    }
    double loadMean = perSecond.isEmpty() ? 0 : meanSum / perSecond.size();
    return new PhaseReport(name, from, to, start, end, gap, maxPartitionGap, maxGapPartition, peak,
        firstAbove < 0 ? 0 : lastAbove - firstAbove, mixed, peakInstances, peakRunning, generations.size(), revoked,
        inTransit, loadPeak, loadMean);
  }

  /**
   * The most instance runs consuming at once within [start, end]: each run counts from the first
   * record it handled to the last, and the most of those spans that overlap is the peak.
   */
  static int peakInstances(List<AuditEntry> entries, long start, long end) {
    Map<String, long[]> spans = new HashMap<>();
    for (AuditEntry e : entries) {
      long t = e.endEpochMillis();
      spans.merge(e.handlerId(), new long[] {t, t}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    }
    List<long[]> edges = new ArrayList<>(); // time, +1 (start) or -1 (end)
    for (long[] span : spans.values()) {
      if (span[1] < start || span[0] > end) {
        continue;
      }
      edges.add(new long[] {Math.max(span[0], start), 1});
      edges.add(new long[] {Math.min(span[1], end), -1});
    }
    return peakOverlap(edges);
  }

  /** The most spans open at once, from their edges: (time, +1) at a start, (time, -1) at an end. */
  static int peakOverlap(List<long[]> edges) {
    List<long[]> sorted = new ArrayList<>(edges);
    sorted.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1])); // ends first
    int now = 0;
    int peak = 0;
    for (long[] edge : sorted) {
      now += (int) edge[1];
      peak = Math.max(peak, now);
    }
    return peak;
  }

  /**
   * What the rebalances cost the partitions: for every partition, the time from each revoke (or
   * loss) to its next assignment, within [start, end], summed over partitions.
   */
  static long inTransitMillis(List<RebalanceEvent> events, long start, long end) {
    List<RebalanceEvent> sorted = new ArrayList<>(events);
    sorted.sort((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
    Map<org.apache.kafka.common.TopicPartition, Long> revokedAt = new HashMap<>();
    long total = 0;
    for (RebalanceEvent e : sorted) {
      for (org.apache.kafka.common.TopicPartition tp : e.partitions()) {
        if (e.kind() == RebalanceEvent.Kind.ASSIGNED) {
          Long since = revokedAt.remove(tp);
          if (since != null) {
            long from = Math.max(since, start);
            long to = Math.min(e.atMillis(), end);
            total += Math.max(0, to - from);
          }
        } else {
          revokedAt.putIfAbsent(tp, e.atMillis());
        }
      }
    }
    return total;
  }

  /** The longest interval in [start, end] between consecutive times (and the window's ends). */
  static long longestGap(List<Long> times, long start, long end) {
    List<Long> sorted = new ArrayList<>(times);
    sorted.sort(null);
    long previous = start;
    long longest = 0;
    for (long t : sorted) {
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    return Math.max(longest, end - previous);
  }

  /**
   * Records handled by a version that did not own their offset: the first cut-over's {@code from}
   * owns every offset below it, each cut-over's {@code to} the offsets from it on (until the
   * next). 0 when the cut-overs separated the versions cleanly; a record handled on both sides of
   * a cut-over counts once on the wrong side.
   */
  static long cutoverViolations(List<DeploymentRun.Cutover> cutovers, List<AuditEntry> entries) {
    if (cutovers.isEmpty()) {
      return 0;
    }
    long violations = 0;
    for (AuditEntry e : entries) {
      String owner = cutovers.get(0).from();
      boolean known = false;
      for (DeploymentRun.Cutover c : cutovers) {
        Long cut = c.offsets().get(e.partition());
        if (cut != null) {
          known = true;
          if (e.offset() >= cut) {
            owner = c.to();
          }
        }
      }
      if (known && !versionOf(e.handlerId()).equals(owner)) {
        violations++;
      }
    }
    return violations;
  }

  /**
   * Records handled out of their key's order across instances and versions: per key, in the
   * order produced (seq), a record whose first handling ended before the previous record's did.
   * Wall-clock times, so comparable across the instances of one machine.
   */
  static long keyOrderViolations(List<AuditEntry> entries) {
    Map<String, Map<Long, Long>> firstEnd = new HashMap<>(); // key -> seq -> earliest end
    for (AuditEntry e : entries) {
      if (e.key() == null || e.seq() < 0) {
        continue;
      }
      firstEnd.computeIfAbsent(e.key(), k -> new TreeMap<>()).merge(e.seq(), e.endEpochMillis(), Math::min);
    }
    long violations = 0;
    for (Map<Long, Long> bySeq : firstEnd.values()) {
      long previous = Long.MIN_VALUE;
      for (long end : bySeq.values()) {
        if (end < previous) {
          violations++;
        }
        previous = Math.max(previous, end);
      }
    }
    return violations;
  }

  static List<DeploymentReport.LagPoint> lagSeries(List<LagSnapshot> samples) {
    List<DeploymentReport.LagPoint> out = new ArrayList<>();
    for (LagSnapshot s : samples) {
      out.add(new DeploymentReport.LagPoint(s.takenAtMs(), s.totalLag()));
    }
    return out;
  }

  /** Records handled per second, per version. */
  static Map<String, Map<Long, Long>> ratesByVersion(List<AuditEntry> entries) {
    Map<String, Map<Long, Long>> out = new TreeMap<>();
    for (AuditEntry e : entries) {
      out.computeIfAbsent(versionOf(e.handlerId()), k -> new TreeMap<>())
          .merge(e.endEpochMillis() / 1000, 1L, Long::sum);
    }
    return out;
  }
}
