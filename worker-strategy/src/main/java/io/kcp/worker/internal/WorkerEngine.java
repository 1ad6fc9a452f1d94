package io.kcp.worker.internal;

import io.kcp.core.spi.Workers;
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
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerMetrics;
import io.kcp.worker.WorkerStrategyEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * One poll thread, a pool of workers, records run in the order a {@link Dispatcher} allows. The
 * poll thread is the only one that touches the consumer, the ledger and the lanes: it hands
 * records out, starts those their lane admits, takes the workers' completed {@link Work} from a
 * queue, commits what the ledger calls safe, and pauses partitions whose backlog is over the
 * bound. It never blocks on a worker, so {@code max.poll.interval.ms} holds however slow the
 * handler is.
 *
 * <p>What the engine holds returns to nothing by itself: the records in flight are the ledger's
 * (a revoked, lost or reset partition's records leave it with the partition), a queued record of a
 * partition the engine no longer owns is cancelled when a worker picks it up (its {@link
 * PartitionState#epoch}), and a revoke waits only for the records actually running. Every way out
 * of the loop — a close, a failed record, an exception from the consumer — goes through {@link
 * #shutdown}: drain (bounded, once), commit, close the consumer, CLOSED or FAILED.
 */
public final class WorkerEngine extends PollLoopEngine implements WorkerStrategyEngine, Work.Runner {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerEngine.class);
  private static final long SAMPLE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** Longest wait for a completion before polling again while work is running. */
  private static final long BUSY_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  /** Longest single wait while draining, so that the drain's clock is read often. */
  private static final long DRAIN_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** The engine a worker thread is running a record for: a handler's close() must not wait. */
  private static final ThreadLocal<WorkerEngine> WORKING_FOR = new ThreadLocal<>();
  /**
   * While records take less than this on average, a worker gets up to {@link #MAX_BATCH} of them
   * per submission: one wake-up instead of one per record, which is most of a fast handler's cost.
   */
  private static final long BATCH_BELOW_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
  private static final int MAX_BATCH = 32;

  private final EngineConfig config;
  private final ConsumerSettings settings;
  private final WorkerConfig worker;
  private final EngineListener listener;
  private final RecordRunner runner;
  private final NanoClock clock;
  private final OffsetLedger ledger;
  private final Committer committer;
  private final Dispatcher dispatcher;
  private final Workers workers;
  private final Semaphore permits;

  private final Completions completions = new Completions();
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong waitNanos = new AtomicLong();
  private final AtomicLong handlerNanos = new AtomicLong();
  private final Map<TopicPartition, Boolean> assigned = new ConcurrentHashMap<>();

  // poll-thread state
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  private final PriorityQueue<Work> scheduled =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
  private final List<TopicPartition> toPause = new ArrayList<>();
  private final List<TopicPartition> toResume = new ArrayList<>();
  private int outstanding; // submitted to the workers, completion not applied yet
  /** Records admitted to start, not submitted yet: every caller that fills it dispatches it. */
  private final List<Work> ready = new ArrayList<>();
  /** Records per submission: 1, or {@link #MAX_BATCH} while the handler is fast (see sample). */
  private int batchSize = 1;
  private int probes; // records tried while the breaker is not CLOSED, not completed yet
  private int pausedNow;
  private boolean pausedForTotal;
  private boolean shuttingDown;
  private boolean finalCommitDone;
  private long lastProbeNanos;
  private long lastSampleNanos;

  private volatile ExecutorService executor;
  private volatile int topicPartitions;
  private volatile int pausedCount;
  private volatile long inFlightNow;
  private volatile long backlogTotal;
  private volatile Map<TopicPartition, Long> recordsLag = Map.of();
  private volatile Map<TopicPartition, Integer> inFlightSnapshot = Map.of();

  public WorkerEngine(
      PollLoopSpec spec,
      WorkerConfig worker,
      RecordRunner runner,
      ConsumerFactory consumerFactory,
      NanoClock clock,
      OffsetLedger ledger,
      Committer committer,
      EngineLifecycle life,
      Dispatcher dispatcher,
      Workers workers) {
    super(spec, consumerFactory, life);
    this.config = spec.config();
    this.settings = config.settings();
    this.worker = worker;
    this.listener = config.listener();
    this.runner = runner;
    this.clock = clock;
    this.ledger = ledger;
    this.committer = committer;
    this.dispatcher = dispatcher;
    this.workers = workers;
    this.permits = workers.bounded() ? null : new Semaphore(worker.concurrency());
  }

  @Override
  protected void beforePolling() {
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
          c, settings, config.missingTopics(), config.startupTimeout(), life.closeSignal());
      if (count < 0) {
        return;
      }
      topicPartitions = count;
      c.subscribe(settings.topics(), new Listener());
      life.running();
      while (!life.stopRequested()) {
        if (!drainCompletions(c)) {
          break;
        }
        resubmitDue();
        applyPauses(c);
        // with work running, poll without blocking and wait on the completion queue instead:
        // a finished record then releases its lane's next one at once, not after a poll timeout
        boolean busy = outstanding > 0;
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(busy ? Duration.ZERO : idlePollTimeout());
        } catch (WakeupException e) {
          continue; // close() woke us: the loop condition says whether to stop
        }
        if (life.stopRequested()) {
          break; // failed inside the poll (a revoke's drain): hand nothing more out
        }
        handOut(records);
        committer.maybeCommit(c);
        if (busy && records.isEmpty() && !awaitCompletion(c)) {
          break;
        }
        sample(c);
      }
    } catch (WakeupException e) {
      // close() woke us inside a commit or rebalance: fall through to the drain
    } catch (Throwable e) {
      life.fail(Failures.explain(e, spec));
    } finally {
      shutdown(c);
    }
  }

  /**
   * The poll timeout while nothing runs, shortened so that a scheduled retry starts when due (and,
   * while the breaker is OPEN, not before its next probe may go).
   */
  private Duration idlePollTimeout() {
    Duration max = settings.pollTimeout();
    Work next = scheduled.peek();
    if (next == null) {
      return max;
    }
    long startAt = next.dueNanos;
    if (runner.breakerOpen()) {
      startAt = Math.max(startAt, lastProbeNanos + RecordRunner.BREAKER_RECHECK.toNanos());
    }
    long wait = Math.max(0, startAt - clock.nanoTime());
    return wait < max.toNanos() ? Duration.ofNanos(wait) : max;
  }

  /** Hands out a batch: ledger first, then the lanes, which start what they admit. */
  private void handOut(ConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) {
      return;
    }
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      PartitionState ps = partitions.computeIfAbsent(tp, this::newPartition);
      movedBack(ps, list.get(0).offset());
      runner.telemetry().consumed(tp, list.size());
      runner.telemetry().inFlight(tp, list.size());
      for (ConsumerRecord<byte[], byte[]> r : list) {
        int generation = ledger.handOut(tp, r.offset());
        Work work = new Work(this, r, ps, generation);
        if (ps.lanes.admit(work)) {
          ready.add(work);
        }
      }
    }
    dispatchReady();
    inFlightNow = ledger.inFlight();
  }

  /**
   * Submits the records admitted to start: one by one, or in batches of up to {@link #batchSize}
   * that one worker runs in turn (records of different lanes: any order among them is allowed).
   */
  private void dispatchReady() {
    int n = ready.size();
    if (n == 0 || life.stopRequested()) {
      return; // FAILED or closing: hand nothing more out; the shutdown forgets what stays here
    }
    if (batchSize == 1 || n == 1) {
      for (int i = 0; i < n; i++) {
        submit(ready.get(i));
      }
    } else {
      // spread over as many workers as the batch size allows, no more
      int batches = (n + batchSize - 1) / batchSize;
      for (int b = 0; b < batches; b++) {
        int from = b * n / batches;
        int to = (b + 1) * n / batches;
        submit(new Batch(ready.subList(from, to).toArray(new Work[0])));
      }
    }
    ready.clear();
  }

  /** Records one worker runs in turn. */
  private final class Batch implements Runnable {
    private final Work[] works;

    Batch(Work[] works) {
      this.works = works;
    }

    @Override
    public void run() {
      for (Work w : works) {
        runOnWorker(w);
      }
    }
  }

  private void submit(Batch batch) {
    long now = clock.nanoTime();
    for (Work w : batch.works) {
      w.queuedAt = now;
    }
    outstanding += batch.works.length;
    try {
      executor.execute(batch);
    } catch (RejectedExecutionException e) {
      outstanding -= batch.works.length; // shutting down: they stay unfinished, so uncommitted
      for (Work w : batch.works) {
        if (w.probe) {
          w.probe = false;
          probes--;
        }
      }
    }
  }

  private PartitionState newPartition(TopicPartition tp) {
    return new PartitionState(tp, dispatcher.newLanes());
  }

  /**
   * When the consumer's position of a partition moved back (a seek, or {@code auto.offset.reset}
   * after the log was truncated), the partition starts over: its waiting records are cancelled,
   * its ledger is reset, and the records from the new position are handed out again. Records of
   * it still running finish, but no longer count.
   */
  private void movedBack(PartitionState ps, long first) {
    OptionalLong last = ledger.lastHandedOut(ps.tp);
    if (last.isEmpty() || first > last.getAsLong()) {
      return;
    }
    LOG.warn("{}: the position of {} moved back from {} to {} (a seek, or auto.offset.reset after"
        + " the log was truncated): its records from {} on are handled again", spec.name(), ps.tp,
        last.getAsLong() + 1, first, first);
    ps.cancelWaiting();
    // its records still running would overlap their own re-deliveries (two of one lane at once):
    // let them finish first, as a revoke would
    awaitRunning(consumer, List.of(ps), config.drainTimeout());
    runner.telemetry().inFlight(ps.tp, -ledger.inFlight(ps.tp));
    ledger.reset(ps.tp);
  }

  private void submit(Work work) {
    work.queuedAt = clock.nanoTime();
    outstanding++;
    try {
      executor.execute(work);
    } catch (RejectedExecutionException e) {
      outstanding--; // shutting down: it stays unfinished, so uncommitted
      if (work.probe) {
        work.probe = false;
        probes--;
      }
    }
  }

  /** On a worker: the gate, the record, then the completion. */
  @Override
  public void runOnWorker(Work work) {
    PartitionState ps = work.partition;
    boolean permitted = false;
    long started = clock.nanoTime();
    try {
      if (permits != null) {
        permits.acquire(); // the concurrency bound, for virtual threads
        permitted = true;
        started = clock.nanoTime();
      }
      ps.running.incrementAndGet();
      WORKING_FOR.set(this);
      try {
        if (!work.current() || life.stopRequested()) {
          // its partition was revoked, lost or reset, or the engine failed or is closing: never
          // start it (it stays uncommitted)
          work.cancelled = true;
        } else {
          work.outcome = runner.run(work.record(), work.state);
        }
      } catch (Throwable e) {
        work.outcome = RecordRunner.Outcome.failed(e); // the runner's own machinery threw
      } finally {
        WORKING_FOR.remove();
        long ended = clock.nanoTime();
        work.waitNanos = started - work.queuedAt;
        work.handlerNanos = ended - started;
        completions.add(work); // before running drops: a drain that saw 0 finds it queued
        ps.running.decrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      work.cancelled = true; // shut down while waiting for a permit
      completions.add(work);
    } finally {
      if (permitted) {
        permits.release();
      }
    }
  }

  /**
   * Starts the records whose retry (or breaker wait) is due. While the breaker is OPEN, one per
   * {@link RecordRunner#BREAKER_RECHECK} goes to a worker, to ask it (it moves a breaker without
   * automatic transition to HALF_OPEN when its wait is over); while HALF_OPEN, no more at a time
   * than the trials it permits. The others are not even attempted.
   */
  private void resubmitDue() {
    if (scheduled.isEmpty()) {
      return;
    }
    long now = clock.nanoTime();
    boolean open = runner.breakerOpen();
    boolean halfOpen = !open && runner.breakerHalfOpen();
    if (open && now - lastProbeNanos < RecordRunner.BREAKER_RECHECK.toNanos()) {
      return;
    }
    Work next;
    while ((next = scheduled.peek()) != null && next.dueNanos <= now) {
      if (halfOpen && probes >= runner.halfOpenTrials()) {
        return;
      }
      scheduled.poll();
      if (!next.current()) {
        continue; // its partition went away meanwhile
      }
      if (open || halfOpen) {
        next.probe = true;
        probes++;
      }
      submit(next);
      if (open) {
        lastProbeNanos = now;
        return;
      }
    }
  }

  /** Waits a little for one completion and applies it; false on a failed record. */
  private boolean awaitCompletion(Consumer<byte[], byte[]> c) {
    long wait = BUSY_WAIT_NANOS;
    Work next = scheduled.peek();
    if (next != null && runner.breakerClosed()) {
      wait = Math.max(0, Math.min(wait, next.dueNanos - clock.nanoTime()));
    }
    try {
      Work done = completions.poll(wait, TimeUnit.NANOSECONDS);
      boolean ok = done == null || apply(c, done);
      dispatchReady();
      return ok;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Applies every completion waiting; false when a record failed and the engine must stop. */
  private boolean drainCompletions(Consumer<byte[], byte[]> c) {
    Work done;
    boolean ok = true;
    while ((done = completions.poll()) != null) {
      ok &= apply(c, done);
    }
    dispatchReady();
    inFlightNow = ledger.inFlight();
    return ok;
  }

  /** One completion, on the poll thread; false when the engine must stop. */
  private boolean apply(Consumer<byte[], byte[]> c, Work work) {
    outstanding--;
    if (work.probe) {
      work.probe = false;
      probes--;
    }
    if (work.cancelled) {
      return true; // never started: its partition went away, and the ledger with it
    }
    waitNanos.addAndGet(work.waitNanos);
    handlerNanos.addAndGet(work.handlerNanos);
    RecordRunner.Outcome outcome = work.outcome;
    work.outcome = null;
    PartitionState ps = work.partition;
    boolean current = work.current();
    switch (outcome.kind()) {
      case RETRY, WAIT -> {
        if (current) { // its lane stays busy: later records of its lane wait too
          work.state = outcome.state();
          work.dueNanos = clock.nanoTime() + outcome.delayNanos();
          scheduled.add(work);
        }
        return true;
      }
      case FAILED -> {
        life.fail(outcome.error());
        return false; // its offset never finishes: nothing at or past it is committed
      }
      case INTERRUPTED -> {
        return true; // closing: not finished, stays uncommitted
      }
      default -> {
        if (outcome.kind() == RecordRunner.Kind.DONE) {
          handled.incrementAndGet();
        }
        TopicPartition tp = ps.tp;
        if (ledger.finish(tp, work.record().offset(), work.generation)) {
          runner.telemetry().inFlight(tp, -1);
          committer.recordFinished(c);
        }
        if (current) {
          Work next = ps.lanes.next(work);
          if (next != null) {
            ready.add(next); // the caller dispatches
          }
        }
        return true;
      }
    }
  }

  /**
   * Pauses partitions whose backlog (in flight plus finished ones waiting behind an unfinished one)
   * reached the per-partition bound, every partition while the total backlog reached {@code
   * maxInFlight}, and every partition while the breaker is OPEN, or HALF_OPEN with records waiting
   * to be its trials; resumes them at half (or when the breaker lets go). Paused partitions are
   * still polled (poll returns nothing for them), so the consumer stays in the group.
   */
  private void applyPauses(Consumer<byte[], byte[]> c) {
    boolean open = runner.breakerOpen();
    if (open && scheduled.isEmpty() && outstanding == 0) {
      runner.nudgeBreaker();
      open = runner.breakerOpen();
    }
    boolean hold = open || (runner.breakerHalfOpen() && (!scheduled.isEmpty() || probes > 0));
    long total = 0;
    for (PartitionState ps : partitions.values()) {
      total += ledger.backlog(ps.tp);
    }
    pausedForTotal = pausedForTotal ? total > worker.maxInFlight() / 2 : total >= worker.maxInFlight();
    int hi = worker.maxInFlightPerPartition();
    int paused = 0;
    for (PartitionState ps : partitions.values()) {
      int backlog = ledger.backlog(ps.tp);
      boolean want = hold || pausedForTotal || backlog >= hi || (ps.paused && backlog > hi / 2);
      if (want && !ps.paused) {
        toPause.add(ps.tp);
      } else if (!want && ps.paused) {
        toResume.add(ps.tp);
      }
      ps.paused = want;
      paused += want ? 1 : 0;
    }
    if (!toPause.isEmpty()) {
      c.pause(toPause);
      toPause.clear();
    }
    if (!toResume.isEmpty()) {
      c.resume(toResume);
      toResume.clear();
    }
    setPaused(paused);
    backlogTotal = total;
  }

  private void setPaused(int paused) {
    if (paused != pausedNow) {
      runner.telemetry().paused(paused - pausedNow);
      pausedNow = paused;
      pausedCount = paused;
    }
  }

  private void sample(Consumer<byte[], byte[]> c) {
    long now = clock.nanoTime();
    if (now - lastSampleNanos < SAMPLE_EVERY_NANOS) {
      return;
    }
    lastSampleNanos = now;
    Map<TopicPartition, Integer> snap = new HashMap<>();
    for (PartitionState ps : partitions.values()) {
      int n = ledger.inFlight(ps.tp);
      if (n > 0) {
        snap.put(ps.tp, n);
      }
    }
    inFlightSnapshot = Map.copyOf(snap);
    recordsLag = ClientMetrics.recordsLag(c);
    long done = handled.get();
    batchSize = done >= 1_000 && handlerNanos.get() / done < BATCH_BELOW_NANOS ? MAX_BATCH : 1;
  }

  /**
   * Waits (bounded by {@code timeout} on the engine's clock) until no record of these partitions
   * is running, applying completions meanwhile; records that only waited were cancelled before.
   *
   * @return how long it waited
   */
  private Duration awaitRunning(Consumer<byte[], byte[]> c, Collection<PartitionState> states, Duration timeout) {
    long started = clock.nanoTime();
    long deadline = started + timeout.toNanos();
    while (anyRunning(states)) {
      long left = deadline - clock.nanoTime();
      if (!shuttingDown && life.stopRequested()) {
        break; // a close or a failure: the shutdown's own drain, bounded by the close, takes over
      }
      if (left <= 0) {
        LOG.warn("{}: records of {} still running after {}; their offsets stay uncommitted and they"
            + " are not waited for again", spec.name(), states, timeout);
        break;
      }
      try {
        Work done = completions.poll(Math.min(left, DRAIN_SLICE_NANOS), TimeUnit.NANOSECONDS);
        if (done != null) {
          apply(c, done); // a failure is recorded in the life cycle; the drain goes on
          dispatchReady();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    drainCompletions(c);
    return Duration.ofNanos(clock.nanoTime() - started);
  }

  private static boolean anyRunning(Collection<PartitionState> states) {
    for (PartitionState ps : states) {
      if (ps.running.get() > 0) {
        return true;
      }
    }
    return false;
  }

  /** Forgets partitions the engine no longer owns (after a revoke's commit, a loss, a close). */
  private void remove(Collection<TopicPartition> gone) {
    for (TopicPartition tp : gone) {
      PartitionState ps = partitions.remove(tp);
      if (ps != null && ps.paused) {
        setPaused(pausedNow - 1);
      }
      assigned.remove(tp);
    }
    inFlightNow = ledger.inFlight();
  }

  /** Cancels the waiting records of these partitions; returns their states. */
  private List<PartitionState> cancel(Collection<TopicPartition> tps) {
    List<PartitionState> states = new ArrayList<>();
    for (TopicPartition tp : tps) {
      PartitionState ps = partitions.get(tp);
      if (ps != null) {
        ps.cancelWaiting();
        states.add(ps);
      }
    }
    return states;
  }

  /** The in-flight gauge gives back the records of partitions the ledger is about to drop. */
  private void dropInFlight(Collection<TopicPartition> tps) {
    for (TopicPartition tp : tps) {
      int n = ledger.inFlight(tp);
      if (n > 0) {
        runner.telemetry().inFlight(tp, -n);
      }
    }
  }

  /**
   * Every way out of the loop ends here, once: nothing waiting starts, the running records get
   * the close timeout to finish, what finished is committed, the workers are stopped, the consumer
   * is closed (its revoke then has nothing left to wait for or commit).
   */
  private void shutdown(Consumer<byte[], byte[]> c) {
    shuttingDown = true;
    long deadline = clock.nanoTime() + life.closeTimeout().toNanos(); // one bound for the whole close
    try {
      scheduled.clear();
      List<PartitionState> all = cancel(new ArrayList<>(partitions.keySet()));
      awaitRunning(c, all, life.closeTimeout());
      committer.commitAllSync(c, remaining(deadline));
    } catch (Throwable e) {
      life.fail(Failures.explain(e, spec));
    } finally {
      finalCommitDone = true;
      ExecutorService ex = executor;
      if (ex != null) {
        ex.shutdownNow(); // interrupts what still runs; those records stay uncommitted
      }
      List<TopicPartition> all = new ArrayList<>(partitions.keySet());
      dropInFlight(all);
      ledger.forget(all);
      try {
        c.close(remaining(deadline));
      } catch (RuntimeException e) {
        LOG.warn("{}: closing the consumer failed: {}", spec.name(), e.toString());
      }
      remove(all);
      runner.close();
      setPaused(0);
      recordsLag = Map.of();
      inFlightSnapshot = Map.of();
      life.stopped();
    }
  }

  /** What is left of a deadline on the engine's clock, at least a second for the broker calls. */
  private Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(TimeUnit.SECONDS.toNanos(1), deadline - clock.nanoTime()));
  }

  /** A handler closing its own engine must not wait: the drain would wait for that handler. */
  @Override
  protected boolean closeWaits() {
    return WORKING_FOR.get() != this;
  }

  @Override
  public EngineMetrics metrics() {
    return withCommits(metrics(runner, handled.get(), assigned.size(), topicPartitions, recordsLag, pausedCount),
        committer).inFlight(inFlightNow).build();
  }

  @Override
  public WorkerMetrics workerMetrics() {
    long done = runner.attempts();
    return new WorkerMetrics(
        worker.ordering(),
        worker.concurrency(),
        worker.virtualThreads(),
        pausedCount,
        backlogTotal,
        inFlightSnapshot,
        done == 0 ? 0 : waitNanos.get() / 1e6 / done,
        done == 0 ? 0 : handlerNanos.get() / 1e6 / done);
  }

  /**
   * The rebalance listener: runs inside {@code poll()} (or {@code close()}) on the poll thread. A
   * failure here (a fenced commit) fails the engine instead of escaping into the consumer.
   */
  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      // nothing waiting starts, the running ones finish (bounded), what finished is committed,
      // then the partitions go
      Duration drained = Duration.ZERO;
      Map<TopicPartition, OffsetAndMetadata> offsets = Map.of();
      try {
        List<PartitionState> states = cancel(revoked);
        if (!shuttingDown) {
          drained = awaitRunning(consumer, states, config.drainTimeout());
        }
      } catch (Throwable e) {
        life.fail(Failures.explain(e, spec));
      } finally { // whatever happened, the engine lets go of them
        dropInFlight(revoked);
        offsets = ledger.revoke(revoked);
        remove(revoked);
      }
      if (!finalCommitDone) { // a revoke during the close's final commit still commits its part
        try {
          committer.commitSync(consumer, offsets, life.closeTimeout());
        } catch (Throwable e) {
          life.fail(Failures.explain(e, spec));
        }
      }
      Listeners.revoked(listener, revoked, drained, spec.name());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> added) {
      for (TopicPartition tp : added) {
        partitions.computeIfAbsent(tp, WorkerEngine.this::newPartition);
        assigned.put(tp, Boolean.TRUE);
      }
      Listeners.assigned(listener, added, consumer, spec.name());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      cancel(lost);
      dropInFlight(lost);
      ledger.forget(lost); // someone else may own them already: commit nothing
      remove(lost);
      Listeners.lost(listener, lost, spec.name());
    }
  }
}
