package io.kcp.core.internal;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineState;
import io.kcp.core.OffsetLedger;
import io.kcp.core.spi.ClientMetrics;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.spi.Committer;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.StartupCheck;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop every strategy shares: one thread owns one consumer, polls, hands records to a
 * {@link RecordRunner} in order (a record waiting for a retry parks its partition, paused,
 * while the others go on), and commits through an {@link OffsetLedger} only what
 * finished. Everything that touches the consumer or the ledger runs on the engine's thread; other
 * threads only flip {@code closing}, call {@code wakeup()} and read counters.
 *
 * <p>The consumer-per-thread strategy runs N of these in one group; the worker strategy's poll
 * thread extends the same loop with a dispatcher.
 */
public final class SingleThreadEngine implements ConsumerEngine {
  private static final Logger LOG = LoggerFactory.getLogger(SingleThreadEngine.class);
  private static final long SAMPLE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ConsumerSettings settings;
  private final RecordRunner runner;
  private final ConsumerFactory consumerFactory;
  private final EngineOptions options;
  private final LongSupplier nanoTime;
  private final OffsetLedger ledger;
  private final Committer committer;

  private final EngineLifecycle life;
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  /** Partitions whose head record waits for a retry or the breaker, with the records behind it. */
  private final Map<TopicPartition, Parked> parked = new HashMap<>();
  private volatile int pausedCount;
  private final Map<TopicPartition, Boolean> assigned = new ConcurrentHashMap<>();

  private volatile Consumer<byte[], byte[]> consumer;
  private volatile int topicPartitions;
  private volatile Map<TopicPartition, Long> recordsLag = Map.of();
  private Thread thread;
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
      ConsumerSettings settings,
      RecordRunner runner,
      ConsumerFactory consumerFactory,
      EngineOptions options,
      LongSupplier nanoTime,
      OffsetLedger ledger) {
    this.settings = settings;
    this.runner = runner;
    this.consumerFactory = consumerFactory;
    this.options = options;
    this.nanoTime = nanoTime;
    this.ledger = ledger;
    this.committer = new Committer(ledger, options.commitPolicy(), nanoTime, runner.telemetry());
    this.life = new EngineLifecycle(options.threadName());
  }

  @Override
  public synchronized void start() {
    life.beginStart();
    try {
      consumer = consumerFactory.create(settings.toConsumerConfig());
    } catch (RuntimeException e) {
      life.fail(e);
      life.stopped();
      throw e;
    }
    thread = new Thread(this::run, options.threadName());
    life.pollThread(thread);
    thread.start();
  }

  private void run() {
    Consumer<byte[], byte[]> c = consumer;
    try {
      int partitions = StartupCheck.awaitTopics(
          c, settings, options.missingTopics(), options.startupTimeout(), life.closeSignal());
      if (partitions < 0) {
        return; // closed while waiting
      }
      topicPartitions = partitions;
      c.subscribe(settings.topics(), new Listener());
      life.running();
      while (!life.closing()) {
        if (!runParked(c)) {
          break;
        }
        applyPauses(c);
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(pollTimeout());
        } catch (WakeupException e) {
          if (life.closing()) {
            break;
          }
          continue;
        }
        if (!handleBatch(c, records)) {
          break;
        }
        committer.maybeCommit(c);
        sampleClientMetrics(c);
      }
    } catch (WakeupException e) {
      // close() woke us inside a commit or rebalance: fall through to the final commit
    } catch (RuntimeException e) {
      life.fail(e);
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
    long now = nanoTime.getAsLong();
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

  /** Runs parked partitions whose wait is over; false when the engine must stop. */
  private boolean runParked(Consumer<byte[], byte[]> c) {
    if (parked.isEmpty()) {
      return true;
    }
    long now = nanoTime.getAsLong();
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
      if (life.closing()) {
        return Progress.STOP; // the rest is not handed out, so not committed: redelivered later
      }
      ConsumerRecord<byte[], byte[]> record = p.records.peekFirst();
      if (!p.headHandedOut) {
        ledger.handOut(tp, record.offset());
        inFlight.incrementAndGet();
        runner.telemetry().inFlight(tp, 1);
        p.headHandedOut = true;
      }
      RecordRunner.Outcome outcome = runner.run(record, p.state);
      switch (outcome.kind()) {
        case DONE, DEAD_LETTERED -> {
          p.records.pollFirst();
          p.state = null;
          p.headHandedOut = false;
          ledger.finish(tp, record.offset());
          inFlight.decrementAndGet();
          runner.telemetry().inFlight(tp, -1);
          if (outcome.kind() == RecordRunner.Kind.DONE) {
            handled.incrementAndGet();
          }
          committer.recordFinished(c);
        }
        case RETRY, WAIT -> {
          p.state = outcome.state();
          p.dueNanos = nanoTime.getAsLong() + outcome.delayNanos();
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
   * Pauses the parked partitions, and all assigned ones while the breaker is OPEN; resumes the
   * rest. Re-applied every round, so partitions assigned by a rebalance are paused too.
   */
  private void applyPauses(Consumer<byte[], byte[]> c) {
    boolean open = runner.breakerOpen();
    if (!open && parked.isEmpty() && pausedCount == 0) {
      return; // the usual round: nothing to pause, nothing paused (no copies of the assignment)
    }
    Set<TopicPartition> assignment = c.assignment();
    Set<TopicPartition> want = new HashSet<>();
    if (open) {
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

  /** Drops parked records of partitions that went away: they were not finished, so not committed. */
  private void unpark(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      Parked p = parked.remove(tp);
      if (p != null && p.headHandedOut) {
        inFlight.decrementAndGet();
        runner.telemetry().inFlight(tp, -1);
      }
    }
  }

  /** Copies the client's {@code records-lag} per partition, about once a second (poll thread). */
  private void sampleClientMetrics(Consumer<byte[], byte[]> c) {
    long now = nanoTime.getAsLong();
    if (now - lastSampleNanos < SAMPLE_EVERY_NANOS) {
      return;
    }
    lastSampleNanos = now;
    recordsLag = ClientMetrics.recordsLag(c);
  }

  private void finish(Consumer<byte[], byte[]> c) {
    try {
      committer.commitAllSync(c, life.closeTimeout());
    } finally {
      try {
        c.close(life.closeTimeout());
      } catch (RuntimeException e) {
        LOG.warn("closing the consumer failed: {}", e.toString());
      }
      assigned.clear();
      recordsLag = Map.of();
      runner.telemetry().paused(-pausedCount);
      pausedCount = 0;
      runner.close();
      life.stopped();
    }
  }

  @Override
  public void close(Duration timeout) {
    life.close(timeout, () -> {
      Consumer<byte[], byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    });
  }

  @Override
  public EngineState state() {
    return life.state();
  }

  @Override
  public Optional<Throwable> failure() {
    return life.failure();
  }

  @Override
  public EngineMetrics metrics() {
    EngineState s = life.state();
    int assignedNow = assigned.size();
    boolean running = s == EngineState.RUNNING;
    return new EngineMetrics(
        handled.get(),
        runner.failures(),
        inFlight.get(),
        committer.commits(),
        committer.failures(),
        committer.latencyAvgMillis(),
        committer.latencyMaxMillis(),
        1,
        running && assignedNow == 0 ? 1 : 0,
        0,
        topicPartitions,
        assignedNow,
        committer.committed(),
        recordsLag,
        runner.retries(),
        runner.deadLettered(),
        pausedCount);
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Runs inside poll() on the engine thread: nothing is in flight between records.
      unpark(partitions);
      committer.commitSync(consumer, ledger.revoke(partitions), life.closeTimeout());
      partitions.forEach(assigned::remove);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitions.forEach(tp -> assigned.put(tp, Boolean.TRUE));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      unpark(partitions);
      ledger.forget(partitions); // someone else may own them already: commit nothing
      partitions.forEach(assigned::remove);
    }
  }
}
