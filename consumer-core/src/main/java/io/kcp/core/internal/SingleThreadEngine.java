package io.kcp.core.internal;

import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.EngineListener;
import io.kcp.core.EngineMetrics;
import io.kcp.core.OffsetLedger;
import io.kcp.core.spi.ClientMetrics;
import io.kcp.core.spi.Committer;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.Failures;
import io.kcp.core.spi.Listeners;
import io.kcp.core.spi.NanoClock;
import io.kcp.core.spi.PollLoopEngine;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.spi.StartupCheck;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop of the single-thread engine, and of each thread of the consumer-per-thread
 * strategy: one thread owns one consumer, polls, and runs each partition's records in offset order
 * through a {@link RecordRunner}. A record that must wait (a retry's backoff, an open circuit
 * breaker) parks its partition — the record and the ones fetched behind it — and pauses it, while
 * the thread goes on with its other partitions. Offsets are committed through an {@link
 * OffsetLedger}, so only what finished is ever committed.
 *
 * <p>Everything that touches the consumer or the ledger runs on the loop's thread; other threads
 * only request a close (which wakes the consumer) and read counters. Every way out of the loop —
 * a close, a failed record, an exception from the consumer, a fenced static member — goes through
 * {@link #finish}: commit what finished, close the consumer, CLOSED or FAILED.
 */
public final class SingleThreadEngine extends PollLoopEngine {
  private static final Logger LOG = LoggerFactory.getLogger(SingleThreadEngine.class);
  private static final long SAMPLE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ConsumerSettings settings;
  private final EngineConfig config;
  private final EngineListener listener;
  private final RecordRunner runner;
  private final NanoClock clock;
  private final OffsetLedger ledger;
  private final Committer committer;

  private final AtomicLong handled = new AtomicLong();
  private volatile long inFlightNow; // the ledger's, published by the poll thread
  /** Partitions whose head record waits for a retry or the breaker, with the records behind it. */
  private final Map<TopicPartition, Parked> parked = new HashMap<>();
  private final Map<TopicPartition, Boolean> assigned = new ConcurrentHashMap<>();
  private volatile int pausedCount;

  private volatile int topicPartitions;
  private volatile Map<TopicPartition, Long> recordsLag = Map.of();
  private boolean closingConsumer; // poll thread: the final commit is done, the consumer closes
  private long lastSampleNanos; // poll thread

  /** A partition's records from its first unfinished one on, waiting (poll thread only). */
  private static final class Parked {
    final ArrayDeque<ConsumerRecord<byte[], byte[]>> records = new ArrayDeque<>();
    RecordRunner.RetryState state;
    long dueNanos;
    boolean headHandedOut;
  }

  private enum Progress { EMPTY, PARKED, STOP }

  public SingleThreadEngine(
      PollLoopSpec spec,
      RecordRunner runner,
      ConsumerFactory consumerFactory,
      NanoClock clock,
      OffsetLedger ledger,
      Committer committer,
      EngineLifecycle life) {
    super(spec, consumerFactory, life);
    this.config = spec.config();
    this.settings = config.settings();
    this.listener = config.listener();
    this.runner = runner;
    this.clock = clock;
    this.ledger = ledger;
    this.committer = committer;
  }

  @Override
  protected void pollLoop() {
    Consumer<byte[], byte[]> c = consumer;
    try {
      int partitions = StartupCheck.awaitTopics(
          c, settings, config.missingTopics(), config.startupTimeout(), life.closeSignal());
      if (partitions < 0) {
        return; // closed while waiting
      }
      topicPartitions = partitions;
      c.subscribe(settings.topics(), new Listener());
      life.running();
      while (!life.stopRequested()) {
        if (!runParked(c)) {
          break;
        }
        applyPauses(c);
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(pollTimeout());
        } catch (WakeupException e) {
          continue; // close() woke us: the loop condition says whether to stop
        }
        if (!handleBatch(c, records)) {
          break;
        }
        committer.maybeCommit(c);
        sampleClientMetrics(c);
        inFlightNow = ledger.inFlight();
      }
    } catch (WakeupException e) {
      // close() woke us inside a commit or rebalance: fall through to the final commit
    } catch (Throwable e) {
      life.fail(Failures.explain(e, spec));
    } finally {
      finish(c);
    }
  }

  /** The poll timeout, shortened so that a parked record is retried when it is due. */
  private Duration pollTimeout() {
    Duration max = settings.pollTimeout();
    if (parked.isEmpty()) {
      return max;
    }
    long now = clock.nanoTime();
    long next = Long.MAX_VALUE;
    for (Parked p : parked.values()) {
      next = Math.min(next, p.dueNanos);
    }
    long wait = Math.max(0, next - now);
    return wait < max.toNanos() ? Duration.ofNanos(wait) : max;
  }

  /** Handles a batch, partition by partition, in offset order; false when the engine must stop. */
  private boolean handleBatch(Consumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      runner.telemetry().consumed(tp, list.size());
      Parked waiting = parked.get(tp);
      if (movedBack(tp, list.get(0).offset(), waiting)) {
        waiting = null;
      }
      if (waiting != null) {
        waiting.records.addAll(list); // fetched before the pause took effect: keep the order
        continue;
      }
      Parked p = new Parked();
      p.records.addAll(list);
      Progress progress = process(c, tp, p);
      if (progress == Progress.STOP) {
        return false; // nothing past the failed record is committed
      }
      if (progress == Progress.PARKED) {
        parked.put(tp, p);
      }
    }
    return true;
  }

  /**
   * Whether the consumer's position of {@code tp} moved back (a seek, or {@code auto.offset.reset}
   * after the log was truncated): then the partition starts over from {@code first} — its parked
   * records are dropped and its ledger is reset — and the records from there are handled again.
   */
  private boolean movedBack(TopicPartition tp, long first, Parked waiting) {
    long last = waiting == null || waiting.records.isEmpty() ? -1 : waiting.records.peekLast().offset();
    OptionalLong handedOut = ledger.lastHandedOut(tp);
    if (handedOut.isPresent()) {
      last = Math.max(last, handedOut.getAsLong());
    }
    if (first > last) {
      return false;
    }
    LOG.warn("{}: the position of {} moved back from {} to {} (a seek, or auto.offset.reset after"
        + " the log was truncated): its records from {} on are handled again", spec.name(), tp,
        last + 1, first, first);
    unpark(List.of(tp));
    release(List.of(tp));
    ledger.reset(tp);
    return true;
  }

  /** Runs parked partitions whose wait is over; false when the engine must stop. */
  private boolean runParked(Consumer<byte[], byte[]> c) {
    if (parked.isEmpty()) {
      return true;
    }
    long now = clock.nanoTime();
    for (TopicPartition tp : new ArrayList<>(parked.keySet())) {
      Parked p = parked.get(tp);
      if (p.dueNanos > now) {
        continue;
      }
      Progress progress = process(c, tp, p);
      if (progress == Progress.STOP) {
        return false;
      }
      if (progress == Progress.EMPTY) {
        parked.remove(tp);
      }
    }
    return true;
  }

  /**
   * Runs a partition's records in order until they are all finished (EMPTY), the head one must
   * wait for a retry or the breaker (PARKED: the partition is paused until then; the others go
   * on), or the engine must stop (STOP).
   */
  private Progress process(Consumer<byte[], byte[]> c, TopicPartition tp, Parked p) {
    while (!p.records.isEmpty()) {
      if (life.stopRequested()) {
        return Progress.STOP; // the rest is not handed out, so not committed: redelivered later
      }
      ConsumerRecord<byte[], byte[]> record = p.records.peekFirst();
      if (!p.headHandedOut) {
        ledger.handOut(tp, record.offset());
        runner.telemetry().inFlight(tp, 1);
        p.headHandedOut = true;
      }
      RecordRunner.Outcome outcome = runner.run(record, p.state);
      switch (outcome.kind()) {
        case DONE, DEAD_LETTERED -> {
          p.records.pollFirst();
          p.state = null;
          p.headHandedOut = false;
          if (ledger.finish(tp, record.offset())) {
            runner.telemetry().inFlight(tp, -1);
          }
          if (outcome.kind() == RecordRunner.Kind.DONE) {
            handled.incrementAndGet();
          }
          committer.recordFinished(c);
        }
        case RETRY, WAIT -> {
          p.state = outcome.state();
          p.dueNanos = clock.nanoTime() + outcome.delayNanos();
          return Progress.PARKED;
        }
        case FAILED -> {
          life.fail(outcome.error());
          return Progress.STOP;
        }
        default -> {
          return Progress.STOP; // interrupted: closing
        }
      }
    }
    return Progress.EMPTY;
  }

  /**
   * Pauses the parked partitions, and every assigned one while the breaker is OPEN, or HALF_OPEN
   * with records waiting (they are its trials, within the calls it permits); resumes the rest.
   * A HALF_OPEN breaker with nothing waiting pauses nothing, so fresh records come and are tried;
   * an OPEN one with nothing waiting is asked for a permission now and then, so that it moves on
   * even without automatic transition. Re-applied every round, so partitions assigned by a
   * rebalance are paused too.
   */
  private void applyPauses(Consumer<byte[], byte[]> c) {
    boolean open = runner.breakerOpen();
    if (open && parked.isEmpty()) {
      runner.nudgeBreaker();
      open = runner.breakerOpen();
    }
    boolean hold = open || (!parked.isEmpty() && runner.breakerHalfOpen());
    if (!hold && parked.isEmpty() && pausedCount == 0) {
      return; // the usual round: nothing to pause, nothing paused (no copies of the assignment)
    }
    Set<TopicPartition> assignment = c.assignment();
    Set<TopicPartition> want = new HashSet<>();
    if (hold) {
      want.addAll(assignment);
    } else {
      for (TopicPartition tp : parked.keySet()) {
        if (assignment.contains(tp)) {
          want.add(tp);
        }
      }
    }
    Set<TopicPartition> now = c.paused();
    List<TopicPartition> pause = new ArrayList<>();
    for (TopicPartition tp : want) {
      if (!now.contains(tp)) {
        pause.add(tp);
      }
    }
    List<TopicPartition> resume = new ArrayList<>();
    for (TopicPartition tp : now) {
      if (!want.contains(tp) && assignment.contains(tp)) {
        resume.add(tp);
      }
    }
    if (!pause.isEmpty()) {
      c.pause(pause);
    }
    if (!resume.isEmpty()) {
      c.resume(resume);
    }
    int count = want.size();
    runner.telemetry().paused(count - pausedCount);
    pausedCount = count;
  }

  /** Drops parked records of these partitions: they were not finished, so not committed. */
  private void unpark(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      parked.remove(tp);
    }
  }

  /** The in-flight gauge gives back the records of partitions the ledger is about to drop. */
  private void release(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      int n = ledger.inFlight(tp);
      if (n > 0) {
        runner.telemetry().inFlight(tp, -n);
      }
    }
  }

  /** Copies the client's {@code records-lag} per partition, about once a second (poll thread). */
  private void sampleClientMetrics(Consumer<byte[], byte[]> c) {
    long now = clock.nanoTime();
    if (now - lastSampleNanos < SAMPLE_EVERY_NANOS) {
      return;
    }
    lastSampleNanos = now;
    recordsLag = ClientMetrics.recordsLag(c);
  }

  /** Every way out of the loop ends here: commit what finished, close the consumer, stop. */
  private void finish(Consumer<byte[], byte[]> c) {
    try {
      committer.commitAllSync(c, life.closeTimeout());
    } catch (Throwable e) {
      life.fail(Failures.explain(e, spec));
    } finally {
      closingConsumer = true;
      try {
        c.close(life.closeTimeout());
      } catch (RuntimeException e) {
        LOG.warn("{}: closing the consumer failed: {}", spec.name(), e.toString());
      }
      unpark(new ArrayList<>(parked.keySet()));
      Set<TopicPartition> tracked = ledger.partitions();
      release(tracked); // a failed or interrupted record too: nothing stays in flight
      ledger.forget(tracked);
      inFlightNow = 0;
      assigned.clear();
      recordsLag = Map.of();
      runner.telemetry().paused(-pausedCount);
      pausedCount = 0;
      runner.close();
      life.stopped();
    }
  }

  @Override
  public EngineMetrics metrics() {
    return withCommits(metrics(runner, handled.get(), assigned.size(), topicPartitions, recordsLag, pausedCount),
        committer).inFlight(inFlightNow).build();
  }

  /**
   * The rebalance listener: runs inside {@code poll()} (or {@code close()}) on the loop's thread,
   * between records, so nothing is running. A failure here (a fenced commit) fails the engine
   * instead of escaping into the consumer.
   */
  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      long started = clock.nanoTime();
      unpark(partitions);
      release(partitions);
      var offsets = ledger.revoke(partitions);
      partitions.forEach(assigned::remove);
      inFlightNow = ledger.inFlight();
      if (!closingConsumer) { // else the final commit is done
        try {
          committer.commitSync(consumer, offsets, life.closeTimeout());
        } catch (Throwable e) {
          life.fail(Failures.explain(e, spec));
        }
      }
      Listeners.revoked(listener, partitions, Duration.ofNanos(clock.nanoTime() - started), spec.name());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitions.forEach(tp -> assigned.put(tp, Boolean.TRUE));
      Listeners.assigned(listener, partitions, consumer, spec.name());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      unpark(partitions);
      release(partitions);
      ledger.forget(partitions); // someone else may own them already: commit nothing
      inFlightNow = ledger.inFlight();
      partitions.forEach(assigned::remove);
      Listeners.lost(listener, partitions, spec.name());
    }
  }
}
