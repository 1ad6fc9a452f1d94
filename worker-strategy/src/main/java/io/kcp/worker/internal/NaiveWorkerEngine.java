package io.kcp.worker.internal;

import io.kcp.core.spi.Workers;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.EngineConfig;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineState;
import io.kcp.core.spi.ClientMetrics;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.Failures;
import io.kcp.core.spi.Listeners;
import io.kcp.core.spi.PollLoopEngine;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.spi.StartupCheck;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerMetrics;
import io.kcp.worker.WorkerStrategyEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
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
 * {@link Ordering#NAIVE}: the note's multi-worker consumer, kept on purpose and in a room of its
 * own so that no production engine carries its shortcuts. After each {@code poll()} it commits the
 * polled offsets — before anything was processed — and hands every record to a plain pool, in any
 * order; a worker sleeps through a failing record's retries. When partitions are revoked or lost it
 * abandons their queued records (another member may own them now) at once — those still in a fixed
 * pool's queue are taken out of it, those waiting for a permit (virtual threads) give up waiting —
 * without waiting for the running ones and without taking back the offsets it committed. Which
 * partitions a rebalance revokes is the assignor's choice: with a cooperative assignor only those
 * that move; with an eager one all of them, so the queued records of the partitions it keeps are
 * abandoned too. So records are <b>lost</b> when the process dies
 * or partitions move with work still queued, and records of one key are <b>reordered</b> when
 * workers finish at different speeds. Only its memory is bounded: polling pauses while {@code
 * maxInFlight} records are queued.
 */
public final class NaiveWorkerEngine extends PollLoopEngine implements WorkerStrategyEngine {
  private static final Logger LOG = LoggerFactory.getLogger(NaiveWorkerEngine.class);

  private final EngineConfig config;
  private final WorkerConfig worker;
  private final RecordRunner runner;
  private final Workers workers;
  /** Virtual threads: bounds them like a pool; null for a fixed pool, which bounds itself. */
  private final Permits permits;

  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong commitFailures = new AtomicLong();
  private final Map<TopicPartition, Boolean> assigned = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
  /** Per partition: bumped when it is revoked or lost; a queued record of an older epoch is abandoned. */
  private final Map<TopicPartition, AtomicLong> epochs = new ConcurrentHashMap<>();
  /** Per partition: records queued in the pool and not started. */
  private final Map<TopicPartition, AtomicLong> queued = new ConcurrentHashMap<>();
  private final AtomicLong abandoned = new AtomicLong();
  private volatile ExecutorService executor;
  private volatile int topicPartitions;
  private volatile boolean paused;
  private volatile Map<TopicPartition, Long> recordsLag = Map.of();

  public NaiveWorkerEngine(PollLoopSpec spec, WorkerConfig worker, RecordRunner runner,
      ConsumerFactory consumerFactory, EngineLifecycle life, Workers workers) {
    super(spec, consumerFactory, life);
    this.config = spec.config();
    this.worker = worker;
    this.runner = runner;
    this.workers = workers;
    this.permits = workers.bounded() ? null : new Permits(worker.concurrency());
  }

  @Override
  protected void beforePolling() {
    LOG.warn("{}: NAIVE mode commits offsets right after poll, before processing, and runs records"
        + " in any order: records are LOST on a crash or rebalance and REORDERED. A teaching mode;"
        + " do not use it for data you care about.", spec.name());
    executor = workers.start(worker.concurrency(), spec.name());
  }

  @Override
  protected String pollThreadName() {
    return spec.name() + "-poll";
  }

  @Override
  protected void pollLoop() {
    Consumer<byte[], byte[]> c = consumer;
    try {
      int count = StartupCheck.awaitTopics(
          c, config.settings(), config.missingTopics(), config.startupTimeout(), life.closeSignal());
      if (count < 0) {
        return;
      }
      topicPartitions = count;
      c.subscribe(config.settings().topics(), new Listener());
      life.running();
      while (!life.stopRequested()) {
        applyBound(c);
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(config.settings().pollTimeout());
        } catch (WakeupException e) {
          continue;
        }
        commitThenSubmit(c, records);
        recordsLag = ClientMetrics.recordsLag(c);
      }
    } catch (WakeupException e) {
      // close() woke us inside a commit
    } catch (Throwable e) {
      life.fail(Failures.explain(e, spec));
    } finally {
      shutdown(c);
    }
  }

  /** Pauses everything while {@code maxInFlight} records are queued; resumes at half. */
  private void applyBound(Consumer<byte[], byte[]> c) {
    long n = inFlight.get();
    boolean want = paused ? n > worker.maxInFlight() / 2 : n >= worker.maxInFlight();
    if (want != paused) {
      if (want) {
        c.pause(c.assignment());
      } else {
        c.resume(c.assignment());
      }
      paused = want;
    }
  }

  /** The note's multi-worker consumer: commit what was polled, then hand it to the pool. */
  private void commitThenSubmit(Consumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> polled = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      polled.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
      runner.telemetry().consumed(tp, list.size());
    }
    c.commitAsync(polled, (done, error) -> {
      if (error == null) {
        commits.incrementAndGet();
        done.forEach((tp, om) -> committed.merge(tp, om.offset(), Math::max));
      } else {
        commitFailures.incrementAndGet();
      }
    });
    for (TopicPartition tp : records.partitions()) {
      long epoch = epoch(tp).get();
      AtomicLong waiting = queued.computeIfAbsent(tp, k -> new AtomicLong());
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        inFlight.incrementAndGet();
        waiting.incrementAndGet();
        executor.execute(new Queued(r, tp, epoch, waiting));
      }
    }
  }

  /** One polled record handed to the pool; a fixed pool's queue holds these until a worker is free. */
  private final class Queued implements Runnable {
    final ConsumerRecord<byte[], byte[]> record;
    final TopicPartition tp;
    final long epoch;
    final AtomicLong waiting;

    Queued(ConsumerRecord<byte[], byte[]> record, TopicPartition tp, long epoch, AtomicLong waiting) {
      this.record = record;
      this.tp = tp;
      this.epoch = epoch;
      this.waiting = waiting;
    }

    boolean stale() {
      return epoch(tp).get() != epoch;
    }

    @Override
    public void run() {
      handle(record, tp, epoch, waiting);
    }
  }

  private AtomicLong epoch(TopicPartition tp) {
    return epochs.computeIfAbsent(tp, k -> new AtomicLong());
  }

  /**
   * On a worker: the record's attempts, sleeping through the backoffs — unless its partition was
   * revoked or lost since it was queued: then it is abandoned, its offset long committed.
   */
  private void handle(ConsumerRecord<byte[], byte[]> r, TopicPartition tp, long epoch, AtomicLong waiting) {
    boolean permitted = false;
    boolean started = false;
    try {
      // abandoned while queued: do not wait for a permit behind running and retrying records
      if (epoch(tp).get() != epoch) {
        abandoned.incrementAndGet();
        return;
      }
      if (permits != null) {
        permitted = permits.acquire(() -> epoch(tp).get() != epoch);
        if (!permitted) { // abandoned while waiting for one
          abandoned.incrementAndGet();
          return;
        }
      }
      waiting.decrementAndGet();
      started = true;
      if (epoch(tp).get() != epoch) {
        abandoned.incrementAndGet();
        return;
      }
      RecordRunner.RetryState state = null;
      while (true) {
        RecordRunner.Outcome o = runner.run(r, state);
        switch (o.kind()) {
          case DONE -> {
            handled.incrementAndGet();
            return;
          }
          case DEAD_LETTERED, INTERRUPTED -> {
            return;
          }
          case FAILED -> {
            life.fail(o.error());
            wakeup();
            return;
          }
          default -> {
            state = o.state();
            TimeUnit.NANOSECONDS.sleep(o.delayNanos());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      life.fail(e); // the runner's own machinery threw: stop, visibly
      wakeup();
    } finally {
      if (!started) {
        waiting.decrementAndGet();
      }
      if (permitted) {
        permits.release();
      }
      inFlight.decrementAndGet();
    }
  }

  /**
   * Abandons the queued records of partitions this member no longer owns, at once: it takes them
   * out of a fixed pool's queue and wakes those waiting for a permit. Commits nothing back.
   */
  private void abandon(Collection<TopicPartition> partitions, String how) {
    long waiting = 0;
    for (TopicPartition tp : partitions) {
      epoch(tp).incrementAndGet();
      AtomicLong q = queued.get(tp);
      waiting += q == null ? 0 : q.get();
    }
    if (executor instanceof ThreadPoolExecutor pool) {
      // a task removed here never runs; one a worker took first checks its epoch itself
      List<Queued> stale = new ArrayList<>();
      for (Runnable task : pool.getQueue()) {
        if (task instanceof Queued q && q.stale()) {
          stale.add(q);
        }
      }
      for (Queued q : stale) {
        if (pool.remove(q)) {
          q.waiting.decrementAndGet();
          inFlight.decrementAndGet();
          abandoned.incrementAndGet();
        }
      }
    }
    if (permits != null) {
      permits.recheck();
    }
    if (waiting > 0) {
      LOG.warn("{}: NAIVE: {} partitions {}: abandoning their ~{} queued records, whose offsets were"
          + " committed at poll: they are LOST", spec.name(), partitions.size(), how, waiting);
    }
  }

  /**
   * On a close, lets the pool run what it holds (bounded by the close timeout); on a failure,
   * stops it at once. Then closes the consumer.
   */
  private void shutdown(Consumer<byte[], byte[]> c) {
    ExecutorService ex = executor;
    try {
      if (life.state() == EngineState.FAILED) {
        ex.shutdownNow();
      } else {
        ex.shutdown();
      }
      if (!ex.awaitTermination(life.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{}: {} records still queued or running after {}", spec.name(), inFlight.get(),
            life.closeTimeout());
      }
      if (abandoned.get() > 0) {
        LOG.warn("{}: NAIVE: abandoned {} queued records of revoked or lost partitions after"
            + " committing them: LOST", spec.name(), abandoned.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ex.shutdownNow();
      try {
        c.close(life.closeTimeout());
      } catch (RuntimeException e) {
        LOG.warn("{}: closing the consumer failed: {}", spec.name(), e.toString());
      }
      assigned.clear();
      recordsLag = Map.of();
      runner.close();
      life.stopped();
    }
  }


  @Override
  public EngineMetrics metrics() {
    int assignedNow = assigned.size();
    return metrics(runner, handled.get(), assignedNow, topicPartitions, recordsLag, paused ? assignedNow : 0)
        .inFlight(inFlight.get()).commits(commits.get()).commitFailures(commitFailures.get())
        .committedOffsets(committed).build();
  }

  @Override
  public WorkerMetrics workerMetrics() {
    return new WorkerMetrics(Ordering.NAIVE, worker.concurrency(), worker.virtualThreads(),
        paused ? assigned.size() : 0,
        inFlight.get(), Map.of(), 0, 0);
  }

  /**
   * A counting semaphore whose waiters give up when they are abandoned: {@link #recheck} wakes
   * them to look. A lock and condition rather than {@code synchronized}, so a waiting virtual
   * thread does not pin its carrier.
   */
  private static final class Permits {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int free;

    Permits(int permits) {
      this.free = permits;
    }

    /** Takes a permit, or returns false as soon as {@code abandoned} holds. */
    boolean acquire(BooleanSupplier abandoned) throws InterruptedException {
      lock.lock();
      try {
        while (free == 0) {
          if (abandoned.getAsBoolean()) {
            return false;
          }
          changed.await();
        }
        if (abandoned.getAsBoolean()) {
          if (free > 0) {
            changed.signal(); // pass on the wake-up a release meant for a waiter
          }
          return false;
        }
        free--;
        return true;
      } finally {
        lock.unlock();
      }
    }

    void release() {
      lock.lock();
      try {
        free++;
        changed.signal();
      } finally {
        lock.unlock();
      }
    }

    /** Wakes every waiter to check whether it was abandoned. */
    void recheck() {
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Naive: a revoke drops the partitions' queued work — the records belong to another member now —
   * and neither waits for running records nor takes back a committed offset.
   */
  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      partitions.forEach(assigned::remove);
      abandon(partitions, "revoked");
      Listeners.revoked(config.listener(), partitions, Duration.ZERO, spec.name());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitions.forEach(tp -> assigned.put(tp, Boolean.TRUE));
      if (paused) {
        consumer.pause(new ArrayList<>(partitions));
      }
      Listeners.assigned(config.listener(), partitions, consumer, spec.name());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(assigned::remove);
      abandon(partitions, "lost");
      Listeners.lost(config.listener(), partitions, spec.name());
    }
  }
}
