package io.kcp.lag;

import static java.util.Objects.requireNonNull;

/**
 * The verdict on one partition.
 *
 * @param topic the topic
 * @param partition the partition number
 * @param status the status
 * @param rule the rule that decided it, e.g. {@code offset_rewound}, {@code stopped},
 *     {@code lag_within_allowed}, {@code offset_not_moving}, {@code lag_not_decreasing},
 *     {@code lag_decreasing}, {@code caught_up_in_window}, {@code lag_unknown}, {@code
 *     window_incomplete}, {@code no_offsets}
 * @param currentLag the lag now, or null when unknown
 * @param complete whether the window held its full size
 * @param hot whether this partition's lag grows while the topic's other partitions are fine
 * @param hotReason why it is hot (null when it is not)
 */
public record PartitionEvaluation(
    String topic,
    int partition,
    LagStatus status,
    String rule,
    Long currentLag,
    boolean complete,
    boolean hot,
    String hotReason) {

  /** Checks the required fields. */
  public PartitionEvaluation {
    requireNonNull(topic, "topic");
    requireNonNull(status, "status");
    requireNonNull(rule, "rule");
  }
}
