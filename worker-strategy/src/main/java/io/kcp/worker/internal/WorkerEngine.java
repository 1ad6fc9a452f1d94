package io.kcp.worker.internal;

import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineState;
import io.kcp.core.OffsetLedger;
import io.kcp.core.spi.ClientMetrics;
import io.kcp.core.spi.Committer;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.spi.StartupCheck;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerMetrics;
import io.kcp.worker.WorkerStrategyEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll thread, a pool of workers. The poll thread is the only one that touches the consumer,
 * the ledger and the dispatcher: it hands records out, starts them through the dispatcher (which
 * holds back records whose partition or key is busy), drains the workers' completions from a
 * queue, commits what the ledger calls safe, and pauses partitions whose backlog is over the
 * bound. It never blocks on a worker, so {@code max.poll.interval.ms} holds however slow the
 * handler is.
 *
 * <p>{@link Ordering#NAIVE} skips the ledger on purpose: it commits the polled offsets right after
 * {@code poll()} and hands everything to the pool.
 */
public final class WorkerEngine implements WorkerStrategyEngine {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerEngine.class);
  private static final long SAMPLE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** Longest wait for a completion before polling again while work is in flight. */
  private static final Duration BUSY_WAIT = Duration.ofMillis(5);

  /** What a worker reports back to the poll thread. */
  private record Completion(
      ConsumerRecord<byte[], byte[]> record,
      Dispatcher.Lane lane,
      int generation,
      RecordRunner.Outcome outcome,
      long waitNanos,
      long handlerNanos) {}

  /** A record waiting for its retry (or for the breaker); its lane stays busy meanwhile. */
  private record Scheduled(
      ConsumerRecord<byte[], byte[]> record,
      TopicPartition tp,
      int generation,
      RecordRunner.RetryState state,
      long dueNanos) {}

  private final ConsumerSettings settings;
  private final RecordRunner runner;
  private final ConsumerFactory consumerFactory;
  private final WorkerConfig config;
  private final LongSupplier nanoTime;
  private final OffsetLedger ledger;
  private final Committer committer;
  private final Dispatcher dispatcher;
  private final Semaphore permits;

  private final EngineLifecycle life;
  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong waitNanos = new AtomicLong();
  private final AtomicLong handlerNanos = new AtomicLong();
  private final AtomicLong naiveCommits = new AtomicLong();
  private final Map<TopicPartition, Boolean> assigned = new ConcurrentHashMap<>();

  // poll-thread state
  private final Map<TopicPartition, Integer> generation = new HashMap<>();
  private final Map<TopicPartition, Integer> running = new HashMap<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private final PriorityQueue<Scheduled> scheduled =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos(), b.dueNanos()));
  private boolean pausedForTotal;
  private long lastProbeNanos;
  private long lastSampleNanos;

  private volatile Consumer<byte[], byte[]> consumer;
  private volatile ExecutorService workers;
  private volatile int topicPartitions;
  private volatile int pausedCount;
  private volatile long backlogTotal;
  private volatile Map<TopicPartition, Long> recordsLag = Map.of();
  private volatile Map<TopicPartition, Integer> inFlightSnapshot = Map.of();
  private Thread pollThread;

  public WorkerEngine(
      ConsumerSettings settings,
      RecordRunner runner,
      ConsumerFactory consumerFactory,
      WorkerConfig config,
      LongSupplier nanoTime,
      OffsetLedger ledger) {
    this.settings = settings;
    this.runner = runner;
    this.consumerFactory = consumerFactory;
    this.config = config;
    this.nanoTime = nanoTime;
    this.ledger = ledger;
    this.committer = new Committer(ledger, config.commitPolicy(), nanoTime, runner.telemetry());
    this.dispatcher = new Dispatcher(config.ordering(), this::submit);
    this.permits = new Semaphore(config.concurrency());
    this.life = new EngineLifecycle(config.name());
  }

  @Override
  public synchronized void start() {
    life.beginStart();
    Map<String, Object> kafkaConfig = settings.toConsumerConfig();
    if (config.ordering() == Ordering.NAIVE) {
      LOG.warn("{}: NAIVE mode commits offsets right after poll, before processing, and runs"
          + " records in any order: records are LOST on a crash or rebalance and REORDERED."
          + " A teaching mode; do not use it for data you care about.", config.name());
    }
    try {
      consumer = consumerFactory.create(kafkaConfig);
      workers = Workers.create(config.concurrency(), config.virtualThreads(), config.name());
    } catch (RuntimeException e) {
      life.fail(e);
      life.stopped();
      throw e;
    }
    pollThread = new Thread(this::run, config.name() + "-poll");
    life.pollThread(pollThread);
    pollThread.start();
  }

  private void run() {
    Consumer<byte[], byte[]> c = consumer;
    try {
      int partitions = StartupCheck.awaitTopics(
          c, settings, config.missingTopics(), config.startupTimeout(), life.closeSignal());
      if (partitions < 0) {
        return;
      }
      topicPartitions = partitions;
      c.subscribe(settings.topics(), new Listener());
      life.running();
      while (!life.closing()) {
        if (!drainCompletions(c)) {
          break;
        }
        resubmitDue();
        if (config.ordering() != Ordering.NAIVE) {
          applyBackpressure(c);
        }
        // with work in flight, poll without blocking and wait on the completion queue instead:
        // a finished record then releases its lane's next one at once, not after a poll timeout
        boolean busy = inFlight.get() > 0;
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(busy ? Duration.ZERO : settings.pollTimeout());
        } catch (WakeupException e) {
          if (life.closing()) {
            break;
          }
          continue;
        }
        if (config.ordering() == Ordering.NAIVE) {
          naiveCommitThenSubmit(c, records);
        } else {
          for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            ledger.handOut(tp, r.offset());
            inFlight.incrementAndGet();
            runner.telemetry().consumed(tp, 1);
            runner.telemetry().inFlight(tp, 1);
            dispatcher.add(r);
          }
          committer.maybeCommit(c);
        }
        if (busy && records.isEmpty() && !awaitCompletion(c)) {
          break;
        }
        sample(c);
      }
    } catch (WakeupException e) {
      // close() woke us inside a commit or rebalance: fall through to the drain
    } catch (RuntimeException e) {
      life.fail(e);
    } finally {
      shutdown(c);
    }
  }

  /** The note's multi-worker consumer: commit what was polled, then hand it to the pool. */
  private void naiveCommitThenSubmit(Consumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> polled = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      polled.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
          (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    c.commitAsync(polled, (done, error) -> {
      if (error == null) {
        naiveCommits.incrementAndGet();
      }
    });
    for (ConsumerRecord<byte[], byte[]> r : records) {
      inFlight.incrementAndGet();
      dispatcher.add(r);
    }
  }

  /** Starts a record on a worker (called by the dispatcher, on the poll thread). */
  private void submit(ConsumerRecord<byte[], byte[]> r) {
    submit(r, null);
  }

  /**
   * Starts the records whose retry (or breaker wait) is due (poll thread). While the breaker is
   * OPEN only one record per {@link RecordRunner#BREAKER_RECHECK} goes to a worker, as a probe
   * (it moves a breaker without automatic transition to HALF_OPEN when its wait is over); the
   * others are not even attempted.
   */
  private void resubmitDue() {
    long now = nanoTime.getAsLong();
    boolean open = runner.breakerOpen();
    if (open && now - lastProbeNanos < RecordRunner.BREAKER_RECHECK.toNanos()) {
      return;
    }
    Scheduled next;
    while ((next = scheduled.peek()) != null && next.dueNanos() <= now) {
      scheduled.poll();
      submit(next.record(), next.state());
      if (open) {
        lastProbeNanos = now;
        return;
      }
    }
  }

  /** A record that must wait: its lane stays busy, so later records of its lane wait too. */
  private void schedule(ConsumerRecord<byte[], byte[]> r, TopicPartition tp, int gen, RecordRunner.Outcome o) {
    scheduled.add(new Scheduled(r, tp, gen, o.state(), nanoTime.getAsLong() + o.delayNanos()));
  }

  private void submit(ConsumerRecord<byte[], byte[]> r, RecordRunner.RetryState state) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    Dispatcher.Lane lane = dispatcher.laneOf(r);
    int gen = generation.getOrDefault(tp, 0);
    running.merge(tp, 1, Integer::sum);
    long queuedAt = nanoTime.getAsLong();
    workers.execute(() -> {
      RecordRunner.Outcome outcome = null;
      long startedAt = queuedAt;
      boolean acquired = false;
      try {
        permits.acquire(); // the concurrency bound, for virtual threads as for a platform pool
        acquired = true;
        startedAt = nanoTime.getAsLong();
        outcome = runner.run(r, state);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (acquired) {
          permits.release();
        }
        completions.add(new Completion(r, lane, gen, outcome, startedAt - queuedAt,
            nanoTime.getAsLong() - startedAt));
      }
    });
  }

  /** Waits up to {@link #BUSY_WAIT} for one completion and applies it; false on a failed record. */
  private boolean awaitCompletion(Consumer<byte[], byte[]> c) {
    try {
      long wait = BUSY_WAIT.toNanos();
      Scheduled next = scheduled.peek();
      if (next != null && !runner.breakerOpen()) {
        wait = Math.max(0, Math.min(wait, next.dueNanos() - nanoTime.getAsLong()));
      }
      Completion done = completions.poll(wait, TimeUnit.NANOSECONDS);
      return done == null || apply(c, done);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Applies every completion waiting; false when a record failed and the engine must stop. */
  private boolean drainCompletions(Consumer<byte[], byte[]> c) {
    Completion done;
    boolean ok = true;
    while ((done = completions.poll()) != null) {
      ok &= apply(c, done);
    }
    return ok;
  }

  private boolean apply(Consumer<byte[], byte[]> c, Completion done) {
    ConsumerRecord<byte[], byte[]> r = done.record();
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    running.computeIfPresent(tp, (k, v) -> v <= 1 ? null : v - 1);
    waitNanos.addAndGet(done.waitNanos());
    handlerNanos.addAndGet(done.handlerNanos());
    RecordRunner.Outcome outcome = done.outcome();
    boolean current = done.generation() == generation.getOrDefault(tp, 0);
    RecordRunner.Kind kind = outcome == null ? RecordRunner.Kind.INTERRUPTED : outcome.kind();
    if (kind == RecordRunner.Kind.RETRY || kind == RecordRunner.Kind.WAIT) {
      if (current) {
        schedule(r, tp, done.generation(), outcome);
        return true;
      }
      kind = RecordRunner.Kind.INTERRUPTED; // its partition went away meanwhile: let it go
    }
    inFlight.decrementAndGet();
    runner.telemetry().inFlight(tp, -1);
    if (kind == RecordRunner.Kind.FAILED) {
      life.fail(outcome.error());
      return false; // its offset never finishes: nothing at or past it is committed
    }
    if (kind == RecordRunner.Kind.INTERRUPTED) {
      return true; // not finished: stays uncommitted
    }
    if (kind == RecordRunner.Kind.DONE) {
      handled.incrementAndGet();
    }
    if (config.ordering() == Ordering.NAIVE) {
      return true;
    }
    if (current) {
      dispatcher.finished(done.lane());
    }
    if (ledger.finish(tp, r.offset())) {
      committer.recordFinished(c);
    }
    return true;
  }

  /**
   * Pauses partitions whose backlog (in flight plus finished ones waiting behind an unfinished one)
   * reached the per-partition bound, and every partition while the total backlog reached
   * {@code maxInFlight}; resumes them at half. Paused partitions are still polled (poll returns
   * nothing for them), so the consumer stays in the group. The total backlog can pass the bound
   * by at most one poll's records ({@code max.poll.records}): that, plus what finished but was not
   * committed yet, is what a crash can re-deliver.
   */
  private void applyBackpressure(Consumer<byte[], byte[]> c) {
    long total = 0;
    for (TopicPartition tp : ledger.partitions()) {
      total += ledger.backlog(tp);
    }
    pausedForTotal = pausedForTotal ? total > config.maxInFlight() / 2 : total >= config.maxInFlight();
    boolean breakerOpen = runner.breakerOpen();
    int hi = config.maxInFlightPerPartition();
    List<TopicPartition> toPause = new ArrayList<>();
    List<TopicPartition> toResume = new ArrayList<>();
    for (TopicPartition tp : assigned.keySet()) {
      int backlog = ledger.backlog(tp);
      boolean isPaused = paused.contains(tp);
      boolean want = breakerOpen || pausedForTotal || backlog >= hi || (isPaused && backlog > hi / 2);
      if (want && !isPaused) {
        toPause.add(tp);
      } else if (!want && isPaused) {
        toResume.add(tp);
      }
    }
    if (!toPause.isEmpty()) {
      c.pause(toPause);
      paused.addAll(toPause);
    }
    if (!toResume.isEmpty()) {
      c.resume(toResume);
      paused.removeAll(toResume);
    }
    runner.telemetry().paused(paused.size() - pausedCount);
    pausedCount = paused.size();
    backlogTotal = total;
  }

  private void sample(Consumer<byte[], byte[]> c) {
    long now = nanoTime.getAsLong();
    if (now - lastSampleNanos < SAMPLE_EVERY_NANOS) {
      return;
    }
    lastSampleNanos = now;
    if (config.ordering() != Ordering.NAIVE) {
      Map<TopicPartition, Integer> snap = new HashMap<>();
      for (TopicPartition tp : ledger.partitions()) {
        int n = ledger.inFlight(tp);
        if (n > 0) {
          snap.put(tp, n);
        }
      }
      inFlightSnapshot = Map.copyOf(snap);
    }
    recordsLag = ClientMetrics.recordsLag(c);
  }

  /**
   * Waits (bounded) for records of {@code partitions} that are running; records that only wait
   * in the dispatcher were dropped before, so they never start.
   */
  private void awaitRunning(Consumer<byte[], byte[]> c, Collection<TopicPartition> partitions, Duration timeout) {
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    while (partitions.stream().anyMatch(running::containsKey)) {
      long left = deadline - nanoTime.getAsLong();
      if (left <= 0) {
        LOG.warn("{}: records of {} still running after {}; their offsets stay uncommitted",
            config.name(), partitions, timeout);
        return;
      }
      try {
        Completion done = completions.poll(left, TimeUnit.NANOSECONDS);
        if (done != null) {
          apply(c, done);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void shutdown(Consumer<byte[], byte[]> c) {
    try {
      dispatcher.clear(); // waiting records never start; they stay uncommitted
      scheduled.clear(); // nor do records waiting for a retry
      Collection<TopicPartition> all = new ArrayList<>(running.keySet());
      if (config.ordering() == Ordering.NAIVE) {
        workers.shutdown(); // naive: let the pool run what it holds
        awaitTermination(life.closeTimeout());
      } else {
        awaitRunning(c, all, life.closeTimeout());
        drainCompletions(c);
        committer.commitAllSync(c, life.closeTimeout());
      }
    } catch (RuntimeException e) {
      life.fail(e);
    } finally {
      workers.shutdownNow();
      runner.close();
      runner.telemetry().paused(-pausedCount);
      pausedCount = 0;
      try {
        c.close(life.closeTimeout());
      } catch (RuntimeException e) {
        LOG.warn("closing the consumer failed: {}", e.toString());
      }
      assigned.clear();
      recordsLag = Map.of();
      inFlightSnapshot = Map.of();
      life.stopped();
    }
  }

  private void awaitTermination(Duration timeout) {
    try {
      workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
    boolean naive = config.ordering() == Ordering.NAIVE;
    int assignedNow = assigned.size();
    return new EngineMetrics(
        handled.get(),
        runner.failures(),
        inFlight.get(),
        naive ? naiveCommits.get() : committer.commits(),
        committer.failures(),
        committer.latencyAvgMillis(),
        committer.latencyMaxMillis(),
        1,
        life.state() == EngineState.RUNNING && assignedNow == 0 ? 1 : 0,
        0,
        topicPartitions,
        assignedNow,
        committer.committed(),
        recordsLag,
        runner.retries(),
        runner.deadLettered(),
        pausedCount);
  }

  @Override
  public WorkerMetrics workerMetrics() {
    long done = runner.attempts();
    return new WorkerMetrics(
        config.ordering(),
        config.concurrency(),
        config.virtualThreads(),
        pausedCount,
        backlogTotal,
        inFlightSnapshot,
        done == 0 ? 0 : waitNanos.get() / 1e6 / done,
        done == 0 ? 0 : handlerNanos.get() / 1e6 / done);
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // inside poll(), on the poll thread: stop starting their records, let the running ones
      // finish (bounded), commit what finished, then let go
      forgetLanes(partitions);
      if (config.ordering() != Ordering.NAIVE) {
        awaitRunning(consumer, partitions, config.drainTimeout());
        committer.commitSync(consumer, ledger.revoke(partitions), life.closeTimeout());
      }
      partitions.forEach(assigned::remove);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitions.forEach(tp -> assigned.put(tp, Boolean.TRUE));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forgetLanes(partitions);
      ledger.forget(partitions); // someone else may own them already: commit nothing
      partitions.forEach(assigned::remove);
    }

    private void forgetLanes(Collection<TopicPartition> partitions) {
      dispatcher.drop(partitions);
      scheduled.removeIf(s -> {
        if (partitions.contains(s.tp())) {
          inFlight.decrementAndGet(); // waiting for a retry: not finished, stays uncommitted
          runner.telemetry().inFlight(s.tp(), -1);
          return true;
        }
        return false;
      });
      paused.removeAll(partitions);
      for (TopicPartition tp : partitions) {
        generation.merge(tp, 1, Integer::sum);
      }
    }
  }
}
