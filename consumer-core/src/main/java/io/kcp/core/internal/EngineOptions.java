package io.kcp.core.internal;

import io.kcp.core.CommitPolicy;
import io.kcp.core.MissingTopicPolicy;
import java.time.Duration;

/**
 * How a poll-loop engine behaves beyond the Kafka settings.
 *
 * @param commitPolicy when finished offsets are committed
 * @param missingTopics what to do when a subscribed topic does not exist at start
 * @param startupTimeout how long to wait for the cluster to answer at start
 * @param threadName the poll thread's name
 */
public record EngineOptions(
    CommitPolicy commitPolicy,
    MissingTopicPolicy missingTopics,
    Duration startupTimeout,
    String threadName) {}
