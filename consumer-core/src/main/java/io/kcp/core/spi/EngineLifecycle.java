package io.kcp.core.spi;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.EngineState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life cycle every poll-loop engine shares: NEW → STARTING → RUNNING → CLOSING → CLOSED (or
 * FAILED), the close request that wakes the poll thread, and the wait for it to stop.
 *
 * <p>The poll thread calls {@link #running()}, {@link #fail}, and finally {@link #stopped()};
 * {@link #close} may be called from any thread, including the poll thread itself (a handler that
 * closes its own engine), in which case it does not wait.
 */
public final class EngineLifecycle {
  /**
   * How much longer than its timeout {@link #close} waits for the poll thread to stop (the final
   * commit and the consumer's close each get at least a second even when the timeout is spent).
   * A caller that closes the engine, e.g. {@code EngineShutdownHook}, returns within {@code
   * timeout + CLOSE_WAIT_SLACK}: the bound a platform's grace period must cover.
   */
  public static final Duration CLOSE_WAIT_SLACK = Duration.ofSeconds(5);

  /**
   * The logger every engine's failure is logged to, once, at ERROR: one name, so that an
   * application that reports {@code failure()} itself (as {@code kcp} does) can turn just this off.
   */
  public static final String FAILURE_LOGGER = "io.kcp.engine.failed";

  private static final Logger LOG = LoggerFactory.getLogger(EngineLifecycle.class);
  private static final Logger FAILED = LoggerFactory.getLogger(FAILURE_LOGGER);

  private final String name;
  private final AtomicReference<EngineState> state = new AtomicReference<>(EngineState.NEW);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Duration closeTimeout = ConsumerEngine.DEFAULT_CLOSE_TIMEOUT;
  private volatile Thread pollThread;

  /** A life cycle for the engine called {@code name} (in logs). */
  public EngineLifecycle(String name) {
    this.name = name;
  }

  /**
   * NEW → STARTING.
   *
   * @throws IllegalStateException if the engine was started before
   */
  public void beginStart() {
    if (!state.compareAndSet(EngineState.NEW, EngineState.STARTING)) {
      throw new IllegalStateException("engine already started (state " + state.get() + ")");
    }
  }

  /** The thread that polls; {@link #close} called on it does not wait for itself. */
  public void pollThread(Thread thread) {
    this.pollThread = thread;
  }

  /** STARTING → RUNNING (no change if closing or failed meanwhile). */
  public void running() {
    state.compareAndSet(EngineState.STARTING, EngineState.RUNNING);
  }

  /**
   * Records the first failure and turns FAILED. FAILED means stopped: the poll loop checks {@link
   * #stopRequested()} every round and leaves, commits what finished and closes its consumer.
   */
  public void fail(Throwable e) {
    if (failure.compareAndSet(null, e)) {
      FAILED.error("{}: {}", name, e.getMessage());
    }
    state.set(EngineState.FAILED);
  }

  /** Whether a close was requested. */
  public boolean closing() {
    return closeSignal.getCount() == 0;
  }

  /** Whether the poll loop must stop: a close was requested or the engine failed. */
  public boolean stopRequested() {
    return closeSignal.getCount() == 0 || state.get() == EngineState.FAILED;
  }

  /** Counted down when a close is requested: waits (e.g. for a missing topic) end on it. */
  public CountDownLatch closeSignal() {
    return closeSignal;
  }

  /** The bound the last close asked for (for the final commit and drain). */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** The poll thread is done: CLOSED unless FAILED; {@link #close} callers stop waiting. */
  public void stopped() {
    state.getAndUpdate(s -> s == EngineState.FAILED ? s : EngineState.CLOSED);
    stopped.countDown();
  }

  /**
   * Requests a close and waits (bounded) until the poll thread stopped. A never-started engine is
   * simply CLOSED. {@code wakeup} runs once, on the first request (it wakes a blocked poll).
   */
  public void close(Duration timeout, Runnable wakeup) {
    close(timeout, wakeup, true);
  }

  /**
   * Requests a close; waits (bounded) until the poll thread stopped only if {@code wait}. An
   * engine's own threads (a handler that closes its engine) must not wait: the poll thread would
   * wait for them in turn.
   */
  public void close(Duration timeout, Runnable wakeup, boolean wait) {
    if (state.compareAndSet(EngineState.NEW, EngineState.CLOSED)) {
      return;
    }
    closeTimeout = timeout;
    if (closeSignal.getCount() > 0) {
      closeSignal.countDown();
      state.getAndUpdate(x -> x.isTerminal() ? x : EngineState.CLOSING);
      wakeup.run();
    }
    if (!wait || Thread.currentThread() == pollThread) {
      return; // called from a handler: the loop stops after this record
    }
    try {
      if (!stopped.await(timeout.plus(CLOSE_WAIT_SLACK).toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} did not stop within {}", name, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the poll thread has stopped: its final commit is done and its consumer closed. */
  public boolean hasStopped() {
    return stopped.getCount() == 0;
  }

  /** The current state. */
  public EngineState state() {
    return state.get();
  }

  /** The first failure, if the engine failed. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }
}
