package io.kcp.worker.internal;

import io.kcp.core.CommitPolicy;
import io.kcp.core.MissingTopicPolicy;
import io.kcp.worker.Ordering;
import java.time.Duration;

/**
 * The worker strategy's settings beyond Kafka's.
 *
 * @param ordering which records may run at once
 * @param concurrency workers
 * @param virtualThreads virtual threads instead of a platform pool
 * @param maxInFlightPerPartition backlog at which a partition is paused
 * @param maxInFlight records in flight (all partitions) at which every partition is paused
 * @param drainTimeout how long a revoke waits for the revoked partitions' running records
 * @param commitPolicy when finished offsets are committed
 * @param missingTopics what to do when a topic is missing at start
 * @param startupTimeout how long to wait for the cluster at start
 * @param name thread name prefix
 */
public record WorkerConfig(
    Ordering ordering,
    int concurrency,
    boolean virtualThreads,
    int maxInFlightPerPartition,
    int maxInFlight,
    Duration drainTimeout,
    CommitPolicy commitPolicy,
    MissingTopicPolicy missingTopics,
    Duration startupTimeout,
    String name) {}
