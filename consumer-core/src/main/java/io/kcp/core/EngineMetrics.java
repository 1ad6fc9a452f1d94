package io.kcp.core;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * A snapshot of an engine's counters. Immutable.
 *
 * @param recordsHandled records whose handler returned normally
 * @param recordsFailed handler invocations that threw
 * @param inFlight records handed out and not yet finished
 * @param commits offset commits that succeeded
 * @param commitFailures offset commits that failed
 * @param assignedPartitions partitions currently assigned to the engine's consumers
 * @param committedOffsets the last offset committed per partition (the next offset to read)
 */
public record EngineMetrics(
    long recordsHandled,
    long recordsFailed,
    long inFlight,
    long commits,
    long commitFailures,
    int assignedPartitions,
    Map<TopicPartition, Long> committedOffsets) {

  /** Copies the map, so the snapshot stays a snapshot. */
  public EngineMetrics {
    committedOffsets = Map.copyOf(Objects.requireNonNull(committedOffsets, "committedOffsets"));
  }

  /** A snapshot with every counter at zero. */
  public static EngineMetrics empty() {
    return new EngineMetrics(0, 0, 0, 0, 0, 0, Map.of());
  }
}
