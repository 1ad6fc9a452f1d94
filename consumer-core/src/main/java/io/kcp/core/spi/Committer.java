package io.kcp.core.spi;

import io.kcp.core.CommitPolicy;
import io.kcp.core.InstanceIdConflictException;
import io.kcp.core.OffsetLedger;
import io.kcp.core.internal.LedgerCommitter;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Commits what an {@link OffsetLedger} says is safe, when a {@link CommitPolicy} says so. One per
 * poll loop, confined to its poll thread (the counters may be read from any thread).
 *
 * <p>Call {@link #recordFinished} for every finished record (it commits when the count is
 * reached), {@link #maybeCommit} once per poll-loop round (the interval), {@link #commitSync} on
 * revoke and close. A commit that fails is logged, counted and retried by the next one, except a
 * fenced static member's, which is thrown as an {@link InstanceIdConflictException}: the loop must
 * stop, not go on fencing the other instance.
 */
public interface Committer {

  /** The default: asynchronous while running, synchronous when the count is reached twice. */
  static Committer create(OffsetLedger ledger, CommitPolicy policy, NanoClock clock, ConsumerTelemetry telemetry,
      String group, String groupInstanceId) {
    return new LedgerCommitter(ledger, policy, clock, telemetry, group, groupInstanceId);
  }

  /** Counts one finished record; commits when the policy's record count is reached. */
  void recordFinished(Consumer<?, ?> consumer);

  /** Commits if the policy's interval has passed since the last commit. */
  void maybeCommit(Consumer<?, ?> consumer);

  /** Commits these offsets synchronously (on revoke). */
  void commitSync(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout);

  /**
   * Commits everything the ledger has not committed yet, synchronously (on close). While the
   * group is rebalancing (a commit then fails with {@code RebalanceInProgressException}), it
   * polls to let this member's part of the rebalance complete and tries again, within {@code
   * timeout}: a graceful stop that loses its final commit would hand its finished records to the
   * next owner again. Records such a poll returns are not handed out, so not committed.
   */
  void commitAllSync(Consumer<?, ?> consumer, Duration timeout);

  /** Successful commits. */
  long commits();

  /** Failed commits. */
  long failures();

  /** Mean commit latency in milliseconds. */
  double latencyAvgMillis();

  /** Longest commit latency in milliseconds. */
  double latencyMaxMillis();

  /** The last committed offset per partition (a copy). */
  Map<TopicPartition, Long> committed();
}
