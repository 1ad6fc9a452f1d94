package io.kcp.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a deployment did, measured: nothing here comes from the orchestrator's own bookkeeping but
 * the steps' times (the chart's marks). Lost and duplicated records come from the audit against
 * the topic; gaps, the mixed-version window and the per-instance load from the audit lines; the
 * lag from samples of the group; rebalances from the instances' rebalance callbacks.
 *
 * <p>{@link #toJson()} is a public contract; its snake_case keys are {@code strategy, variant,
 * instances, partitions, rate, produced, lost, duplicates, consumption_gap_ms,
 * max_partition_gap_ms, max_gap_partition, lag_peak, recovery_ms, mixed_version_ms,
 * peak_instances, rebalances, revoked_partitions, revoked_per_rebalance, rebalance_ms, instance_load_peak,
 * instance_load_mean, rollout_ms, peak_running, order_violations, outcome, outcome_detail,
 * rolled_back, cutover, cutover_violations, rollback, canary, steps} (the figures of the rollout
 * at the top level, the rollback's in {@code rollback}, with its own {@code cutover}; a canary's
 * {@code failed_gate, detection_ms, rollback_ms} and {@code steps} with each gate's {@code gate,
 * canary, stable, bound, passed, detail} in {@code canary}).
 */
public final class DeploymentReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The group's total lag at one sample. */
  public record LagPoint(long atMillis, long totalLag) {}

  /**
   * A canary deployment's analysis.
   *
   * @param steps every step reached, analysed, in order
   * @param failedGate the gate that failed, or empty if every step passed
   * @param detectionMs from the failing step's start (its canary instances joined) to the verdict
   * @param rollbackMs from the verdict until the stable version owned every partition again and
   *     the lag recovered
   */
  public record Canary(List<CanaryStepReport> steps, String failedGate, long detectionMs, long rollbackMs) {
    /** Copies the steps. */
    public Canary {
      steps = List.copyOf(steps);
      Objects.requireNonNull(failedGate, "failedGate");
    }
  }

  private final String strategy;
  private final String variant;
  private final int instances;
  private final int partitions;
  private final int rate;
  private final long produced;
  private final long lost;
  private final long duplicates;
  private final long orderViolations;
  private final PhaseReport rollout;
  private final PhaseReport rollback;
  private final Map<Integer, Long> cutover;
  private final Map<Integer, Long> rollbackCutover;
  private final long cutoverViolations;
  private final String outcome;
  private final String outcomeDetail;
  private final Canary canary;
  private final List<DeploymentStep> steps;
  private final List<LagPoint> lag;
  private final Map<String, Map<Long, Long>> ratesByVersion;
  private final List<Path> auditFiles;

  /** A report; deployments make them. */
  public DeploymentReport(String strategy, String variant, int instances, int partitions, int rate,
      long produced, long lost, long duplicates, long orderViolations, PhaseReport rollout, PhaseReport rollback,
      Map<Integer, Long> cutover, Map<Integer, Long> rollbackCutover, long cutoverViolations, String outcome,
      String outcomeDetail, Canary canary, List<DeploymentStep> steps, List<LagPoint> lag,
      Map<String, Map<Long, Long>> ratesByVersion, List<Path> auditFiles) {
    this.strategy = Objects.requireNonNull(strategy, "strategy");
    this.variant = Objects.requireNonNull(variant, "variant");
    this.instances = instances;
    this.partitions = partitions;
    this.rate = rate;
    this.produced = produced;
    this.lost = lost;
    this.duplicates = duplicates;
    this.orderViolations = orderViolations;
    this.canary = canary;
    this.rollout = Objects.requireNonNull(rollout, "rollout");
    this.rollback = rollback;
    this.cutover = Map.copyOf(cutover);
    this.rollbackCutover = Map.copyOf(rollbackCutover);
    this.cutoverViolations = cutoverViolations;
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.outcomeDetail = Objects.requireNonNull(outcomeDetail, "outcomeDetail");
    this.steps = List.copyOf(steps);
    this.lag = List.copyOf(lag);
    this.ratesByVersion = Map.copyOf(ratesByVersion);
    this.auditFiles = List.copyOf(auditFiles);
  }

  /** {@code stop}, {@code rolling}, {@code blue-green} or {@code canary}. */
  public String strategy() {
    return strategy;
  }

  /** The label given in the config (the membership variant). */
  public String variant() {
    return variant;
  }

  /** Instances in the fleet. */
  public int instances() {
    return instances;
  }

  /** Partitions of the topic. */
  public int partitions() {
    return partitions;
  }

  /** The traffic's rate, records per second. */
  public int rate() {
    return rate;
  }

  /** Records in the topic at the end. */
  public long produced() {
    return produced;
  }

  /** Records produced and never handled by any instance (must be 0). */
  public long lost() {
    return lost;
  }

  /** Records handled more than once, counted once per extra handling. */
  public long duplicates() {
    return duplicates;
  }

  /**
   * Records handled before an earlier record of their key had been, across every instance and
   * version (0 when per-key order held through the deployment).
   */
  public long orderViolations() {
    return orderViolations;
  }

  /** A canary deployment's steps and verdict; empty for the other strategies. */
  public Optional<Canary> canary() {
    return Optional.ofNullable(canary);
  }

  /** The rollout's figures. */
  public PhaseReport rollout() {
    return rollout;
  }

  /** The rollback's figures, if the old version was rolled back in. */
  public Optional<PhaseReport> rollback() {
    return Optional.ofNullable(rollback);
  }

  /**
   * Where the new version took over, per partition: the committed offsets when the stopped group
   * was empty (stop), or the offsets handed from blue's group to green's (blue/green); empty for
   * the others.
   */
  public Map<Integer, Long> cutover() {
    return cutover;
  }

  /** Where the old version took over again in a blue/green rollback; else empty. */
  public Map<Integer, Long> rollbackCutover() {
    return rollbackCutover;
  }

  /**
   * Records handled by a version that did not own their offset by the cut-overs (the old one at
   * or above the cut-over, the new one below it): 0 expected.
   */
  public long cutoverViolations() {
    return cutoverViolations;
  }

  /**
   * How it ended: {@code deployed} (the new version runs), {@code rolled_back} (the old one runs
   * again, by plan or because a gate failed) or {@code switch_failed} (the old one never stopped
   * being active: a blue/green switch that could not be made).
   */
  public String outcome() {
    return outcome;
  }

  /** Why it ended that way, in one sentence (empty for a plain deployment). */
  public String outcomeDetail() {
    return outcomeDetail;
  }

  /** The steps, in order. */
  public List<DeploymentStep> steps() {
    return steps;
  }

  /** The group's total lag over time. */
  public List<LagPoint> lag() {
    return lag;
  }

  /** Records handled per second (key: second since the epoch), per version. */
  public Map<String, Map<Long, Long>> ratesByVersion() {
    return ratesByVersion;
  }

  /** The audit files of every instance run (the evidence, for {@code kcp audit}). */
  public List<Path> auditFiles() {
    return auditFiles;
  }

  private static Map<String, Object> phase(PhaseReport p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", p.from());
    m.put("to", p.to());
    m.put("consumption_gap_ms", p.consumptionGapMs());
    m.put("max_partition_gap_ms", p.maxPartitionGapMs());
    m.put("max_gap_partition", p.maxGapPartition());
    m.put("lag_peak", p.lagPeak());
    m.put("recovery_ms", p.recoveryMs());
    m.put("mixed_version_ms", p.mixedVersionMs());
    m.put("peak_instances", p.peakInstances());
    m.put("rebalances", p.rebalances());
    m.put("revoked_partitions", p.revokedPartitions());
    m.put("revoked_per_rebalance", Math.round(p.revokedPerRebalance() * 10) / 10.0);
    m.put("rebalance_ms", p.rebalanceMs());
    m.put("instance_load_peak", p.instanceLoadPeak());
    m.put("instance_load_mean", Math.round(p.instanceLoadMean()));
    m.put("rollout_ms", p.durationMs());
    m.put("peak_running", p.peakRunning());
    return m;
  }

  /** The report as one JSON object (see the class comment for the keys). */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("strategy", strategy);
    m.put("variant", variant);
    m.put("instances", instances);
    m.put("partitions", partitions);
    m.put("rate", rate);
    m.put("produced", produced);
    m.put("lost", lost);
    m.put("duplicates", duplicates);
    m.put("order_violations", orderViolations);
    Map<String, Object> r = phase(rollout);
    r.remove("from");
    r.remove("to");
    m.putAll(r);
    m.put("outcome", outcome);
    m.put("outcome_detail", outcomeDetail);
    m.put("rolled_back", rollback != null);
    m.put("cutover", cutover.isEmpty() ? null : cutover);
    m.put("cutover_violations", cutoverViolations);
    Map<String, Object> back = rollback == null ? null : phase(rollback);
    if (back != null) {
      back.put("cutover", rollbackCutover.isEmpty() ? null : rollbackCutover);
    }
    m.put("rollback", back);
    m.put("canary", canary == null ? null : canaryJson(canary));
    List<Map<String, Object>> s = new ArrayList<>();
    long t0 = steps.isEmpty() ? 0 : steps.get(0).atMillis();
    for (DeploymentStep step : steps) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("at_ms", step.atMillis() - t0);
      one.put("phase", step.phase());
      one.put("what", step.what());
      s.add(one);
    }
    m.put("steps", s);
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report as JSON", e);
    }
  }

  private static Map<String, Object> canaryJson(Canary c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("failed_gate", c.failedGate().isEmpty() ? null : c.failedGate());
    m.put("detection_ms", c.detectionMs());
    m.put("rollback_ms", c.rollbackMs());
    List<Map<String, Object>> steps = new ArrayList<>();
    for (CanaryStepReport s : c.steps()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("step", s.step());
      one.put("partitions", s.partitions());
      one.put("analysed_ms", s.analysedMs());
      one.put("passed", s.passed());
      List<Map<String, Object>> gates = new ArrayList<>();
      for (GateResult g : s.gates()) {
        Map<String, Object> gm = new LinkedHashMap<>();
        gm.put("gate", g.gate());
        gm.put("canary", round(g.canary()));
        gm.put("stable", round(g.stable()));
        gm.put("bound", round(g.bound()));
        gm.put("passed", g.passed());
        gm.put("detail", g.detail());
        gates.add(gm);
      }
      one.put("gates", gates);
      steps.add(one);
    }
    m.put("steps", steps);
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** The report as a table, one line per figure, the rollback in a second column. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s deployment%s: %d instances, %d partitions, %,d records/s%n",
        strategy, variant.isEmpty() ? "" : " (" + variant + ")", instances, partitions, rate));
    b.append(String.format(Locale.ROOT, "%-24s %,12d%n", "produced", produced));
    b.append(String.format(Locale.ROOT, "%-24s %,12d%n", "lost", lost));
    b.append(String.format(Locale.ROOT, "%-24s %,12d%n", "duplicates", duplicates));
    if (!cutover.isEmpty()) {
      b.append(String.format(Locale.ROOT, "%-24s %,12d%n", "cutover violations", cutoverViolations));
    }
    b.append(String.format(Locale.ROOT, "%-24s %,12d%n", "key order violations", orderViolations));
    b.append(String.format(Locale.ROOT, "%-24s %12s%s%n", "outcome", outcome,
        outcomeDetail.isEmpty() ? "" : " (" + outcomeDetail + ")"));
    b.append(String.format(Locale.ROOT, "%-24s %12s%s%n", "", rollout.from() + " -> " + rollout.to(),
        rollback == null ? "" : String.format(Locale.ROOT, " %12s", rollback.from() + " -> " + rollback.to())));
    row(b, "rollout ms", rollout.durationMs(), rollback == null ? null : rollback.durationMs());
    row(b, "consumption gap ms", rollout.consumptionGapMs(), rollback == null ? null : rollback.consumptionGapMs());
    row(b, "max partition gap ms", rollout.maxPartitionGapMs(), rollback == null ? null : rollback.maxPartitionGapMs());
    row(b, "lag peak", rollout.lagPeak(), rollback == null ? null : rollback.lagPeak());
    row(b, "lag recovery ms", rollout.recoveryMs(), rollback == null ? null : rollback.recoveryMs());
    row(b, "mixed versions ms", rollout.mixedVersionMs(), rollback == null ? null : rollback.mixedVersionMs());
    row(b, "peak instances", rollout.peakInstances(), rollback == null ? null : (long) rollback.peakInstances());
    row(b, "peak running", rollout.peakRunning(), rollback == null ? null : (long) rollback.peakRunning());
    row(b, "rebalances", rollout.rebalances(), rollback == null ? null : (long) rollback.rebalances());
    row(b, "revoked partitions", rollout.revokedPartitions(), rollback == null ? null : rollback.revokedPartitions());
    row(b, "rebalance ms (partitions)", rollout.rebalanceMs(), rollback == null ? null : rollback.rebalanceMs());
    row(b, "instance load peak /s", rollout.instanceLoadPeak(), rollback == null ? null : rollback.instanceLoadPeak());
    row(b, "instance load mean /s", Math.round(rollout.instanceLoadMean()),
        rollback == null ? null : Math.round(rollback.instanceLoadMean()));
    if (canary != null) {
      for (CanaryStepReport s : canary.steps()) {
        b.append(String.format(Locale.ROOT, "canary step %-5s %3d partition(s), analysed %,6d ms: %s%n", s.step(),
            s.partitions(), s.analysedMs(), s.passed() ? "passed" : "FAILED"));
        for (GateResult g : s.gates()) {
          b.append(String.format(Locale.ROOT, "  %-17s canary %10.3f  stable %10.3f  bound %10.3f  %-6s %s%n",
              g.gate(), g.canary(), g.stable(), g.bound(), g.passed() ? "ok" : "FAIL", g.detail()));
        }
      }
      if (!canary.failedGate().isEmpty()) {
        b.append(String.format(Locale.ROOT, "%-24s %,12d%n", "detection ms", canary.detectionMs()));
        b.append(String.format(Locale.ROOT, "%-24s %,12d%n", "rollback ms", canary.rollbackMs()));
      }
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String name, long rollout, Long rollback) {
    b.append(String.format(Locale.ROOT, "%-24s %,12d%s%n", name, rollout,
        rollback == null ? "" : String.format(Locale.ROOT, " %,12d", rollback)));
  }

  @Override
  public String toString() {
    return toText();
  }
}
