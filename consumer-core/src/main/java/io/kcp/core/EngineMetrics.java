package io.kcp.core;

import java.util.HashMap;
import java.util.List;
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
 * @param commitLatencyAvgMillis mean time a successful commit took, in milliseconds
 * @param commitLatencyMaxMillis longest time a successful commit took, in milliseconds
 * @param consumers consumer instances (threads owning a {@code KafkaConsumer}) in the engine
 * @param idleConsumers running consumers with no partition assigned
 * @param restarts consumer threads restarted after a failure
 * @param topicPartitions partitions of the subscribed topics, as seen at start (0 if unknown)
 * @param assignedPartitions partitions currently assigned to the engine's consumers
 * @param committedOffsets the last offset committed per partition (the next offset to read)
 * @param recordsLag the client's own {@code records-lag} metric per assigned partition: the
 *     distance from the consumer's <em>position</em> (not its committed offset) to the end of the
 *     log, sampled about once a second on the poll thread
 */
public record EngineMetrics(
    long recordsHandled,
    long recordsFailed,
    long inFlight,
    long commits,
    long commitFailures,
    double commitLatencyAvgMillis,
    double commitLatencyMaxMillis,
    int consumers,
    int idleConsumers,
    long restarts,
    int topicPartitions,
    int assignedPartitions,
    Map<TopicPartition, Long> committedOffsets,
    Map<TopicPartition, Long> recordsLag,
    long retries,
    long deadLettered,
    int pausedPartitions) {

  /** Copies the maps, so the snapshot stays a snapshot. */
  public EngineMetrics {
    committedOffsets = Map.copyOf(Objects.requireNonNull(committedOffsets, "committedOffsets"));
    recordsLag = Map.copyOf(Objects.requireNonNull(recordsLag, "recordsLag"));
  }

  /** A snapshot with every counter at zero. */
  public static EngineMetrics empty() {
    return new EngineMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), Map.of(), 0, 0, 0);
  }

  /** The client's {@code records-lag-max}: the largest {@link #recordsLag()} value, 0 if none. */
  public long recordsLagMax() {
    return recordsLag.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }

  /**
   * The metrics of several consumers of one engine added up: counters summed, latencies weighted
   * by commit count (max of maxes), maps merged, {@code topicPartitions} the largest seen.
   */
  public static EngineMetrics combine(List<EngineMetrics> parts, long restarts) {
    long handled = 0;
    long failed = 0;
    long inFlight = 0;
    long commits = 0;
    long commitFailures = 0;
    double latencyWeighted = 0;
    double latencyMax = 0;
    int consumers = 0;
    int idle = 0;
    int topicPartitions = 0;
    int assigned = 0;
    Map<TopicPartition, Long> committed = new HashMap<>();
    Map<TopicPartition, Long> lag = new HashMap<>();
    long retries = 0;
    long deadLettered = 0;
    int paused = 0;
    for (EngineMetrics m : parts) {
      retries += m.retries;
      deadLettered += m.deadLettered;
      paused += m.pausedPartitions;
      handled += m.recordsHandled;
      failed += m.recordsFailed;
      inFlight += m.inFlight;
      commits += m.commits;
      commitFailures += m.commitFailures;
      latencyWeighted += m.commitLatencyAvgMillis * m.commits;
      latencyMax = Math.max(latencyMax, m.commitLatencyMaxMillis);
      consumers += m.consumers;
      idle += m.idleConsumers;
      restarts += m.restarts;
      topicPartitions = Math.max(topicPartitions, m.topicPartitions);
      assigned += m.assignedPartitions;
      m.committedOffsets.forEach((tp, o) -> committed.merge(tp, o, Math::max));
      lag.putAll(m.recordsLag);
    }
    return new EngineMetrics(
        handled,
        failed,
        inFlight,
        commits,
        commitFailures,
        commits == 0 ? 0 : latencyWeighted / commits,
        latencyMax,
        consumers,
        idle,
        restarts,
        topicPartitions,
        assigned,
        committed,
        lag,
        retries,
        deadLettered,
        paused);
  }
}
