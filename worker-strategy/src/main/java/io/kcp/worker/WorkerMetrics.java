package io.kcp.worker;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * What only the worker strategy has: a snapshot of its queues and workers. Immutable.
 *
 * @param ordering the ordering mode
 * @param concurrency the number of workers
 * @param virtualThreads whether the workers are virtual threads
 * @param pausedPartitions partitions paused by backpressure right now
 * @param backlog records at or after the safe offsets, over all partitions: in flight plus finished
 *     ones waiting behind an unfinished one (what backpressure bounds)
 * @param inFlightPerPartition records handed out and not finished, per partition (refreshed about
 *     every 100 ms)
 * @param queueWaitAvgMillis mean time a record waited between poll and a worker starting it
 * @param handlerAvgMillis mean time the handler took
 */
public record WorkerMetrics(
    Ordering ordering,
    int concurrency,
    boolean virtualThreads,
    int pausedPartitions,
    long backlog,
    Map<TopicPartition, Integer> inFlightPerPartition,
    double queueWaitAvgMillis,
    double handlerAvgMillis) {

  /** Copies the map. */
  public WorkerMetrics {
    Objects.requireNonNull(ordering, "ordering");
    inFlightPerPartition = Map.copyOf(inFlightPerPartition);
  }
}
