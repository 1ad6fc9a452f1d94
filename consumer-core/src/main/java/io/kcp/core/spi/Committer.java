package io.kcp.core.spi;

import io.kcp.core.CommitPolicy;
import io.kcp.core.OffsetLedger;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what an {@link OffsetLedger} says is safe, when a {@link CommitPolicy} says so.
 *
 * <p>Call {@link #recordFinished} for every finished record (it commits when the count is
 * reached), {@link #maybeCommit} once per poll-loop round (the interval), {@link #commitSync} on
 * revoke and close. Asynchronously while running; synchronously when the count is reached while
 * the previous asynchronous commit is unanswered, so at most {@code 2 × everyRecords} finished
 * records are ever uncommitted. Poll-thread confined, except the counters, which any thread may
 * read.
 */
public final class Committer {
  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);

  private final ConsumerTelemetry telemetry;
  private final OffsetLedger ledger;
  private final CommitPolicy policy;
  private final LongSupplier nanoTime;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong nanosTotal = new AtomicLong();
  private final AtomicLong nanosMax = new AtomicLong();
  private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
  private boolean asyncPending;
  private long lastCommitNanos;
  private long finishedSinceCommit;

  /** A committer over this ledger (owned by the same poll thread), without telemetry. */
  public Committer(OffsetLedger ledger, CommitPolicy policy, LongSupplier nanoTime) {
    this(ledger, policy, nanoTime, ConsumerTelemetry.noop("-"));
  }

  /** A committer that reports a {@code commit <topic>} span per commit. */
  public Committer(
      OffsetLedger ledger, CommitPolicy policy, LongSupplier nanoTime, ConsumerTelemetry telemetry) {
    this.telemetry = telemetry;
    this.ledger = ledger;
    this.policy = policy;
    this.nanoTime = nanoTime;
    this.lastCommitNanos = nanoTime.getAsLong();
  }

  /** Counts one finished record; commits when the policy's record count is reached. */
  public void recordFinished(Consumer<?, ?> consumer) {
    if (++finishedSinceCommit >= policy.everyRecords()) {
      commit(consumer, true);
    }
  }

  /** Commits if the policy's interval has passed since the last commit. */
  public void maybeCommit(Consumer<?, ?> consumer) {
    if (!asyncPending && nanoTime.getAsLong() - lastCommitNanos >= policy.interval().toNanos()) {
      commit(consumer, false);
    }
  }

  private void commit(Consumer<?, ?> consumer, boolean countReached) {
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable();
    lastCommitNanos = nanoTime.getAsLong();
    finishedSinceCommit = 0;
    if (offsets.isEmpty()) {
      return;
    }
    if (countReached && asyncPending) {
      commitSync(consumer, offsets, Duration.ofSeconds(30));
      return;
    }
    asyncPending = true;
    long started = nanoTime.getAsLong();
    Span span = telemetry.startCommit(offsets, false);
    consumer.commitAsync(
        offsets,
        (done, error) -> {
          asyncPending = false;
          telemetry.endCommit(span, nanoTime.getAsLong() - started, error);
          if (error == null) {
            record(done, nanoTime.getAsLong() - started);
          } else {
            failures.incrementAndGet();
            LOG.warn("async commit of {} failed: {}", offsets, error.toString());
          }
        });
  }

  /** Commits these offsets synchronously (retrying once if a {@code wakeup()} raced it). */
  public void commitSync(
      Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    if (offsets.isEmpty()) {
      return;
    }
    long started = nanoTime.getAsLong();
    Span span = telemetry.startCommit(offsets, true);
    try {
      try {
        consumer.commitSync(offsets, timeout);
      } catch (WakeupException e) {
        consumer.commitSync(offsets, timeout); // close() raced us; the wakeup is consumed now
      }
      telemetry.endCommit(span, nanoTime.getAsLong() - started, null);
      record(offsets, nanoTime.getAsLong() - started);
    } catch (RuntimeException e) {
      telemetry.endCommit(span, nanoTime.getAsLong() - started, e);
      failures.incrementAndGet();
      LOG.warn("commit of {} failed: {}", offsets, e.toString());
    }
  }

  /** Commits everything the ledger has not committed yet, synchronously (for close). */
  public void commitAllSync(Consumer<?, ?> consumer, Duration timeout) {
    commitSync(consumer, ledger.committable(), timeout);
  }

  private void record(Map<TopicPartition, OffsetAndMetadata> offsets, long nanos) {
    ledger.markCommitted(offsets);
    offsets.forEach((tp, om) -> committed.merge(tp, om.offset(), Math::max));
    commits.incrementAndGet();
    nanosTotal.addAndGet(nanos);
    nanosMax.accumulateAndGet(nanos, Math::max);
  }

  /** Successful commits. */
  public long commits() {
    return commits.get();
  }

  /** Failed commits. */
  public long failures() {
    return failures.get();
  }

  /** Mean commit latency in milliseconds (async: until the callback ran on the poll thread). */
  public double latencyAvgMillis() {
    long n = commits.get();
    return n == 0 ? 0 : nanosTotal.get() / 1e6 / n;
  }

  /** Longest commit latency in milliseconds. */
  public double latencyMaxMillis() {
    return nanosMax.get() / 1e6;
  }

  /** The last committed offset per partition (a copy). */
  public Map<TopicPartition, Long> committed() {
    return new HashMap<>(committed);
  }
}
