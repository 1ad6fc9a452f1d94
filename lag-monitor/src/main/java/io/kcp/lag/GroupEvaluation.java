package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The verdict on a group: the worst partition status, how complete the windows are, and the lag.
 *
 * @param status the worst partition status (OK when there are no partitions)
 * @param complete share of partitions whose window is full, 0.0 to 1.0 (1.0 with no partitions)
 * @param totalLag sum of the known current lags
 * @param maxLag the largest known current lag
 * @param partitions one verdict per partition, in input order
 */
public record GroupEvaluation(
    LagStatus status, double complete, long totalLag, long maxLag, List<PartitionEvaluation> partitions) {

  /** Checks the fields and copies the partitions. */
  public GroupEvaluation {
    requireNonNull(status, "status");
    partitions = List.copyOf(partitions);
  }

  /** Burrow's status of the group: NOTFOUND, OK, WARN, or ERR for a STOP, STALL or REWIND partition. */
  public BurrowGroupStatus burrowStatus() {
    return status.toGroupStatus();
  }
}
