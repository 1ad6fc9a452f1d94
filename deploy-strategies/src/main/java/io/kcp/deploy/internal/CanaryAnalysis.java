package io.kcp.deploy.internal;

import io.kcp.audit.AuditEntry;
import io.kcp.audit.AuditFiles;
import io.kcp.core.EngineMetrics;
import io.kcp.deploy.CanaryConfig;
import io.kcp.deploy.GateResult;
import io.kcp.deploy.RunningInstance;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The analysis gates of one canary step: the canary's instances against the stable's, over the
 * time since the step began, on what the project already measures — failed attempts and
 * dead-lettered records (each engine's metrics), p99 processing time (the audit: handler start to
 * end of each record handled), and how fast the lag of each partition grows (samples of the
 * group). A gate with too little evidence yet is not judged (it passes, and says so).
 */
public final class CanaryAnalysis {
  /** The fewest canary records whose p99 processing time is judged. */
  static final int P99_MIN_RECORDS = 200;

  private final CanaryConfig config;
  private final List<RunningInstance> canary;
  private final List<RunningInstance> stable;
  private final Set<Integer> canaryPartitions;
  private final long startMillis;
  private final Map<RunningInstance, EngineMetrics> baseline = new IdentityHashMap<>();
  private final double[] stableBefore; // failure rate, dead-letter rate, p99 of the last step with a stable side

  /**
   * Begins a step's analysis now.
   *
   * @param stableBefore the stable side's figures at the previous step (used when no stable
   *     instance is left, at 100 %), or null
   */
  public CanaryAnalysis(CanaryConfig config, List<RunningInstance> canary, List<RunningInstance> stable,
      Set<Integer> canaryPartitions, double[] stableBefore) {
    this.config = config;
    this.canary = List.copyOf(canary);
    this.stable = List.copyOf(stable);
    this.canaryPartitions = Set.copyOf(canaryPartitions);
    this.startMillis = System.currentTimeMillis();
    this.stableBefore = stableBefore;
    for (RunningInstance i : this.stable) {
      i.metrics().ifPresent(m -> baseline.put(i, m));
    }
    for (RunningInstance i : this.canary) {
      i.metrics().ifPresent(m -> baseline.put(i, m));
    }
  }

  /** When the step's analysis began. */
  public long startMillis() {
    return startMillis;
  }

  /** The stable side's failure rate, dead-letter rate and p99 over this step (for the next step). */
  public double[] stableFigures() {
    Counts s = counts(stable);
    return stable.isEmpty() && stableBefore != null ? stableBefore.clone()
        : new double[] {s.failureRate(), s.deadLetterRate(), p99(stable)};
  }

  /** Every gate's verdict now. */
  public List<GateResult> evaluate(List<LagSnapshot> samples) {
    Counts c = counts(canary);
    double[] s = stableFigures();
    List<GateResult> gates = new ArrayList<>();
    // evidence: enough attempts, or enough failures that no later success can make them a good rate
    boolean enough = c.attempts() >= config.minAttempts() || c.failed() >= Math.max(1, config.minAttempts() / 4);
    double failureBound = s[0] + config.maxFailureRateIncrease();
    gates.add(new GateResult("failure_rate", c.failureRate(), s[0], failureBound, !enough || c.failureRate() <= failureBound,
        String.format(Locale.ROOT, "%d failed of %d attempts%s", c.failed(), c.attempts(),
            enough ? "" : " (not judged below " + config.minAttempts() + " attempts or "
                + Math.max(1, config.minAttempts() / 4) + " failures)")));
    double dltBound = s[1] + config.maxDeadLetterRateIncrease();
    gates.add(new GateResult("dead_letter_rate", c.deadLetterRate(), s[1], dltBound,
        !enough || c.deadLetterRate() <= dltBound, c.deadLettered() + " dead-lettered of " + c.attempts() + " attempts"));
    List<Double> canaryTimes = times(canary);
    double canaryP99 = percentile99(canaryTimes);
    double p99Bound = s[2] * config.maxP99Ratio() + config.p99Slack().toMillis();
    // a 99th percentile of a few dozen records is their slowest one (a fresh instance's first
    // record, say): judged only once the slowest 1 % are more than a record or two
    int p99Evidence = Math.max(P99_MIN_RECORDS, 10 * config.minAttempts());
    boolean timed = canaryTimes.size() >= p99Evidence;
    gates.add(new GateResult("p99_ms", canaryP99, s[2], p99Bound, !timed || canaryP99 <= p99Bound,
        canaryTimes.size() + " canary records timed" + (timed ? "" : " (not judged below " + p99Evidence + ")")));
    gates.add(lagGrowth(samples));
    return gates;
  }

  private GateResult lagGrowth(List<LagSnapshot> samples) {
    LagSnapshot first = null;
    LagSnapshot last = null;
    for (LagSnapshot snap : samples) {
      if (snap.takenAtMs() >= startMillis) {
        if (first == null) {
          first = snap;
        }
        last = snap;
      }
    }
    if (first == null || first == last) {
      return new GateResult("lag_growth", 0, 0, config.maxLagGrowth(), true, "no samples yet");
    }
    Map<Integer, Long> before = new java.util.HashMap<>();
    for (PartitionLag p : first.partitions()) {
      before.put(p.partition(), p.lagOrWholeLog());
    }
    long canaryMax = 0;
    int worst = -1;
    double stableSum = 0;
    int stableCount = 0;
    for (PartitionLag p : last.partitions()) {
      long growth = p.lagOrWholeLog() - before.getOrDefault(p.partition(), p.lagOrWholeLog());
      if (canaryPartitions.contains(p.partition())) {
        if (worst < 0 || growth > canaryMax) {
          canaryMax = growth;
          worst = p.partition();
        }
      } else {
        stableSum += growth;
        stableCount++;
      }
    }
    double stableMean = stableCount == 0 ? 0 : stableSum / stableCount;
    double bound = Math.max(0, stableMean) + config.maxLagGrowth();
    return new GateResult("lag_growth", canaryMax, stableMean, bound, canaryMax <= bound, String.format(Locale.ROOT,
        "records over %.1f s, worst canary partition %d", (last.takenAtMs() - first.takenAtMs()) / 1000.0, worst));
  }

  private record Counts(long handled, long failed, long deadLettered) {
    long attempts() {
      return handled + failed;
    }

    double failureRate() {
      return attempts() == 0 ? 0 : (double) failed / attempts();
    }

    double deadLetterRate() {
      return attempts() == 0 ? 0 : (double) deadLettered / attempts();
    }
  }

  private Counts counts(List<RunningInstance> side) {
    long handled = 0;
    long failed = 0;
    long dead = 0;
    for (RunningInstance i : side) {
      EngineMetrics now = i.metrics().orElse(null);
      if (now == null) {
        continue;
      }
      EngineMetrics then = baseline.getOrDefault(i, EngineMetrics.empty());
      handled += now.recordsHandled() - then.recordsHandled();
      failed += now.recordsFailed() - then.recordsFailed();
      dead += now.deadLettered() - then.deadLettered();
    }
    return new Counts(handled, failed, dead);
  }

  private double p99(List<RunningInstance> side) {
    return percentile99(times(side));
  }

  /** Processing times (ms) of the records the side handled since the step began, from the audit. */
  private List<Double> times(List<RunningInstance> side) {
    List<Path> files = new ArrayList<>();
    for (RunningInstance i : side) {
      if (Files.exists(i.context().auditFile())) {
        files.add(i.context().auditFile());
      }
    }
    List<Double> out = new ArrayList<>();
    if (files.isEmpty()) {
      return out;
    }
    for (AuditEntry e : AuditFiles.read(files).entries()) {
      if (e.endEpochMillis() >= startMillis) {
        out.add((e.endNanos() - e.startNanos()) / 1e6);
      }
    }
    return out;
  }

  private static double percentile99(List<Double> times) {
    if (times.isEmpty()) {
      return 0;
    }
    List<Double> sorted = new ArrayList<>(times);
    sorted.sort(null);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
  }
}
