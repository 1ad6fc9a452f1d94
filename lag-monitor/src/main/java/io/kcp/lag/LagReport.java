package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One observation of a {@link LagMonitor}: the snapshot and the evaluation of the window that ends
 * with it.
 *
 * @param snapshot what the cluster said at this instant
 * @param evaluation the verdict on the window ending here
 */
public record LagReport(LagSnapshot snapshot, GroupEvaluation evaluation) {
  /** Checks that no field is null. */
  public LagReport {
    requireNonNull(snapshot, "snapshot");
    requireNonNull(evaluation, "evaluation");
  }

  /** The verdict on one partition, if it is in the report. */
  public Optional<PartitionEvaluation> verdict(String topic, int partition) {
    return evaluation.partitions().stream()
        .filter(v -> v.topic().equals(topic) && v.partition() == partition)
        .findFirst();
  }
}
