package io.kcp.partition.internal;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.EngineMetrics;
import io.kcp.core.ClusterAccessException;
import io.kcp.core.EngineStartException;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.EngineState;
import io.kcp.core.InstanceIdConflictException;
import io.kcp.core.spi.NanoClock;
import io.kcp.core.spi.PollLoop;
import io.kcp.partition.PartitionConfig;
import io.kcp.partition.PartitionStrategyEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N poll loops in one group, and a supervisor thread that restarts a failed one with exponential
 * backoff while the others keep consuming. A start failure (unreachable cluster, missing topic)
 * fails the whole engine: the same settings would fail the same way on every restart; so does a
 * static member fenced by another instance holding its {@code group.instance.id}: restarting it
 * would fence the other in turn, forever.
 */
public final class PartitionEngine implements PartitionStrategyEngine {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionEngine.class);
  private static final long CHECK_EVERY_MILLIS = 100;
  /** A thread that ran this long after a restart counts as healthy again: backoff resets. */
  private static final long HEALTHY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final int threads;
  private final PollLoops loops;
  private final long backoffNanos;
  private final long maxBackoffNanos;
  private final String name;
  private final NanoClock clock;

  private final PollLoop[] slots;
  private final long[] restartAt;
  private final long[] startedAt;
  private final int[] failures;
  private final AtomicReference<EngineState> state = new AtomicReference<>(EngineState.NEW);
  private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private volatile EngineMetrics retired = EngineMetrics.empty();
  private volatile long restarts;
  private volatile boolean warnedIdle;
  private Thread supervisor;

  public PartitionEngine(PartitionConfig config, PollLoops loops, String name, NanoClock clock) {
    this.threads = config.threads();
    this.loops = loops;
    this.backoffNanos = config.restartBackoff().toNanos();
    this.maxBackoffNanos = config.maxRestartBackoff().toNanos();
    this.name = name;
    this.clock = clock;
    this.slots = new PollLoop[threads];
    this.restartAt = new long[threads];
    this.startedAt = new long[threads];
    this.failures = new int[threads];
  }

  @Override
  public synchronized void start() {
    if (!state.compareAndSet(EngineState.NEW, EngineState.STARTING)) {
      throw new IllegalStateException("engine already started (state " + state.get() + ")");
    }
    for (int i = 0; i < threads; i++) {
      slots[i] = loops.create(i);
      startedAt[i] = clock.nanoTime();
      slots[i].start();
    }
    supervisor = new Thread(this::supervise, name + "-supervisor");
    supervisor.setDaemon(true);
    supervisor.start();
  }

  private void supervise() {
    try {
      while (!closeSignal.await(CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS)) {
        if (!check()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      LOG.error("{}: supervisor failed: {}", name, e.toString());
      lastFailure.compareAndSet(null, e);
      failAll();
    }
  }

  /** One supervision round; false when the engine has failed as a whole. */
  private synchronized boolean check() {
    if (state.get().isTerminal() || state.get() == EngineState.CLOSING) {
      return false;
    }
    long now = clock.nanoTime();
    boolean allRunning = true;
    boolean anyDown = false;
    for (int i = 0; i < threads; i++) {
      PollLoop slot = slots[i];
      EngineState s = slot.state();
      if (s.isTerminal()) { // FAILED, or (never expected) stopped by itself: restart it
        anyDown = true;
        allRunning = false;
        Throwable cause = slot.failure().orElse(null);
        if (cause instanceof EngineStartException || cause instanceof InstanceIdConflictException
            || cause instanceof ClusterAccessException) { // the same settings fail the same way
          lastFailure.set(cause);
          failAll();
          return false;
        }
        if (restartAt[i] == 0) {
          lastFailure.set(cause);
          failures[i]++;
          long delay = Math.min(maxBackoffNanos, backoffNanos << Math.min(failures[i] - 1, 20));
          restartAt[i] = now + delay;
          LOG.warn("{}: thread {} failed ({}); restarting it in {} ms, the others keep consuming",
              name, i, cause == null ? "unknown" : cause.getMessage(), delay / 1_000_000);
        } else if (now - restartAt[i] >= 0 && slot.stopped()) {
          // only once the old loop stopped (final commit made, consumer closed): its consumer and
          // the new one must never be in the group together, or a static member fences itself
          slot.close(Duration.ofSeconds(30));
          retired = EngineMetrics.combine(List.of(retired, asRetired(slot.metrics())), 0);
          restarts++;
          restartAt[i] = 0;
          slots[i] = loops.create(i);
          startedAt[i] = now;
          slots[i].start();
        }
      } else if (s != EngineState.RUNNING) {
        allRunning = false;
      } else if (failures[i] > 0 && now - startedAt[i] > HEALTHY_AFTER_NANOS) {
        failures[i] = 0;
      }
    }
    warnIfIdle();
    EngineState next = anyDown ? EngineState.DEGRADED : allRunning ? EngineState.RUNNING : null;
    if (next != null) {
      state.getAndUpdate(x -> x == EngineState.CLOSING || x.isTerminal() ? x : next);
    }
    return true;
  }

  /** Counters of a replaced thread keep counting; its gauges (in flight, assigned) do not. */
  private static EngineMetrics asRetired(EngineMetrics m) {
    return m.toBuilder().inFlight(0).consumers(0).idleConsumers(0).restarts(0).topicPartitions(0)
        .assignedPartitions(0).recordsLag(java.util.Map.of()).pausedPartitions(0).build();
  }

  private void warnIfIdle() {
    if (warnedIdle) {
      return;
    }
    for (ConsumerEngine slot : slots) {
      int partitions = slot.metrics().topicPartitions();
      if (partitions > 0) {
        warnedIdle = true;
        if (threads > partitions) {
          LOG.warn("{}: {} consumer threads for {} partitions: {} thread(s) will sit idle (a"
                  + " partition is consumed by one consumer of a group at a time)",
              name, threads, partitions, threads - partitions);
        }
        return;
      }
    }
  }

  private void failAll() {
    state.set(EngineState.FAILED);
    closeSlots(Duration.ofSeconds(30));
    LoggerFactory.getLogger(EngineLifecycle.FAILURE_LOGGER).error("{}: failed: {}", name, lastFailure.get() == null ? "?" : lastFailure.get().getMessage());
  }

  @Override
  public void close(Duration timeout) {
    EngineState s = state.get();
    if (s == EngineState.NEW) {
      state.compareAndSet(EngineState.NEW, EngineState.CLOSED);
      return;
    }
    state.getAndUpdate(x -> x.isTerminal() ? x : EngineState.CLOSING);
    closeSignal.countDown();
    synchronized (this) { // not in the middle of a restart
      closeSlots(timeout);
    }
    state.getAndUpdate(x -> x == EngineState.FAILED ? x : EngineState.CLOSED);
  }

  /** Closes every thread at once, so the drain takes one timeout, not one per thread. */
  private void closeSlots(Duration timeout) {
    List<Thread> closers = new ArrayList<>();
    for (ConsumerEngine slot : slots) {
      if (slot != null) {
        Thread t = new Thread(() -> slot.close(timeout), name + "-close");
        t.start();
        closers.add(t);
      }
    }
    for (Thread t : closers) {
      try {
        t.join(timeout.toMillis() + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public EngineState state() {
    return state.get();
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(lastFailure.get());
  }

  @Override
  public EngineMetrics metrics() {
    List<EngineMetrics> parts = new ArrayList<>(threadMetrics());
    parts.add(retired);
    return EngineMetrics.combine(parts, restarts);
  }

  @Override
  public int threads() {
    return threads;
  }

  @Override
  public List<EngineMetrics> threadMetrics() {
    List<EngineMetrics> out = new ArrayList<>(threads);
    for (ConsumerEngine slot : slots) {
      out.add(slot == null ? EngineMetrics.empty() : slot.metrics());
    }
    return out;
  }
}
