package io.kcp.core.internal;

import io.kcp.core.CommitPolicy;
import io.kcp.core.InstanceIdConflictException;
import io.kcp.core.OffsetLedger;
import io.kcp.core.spi.Committer;
import io.kcp.core.spi.ConsumerTelemetry;
import io.kcp.core.spi.Fencing;
import io.kcp.core.spi.NanoClock;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Committer}: asynchronously while running; synchronously when the count is reached
 * while the previous asynchronous commit is unanswered, so at most {@code 2 × everyRecords}
 * finished records are ever uncommitted.
 */
public final class LedgerCommitter implements Committer {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerCommitter.class);
  /** Bound of the synchronous commit made when the count is reached with an async one pending. */
  private static final Duration COUNT_COMMIT_TIMEOUT = Duration.ofSeconds(30);
  /** The final commit gets at least this long, even when the close timeout is spent. */
  private static final long MIN_FINAL_COMMIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** How long the final commit polls to let a rebalance progress before it tries again. */
  private static final Duration REBALANCE_POLL = Duration.ofMillis(100);

  private final ConsumerTelemetry telemetry;
  private final OffsetLedger ledger;
  private final CommitPolicy policy;
  private final NanoClock clock;
  private final String group;
  private final String groupInstanceId;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong nanosTotal = new AtomicLong();
  private final AtomicLong nanosMax = new AtomicLong();
  private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
  private boolean asyncPending;
  private long lastCommitNanos;
  private long finishedSinceCommit;
  private RuntimeException fenced; // seen by an asynchronous commit's callback

  /**
   * A committer over this ledger (owned by the same poll thread).
   *
   * @param groupInstanceId the loop's {@code group.instance.id}, or null without static membership
   */
  public LedgerCommitter(OffsetLedger ledger, CommitPolicy policy, NanoClock clock,
      ConsumerTelemetry telemetry, String group, String groupInstanceId) {
    this.telemetry = telemetry;
    this.ledger = ledger;
    this.policy = policy;
    this.clock = clock;
    this.group = group;
    this.groupInstanceId = groupInstanceId;
    this.lastCommitNanos = clock.nanoTime();
  }

  @Override
  public void recordFinished(Consumer<?, ?> consumer) {
    throwIfFenced();
    if (++finishedSinceCommit >= policy.everyRecords()) {
      commit(consumer, true);
    }
  }

  @Override
  public void maybeCommit(Consumer<?, ?> consumer) {
    throwIfFenced();
    if (!asyncPending && clock.nanoTime() - lastCommitNanos >= policy.interval().toNanos()) {
      commit(consumer, false);
    }
  }

  private void commit(Consumer<?, ?> consumer, boolean countReached) {
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable();
    lastCommitNanos = clock.nanoTime();
    finishedSinceCommit = 0;
    if (offsets.isEmpty()) {
      return;
    }
    if (countReached && asyncPending) {
      commitSync(consumer, offsets, COUNT_COMMIT_TIMEOUT);
      return;
    }
    asyncPending = true;
    long started = clock.nanoTime();
    Span span = telemetry.startCommit(offsets, false);
    consumer.commitAsync(
        offsets,
        (done, error) -> {
          asyncPending = false;
          telemetry.endCommit(span, clock.nanoTime() - started, error);
          if (error == null) {
            record(done, clock.nanoTime() - started);
          } else {
            failures.incrementAndGet();
            if (Fencing.isFenced(error) && fenced == null) {
              fenced = conflict(error);
            }
            if (error instanceof RebalanceInProgressException) {
              // expected while the group rebalances: the next commit carries the same offsets
              LOG.debug("async commit of {} refused during a rebalance", offsets);
            } else {
              LOG.warn("async commit of {} failed: {}", offsets, error.toString());
            }
          }
        });
  }

  @Override
  public void commitSync(
      Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    throwIfFenced();
    commitOrThrow(consumer, offsets, timeout, false);
  }

  /**
   * Commits synchronously; a failure is logged and counted, a fenced member's thrown as a
   * conflict, and with {@code rethrowRebalance} a rebalance in progress is thrown for the caller
   * to poll and retry.
   */
  private void commitOrThrow(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets,
      Duration timeout, boolean rethrowRebalance) {
    if (offsets.isEmpty()) {
      return;
    }
    long started = clock.nanoTime();
    Span span = telemetry.startCommit(offsets, true);
    try {
      try {
        consumer.commitSync(offsets, timeout);
      } catch (WakeupException e) {
        consumer.commitSync(offsets, timeout); // close() raced us; the wakeup is consumed now
      }
      telemetry.endCommit(span, clock.nanoTime() - started, null);
      record(offsets, clock.nanoTime() - started);
    } catch (RuntimeException e) {
      telemetry.endCommit(span, clock.nanoTime() - started, e);
      failures.incrementAndGet();
      if (Fencing.isFenced(e)) {
        throw conflict(e);
      }
      if (rethrowRebalance && e instanceof RebalanceInProgressException rebalancing) {
        throw rebalancing;
      }
      LOG.warn("commit of {} failed: {}", offsets, e.toString());
    }
  }

  @Override
  public void commitAllSync(Consumer<?, ?> consumer, Duration timeout) {
    long deadline = clock.nanoTime() + timeout.toNanos();
    while (true) {
      throwIfFenced();
      Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable();
      if (offsets.isEmpty()) {
        return;
      }
      long left = Math.max(deadline - clock.nanoTime(), 0);
      try {
        commitOrThrow(consumer, offsets, Duration.ofNanos(Math.max(left, MIN_FINAL_COMMIT_NANOS)), true);
        return;
      } catch (RebalanceInProgressException e) {
        if (clock.nanoTime() - deadline >= 0) {
          LOG.warn("final commit of {} failed: the group was still rebalancing when the close timeout"
              + " ran out; these records will be handled again by the next owner", offsets);
          return;
        }
        try {
          consumer.poll(REBALANCE_POLL); // our part of the rebalance; what it returns is not handed out
        } catch (WakeupException woken) {
          // the close's own wakeup, not consumed by a poll before: the next poll goes through
        }
      }
    }
  }

  private void throwIfFenced() {
    if (fenced != null) {
      throw fenced;
    }
  }

  private InstanceIdConflictException conflict(Throwable e) {
    return new InstanceIdConflictException(groupInstanceId == null ? "?" : groupInstanceId, group, e);
  }

  private void record(Map<TopicPartition, OffsetAndMetadata> offsets, long nanos) {
    ledger.markCommitted(offsets);
    offsets.forEach((tp, om) -> committed.merge(tp, om.offset(), Math::max));
    commits.incrementAndGet();
    nanosTotal.addAndGet(nanos);
    nanosMax.accumulateAndGet(nanos, Math::max);
  }

  @Override
  public long commits() {
    return commits.get();
  }

  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public double latencyAvgMillis() {
    long n = commits.get();
    return n == 0 ? 0 : nanosTotal.get() / 1e6 / n;
  }

  @Override
  public double latencyMaxMillis() {
    return nanosMax.get() / 1e6;
  }

  @Override
  public Map<TopicPartition, Long> committed() {
    return new HashMap<>(committed);
  }
}
