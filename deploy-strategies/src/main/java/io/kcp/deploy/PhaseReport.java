package io.kcp.deploy;

import java.util.Objects;

/**
 * What one phase of a deployment (the rollout, or its rollback) did to consumption, measured from
 * the audit (every record handled: by which instance of which version, when), the lag samples and
 * the instances' rebalance callbacks.
 *
 * @param name {@code rollout} or {@code rollback}
 * @param from the version the phase started with
 * @param to the version it ended with
 * @param startMillis when the phase started (wall clock, ms)
 * @param endMillis when its last step was done and the lag recovered
 * @param consumptionGapMs the longest time within the phase in which no record was handled at all
 * @param maxPartitionGapMs the longest time one partition went without a record handled
 * @param maxGapPartition that partition
 * @param lagPeak the highest total lag sampled within the phase
 * @param recoveryMs how long the total lag stayed above its warm-up peak (first to last sample above it)
 * @param mixedVersionMs from the first record the new version handled to the last the old one did
 *     (0 if they never overlapped)
 * @param peakInstances the most instances handling records at once within the phase (each from
 *     the first record it handled to the last)
 * @param peakRunning the most instances up at once within the phase, consuming or warm on standby
 *     (the resources the phase needed)
 * @param rebalances group generations (KIP-848: assignment epochs) that began within the phase
 * @param revokedPartitions partitions revoked within the phase, summed over instances
 * @param rebalanceMs what the rebalances cost: for every partition, the time from each revoke (or
 *     loss) to its next assignment within the phase, summed over partitions
 * @param instanceLoadPeak the highest records per second one instance handled in one second
 * @param instanceLoadMean records per second per instance, averaged over the instances' active seconds
 */
public record PhaseReport(
    String name,
    String from,
    String to,
    long startMillis,
    long endMillis,
    long consumptionGapMs,
    long maxPartitionGapMs,
    int maxGapPartition,
    long lagPeak,
    long recoveryMs,
    long mixedVersionMs,
    int peakInstances,
    int peakRunning,
    int rebalances,
    long revokedPartitions,
    long rebalanceMs,
    long instanceLoadPeak,
    double instanceLoadMean) {

  /** Checks the names. */
  public PhaseReport {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }

  /** How long the phase took. */
  public long durationMs() {
    return endMillis - startMillis;
  }

  /** Partitions revoked per rebalance (eager: all of them; cooperative: those that move). */
  public double revokedPerRebalance() {
    return rebalances == 0 ? 0 : (double) revokedPartitions / rebalances;
  }
}
