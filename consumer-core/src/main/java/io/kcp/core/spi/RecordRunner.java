package io.kcp.core.spi;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.internal.DeadLetters;
import io.kcp.core.internal.RecordFailedException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Runs one attempt of one record the way every strategy must: circuit breaker permission, the
 * {@code process} span, decoding, the handler, and on failure the retry decision or the
 * dead-letter write. It never sleeps: a record that must wait (a backoff, an open breaker) comes
 * back as {@link Kind#RETRY} or {@link Kind#WAIT} with a delay, and the engine decides how that
 * record's partition or key waits while the others go on. That is how retries block no more than
 * the ordering mode requires.
 *
 * <p>The circuit breaker hears every success, the first failure of each record and every
 * HALF_OPEN trial — not a record's retries. So it measures how many <em>different</em> records
 * fail: a downstream outage (every fresh record fails) opens it, a few poison records retrying at
 * the tail of a topic do not.
 *
 * <p>Thread-safe: call {@link #run} from any worker; a record's attempts are sequential, passing
 * its {@link RetryState} along. Each poll loop has its own runner; the loops of one engine share
 * its breaker.
 */
public final class RecordRunner implements AutoCloseable {
  /** How long a record waits before asking an OPEN breaker again. */
  public static final Duration BREAKER_RECHECK = Duration.ofMillis(100);

  /** What became of an attempt. */
  public enum Kind {
    /** The handler returned: the record is finished. */
    DONE,
    /** The record was written to the dead-letter topic: finished too. */
    DEAD_LETTERED,
    /** The attempt failed; run it again after {@link Outcome#delayNanos()}. */
    RETRY,
    /**
     * Not attempted (breaker OPEN), or failed while the breaker is not CLOSED (a trial call, or
     * the call that opened it) within the policy's outage grace: the attempt is not counted; run
     * it again after {@link Outcome#delayNanos()}.
     */
    WAIT,
    /** Failed for good and could not be dead-lettered: the engine must stop. */
    FAILED,
    /** Interrupted (the engine is closing): not finished, not failed. */
    INTERRUPTED
  }

  /** The outcome of one {@link #run}. */
  public static final class Outcome {
    private static final Outcome DONE = new Outcome(Kind.DONE, 0, null, null);
    private static final Outcome DEAD = new Outcome(Kind.DEAD_LETTERED, 0, null, null);
    private static final Outcome INTERRUPTED = new Outcome(Kind.INTERRUPTED, 0, null, null);

    private final Kind kind;
    private final long delayNanos;
    private final RetryState state;
    private final Throwable error;

    private Outcome(Kind kind, long delayNanos, RetryState state, Throwable error) {
      this.kind = kind;
      this.delayNanos = delayNanos;
      this.state = state;
      this.error = error;
    }

    /**
     * A FAILED outcome for an attempt that could not even be run (the runner's own machinery
     * threw): the engine stops with {@code error}.
     */
    public static Outcome failed(Throwable error) {
      return new Outcome(Kind.FAILED, 0, null, error);
    }

    /** What happened. */
    public Kind kind() {
      return kind;
    }

    /** For RETRY and WAIT: how long to wait before the next {@link #run}. */
    public long delayNanos() {
      return delayNanos;
    }

    /** For RETRY and WAIT: the state to pass to the next {@link #run} (null if none yet). */
    public RetryState state() {
      return state;
    }

    /** For FAILED: why; for RETRY: the attempt's exception. */
    public Throwable error() {
      return error;
    }

    /** Whether the record is finished (its offset may become committable). */
    public boolean finished() {
      return kind == Kind.DONE || kind == Kind.DEAD_LETTERED;
    }

    @Override
    public String toString() {
      return kind + (delayNanos > 0 ? " in " + Duration.ofNanos(delayNanos) : "")
          + (error != null ? ": " + error : "");
    }
  }

  /** A record's failures so far; opaque to engines, which only carry it along. */
  public static final class RetryState {
    private final Retry.AsyncContext<Object> context;
    private int attempts;
    private long firstFailureMs;
    private long firstFailureNanos;
    private long lastFailureMs;

    private RetryState(Retry.AsyncContext<Object> context) {
      this.context = context;
    }

    /** Attempts made so far. */
    public int attempts() {
      return attempts;
    }
  }

  private final DecodingHandler handling;
  private final ConsumerTelemetry telemetry;
  private final Retry retry;
  private final CircuitBreaker breaker;
  private final int halfOpenTrials;
  private final DeadLetters deadLetters;
  private final BooleanSupplier closing;
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final long outageGraceNanos;

  private RecordRunner(
      DecodingHandler handling,
      ConsumerTelemetry telemetry,
      ErrorPolicy policy,
      Optional<CircuitBreaker> breaker,
      ConsumerSettings settings,
      String name,
      BooleanSupplier closing) {
    this.handling = handling;
    this.telemetry = telemetry;
    this.retry = Retry.of(name, policy.retryConfig());
    this.breaker = breaker.orElse(null);
    this.halfOpenTrials = this.breaker == null ? Integer.MAX_VALUE
        : Math.max(1, this.breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState());
    this.outageGraceNanos = policy.outageGrace().toNanos();
    this.deadLetters = new DeadLetters(policy, settings, name);
    this.closing = closing;
  }

  /**
   * A runner for one poll loop.
   *
   * @param handling the user's deserializers and handler
   * @param config the engine's config: error policy, settings (for the dead-letter producer and
   *     the group name)
   * @param name names the retry and the dead-letter clients
   * @param breaker the engine's circuit breaker ({@link ErrorPolicy#newCircuitBreaker}, made once
   *     per engine and shared by its loops), or empty
   * @param telemetry where spans and metrics go
   * @param closing whether the engine is stopping (closed or failed): only then is an
   *     interrupted handler "not finished" rather than a failed attempt
   */
  public static RecordRunner create(
      DecodingHandler handling,
      EngineConfig config,
      String name,
      Optional<CircuitBreaker> breaker,
      ConsumerTelemetry telemetry,
      BooleanSupplier closing) {
    return new RecordRunner(
        Objects.requireNonNull(handling, "handling"),
        Objects.requireNonNull(telemetry, "telemetry"),
        config.errorPolicy(),
        Objects.requireNonNull(breaker, "breaker"),
        config.settings(),
        Objects.requireNonNull(name, "name"),
        Objects.requireNonNull(closing, "closing"));
  }

  /**
   * Runs one attempt of {@code raw}. Whatever the handler throws — an exception or an {@code
   * Error} such as {@code AssertionError}, {@code StackOverflowError} or {@code
   * NoClassDefFoundError} — is a failed attempt that the error policy retries or dead-letters;
   * an interrupt is "not finished" only while the engine is closing, and is cleared otherwise.
   * Only a failing JVM ({@code OutOfMemoryError}, {@code InternalError}) stops the engine, as
   * {@link Kind#FAILED}: the record is not to blame, and retrying it would hide the trouble.
   *
   * @param state null for the first attempt, else the state from the previous outcome
   */
  public Outcome run(ConsumerRecord<byte[], byte[]> raw, RetryState state) {
    return run(raw, state, 1);
  }

  /**
   * {@link #run(ConsumerRecord, RetryState)} for a record the broker delivers again by itself (a
   * share group): a first attempt ({@code state == null}) is numbered {@code delivery}, the
   * broker's delivery count, in the span and the breaker's accounting. A {@link Kind#RETRY}
   * outcome then means "deliver it again", and {@link #giveUp} ends the record when the deliveries
   * are spent.
   *
   * @param delivery the broker's delivery count of the record, from 1
   */
  public Outcome run(ConsumerRecord<byte[], byte[]> raw, RetryState state, int delivery) {
    boolean trial = false;
    if (breaker != null) {
      if (!breaker.tryAcquirePermission()) {
        return new Outcome(Kind.WAIT, BREAKER_RECHECK.toNanos(), state, null);
      }
      trial = breaker.getState() == CircuitBreaker.State.HALF_OPEN;
    }
    // the breaker hears a record's first failure (and every trial), not its retries: one
    // poison record failing again and again is not a failing downstream
    boolean feedFailure = state == null || trial;
    int attempt = state == null ? Math.max(1, delivery) : state.attempts + 1;
    attempts.incrementAndGet();
    TopicPartition tp = new TopicPartition(raw.topic(), raw.partition());
    Span span = telemetry.startProcess(raw, attempt);
    long started = System.nanoTime();
    DecodingHandler.Call call;
    try (Scope ignored = span.makeCurrent()) {
      try {
        call = handling.prepare(raw);
      } catch (Throwable e) {
        if (isFatal(e)) {
          releasePermission();
          telemetry.endProcess(span, tp, System.nanoTime() - started, e);
          return fatal(raw, tp, e);
        }
        // not the downstream's fault: no breaker accounting, no retry
        failures.incrementAndGet();
        releasePermission();
        telemetry.endProcess(span, tp, System.nanoTime() - started, e);
        long now = System.currentTimeMillis();
        return deadLetter(raw, tp, e, attempt, now, now, "decode");
      }
      try {
        call.handle();
      } catch (Throwable e) {
        long nanos = System.nanoTime() - started;
        boolean interrupted = e instanceof InterruptedException || Thread.currentThread().isInterrupted();
        if (interrupted && closing.getAsBoolean()) {
          releasePermission();
          telemetry.endProcess(span, tp, nanos, e);
          return Outcome.INTERRUPTED;
        }
        if (interrupted) {
          Thread.interrupted(); // not the engine's doing: a failed attempt, on a thread that goes on
        }
        if (isFatal(e)) {
          releasePermission();
          telemetry.endProcess(span, tp, nanos, e);
          return fatal(raw, tp, e);
        }
        failures.incrementAndGet();
        telemetry.endProcess(span, tp, nanos, e);
        if (breaker != null) {
          if (feedFailure) {
            breaker.onError(nanos, TimeUnit.NANOSECONDS, e);
          } else {
            breaker.releasePermission();
          }
          CircuitBreaker.State after = breaker.getState();
          if (after == CircuitBreaker.State.OPEN || after == CircuitBreaker.State.HALF_OPEN
              || after == CircuitBreaker.State.FORCED_OPEN) {
            RetryState s = state != null ? state : newState();
            if (System.nanoTime() - s.firstFailureNanos < outageGraceNanos) {
              // the downstream is failing, not (only) this record: within the grace period the
              // attempt does not count toward maxAttempts, so an outage does not fill the DLT
              return new Outcome(Kind.WAIT, BREAKER_RECHECK.toNanos(), s, e);
            }
          }
        }
        return failed(raw, tp, e, state);
      }
      long nanos = System.nanoTime() - started;
      if (breaker != null) {
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      }
      if (state != null) {
        state.context.onComplete();
      }
      telemetry.endProcess(span, tp, nanos, null);
      return Outcome.DONE;
    }
  }

  /**
   * Ends a record whose deliveries are spent (a share group's): writes it to the dead-letter
   * topic with {@code error} and {@code attempts}.
   *
   * @return {@link Kind#DEAD_LETTERED}; {@link Kind#FAILED} if the policy has no dead-letter topic
   *     or the write failed
   */
  public Outcome giveUp(ConsumerRecord<byte[], byte[]> raw, Throwable error, int attempts) {
    long now = System.currentTimeMillis();
    return deadLetter(raw, new TopicPartition(raw.topic(), raw.partition()), error, attempts, now, now, "handler");
  }

  /** Whether the policy writes records that failed for good to a dead-letter topic. */
  public boolean deadLettersEnabled(String topic) {
    return deadLetters.enabled(topic);
  }

  /** A failing JVM, not a failing record: everything but a stack overflow among the VM errors. */
  private static boolean isFatal(Throwable e) {
    return e instanceof VirtualMachineError && !(e instanceof StackOverflowError);
  }

  private Outcome fatal(ConsumerRecord<byte[], byte[]> raw, TopicPartition tp, Throwable e) {
    failures.incrementAndGet();
    return new Outcome(Kind.FAILED, 0, null, new RecordFailedException("the JVM failed ("
        + e.getClass().getSimpleName() + ") while handling " + tp + " offset " + raw.offset()
        + ": the engine stops rather than retry or dead-letter a record that is not to blame", e));
  }

  private void releasePermission() {
    if (breaker != null) {
      breaker.releasePermission();
    }
  }

  private RetryState newState() {
    RetryState s = new RetryState(retry.asyncContext());
    s.firstFailureMs = System.currentTimeMillis();
    s.firstFailureNanos = System.nanoTime();
    return s;
  }

  private Outcome failed(ConsumerRecord<byte[], byte[]> raw, TopicPartition tp, Throwable e, RetryState state) {
    RetryState s = state != null ? state : newState();
    long now = System.currentTimeMillis();
    s.attempts++;
    s.lastFailureMs = now;
    long delayMillis = s.context.onError(e);
    if (delayMillis >= 0) {
      retries.incrementAndGet();
      telemetry.retried(tp);
      return new Outcome(Kind.RETRY, TimeUnit.MILLISECONDS.toNanos(delayMillis), s, e);
    }
    return deadLetter(raw, tp, e, s.attempts, s.firstFailureMs, s.lastFailureMs, "handler");
  }

  private Outcome deadLetter(
      ConsumerRecord<byte[], byte[]> raw,
      TopicPartition tp,
      Throwable e,
      int attempts,
      long firstMs,
      long lastMs,
      String reason) {
    if (!deadLetters.enabled(raw.topic())) {
      return new Outcome(Kind.FAILED, 0, null, new RecordFailedException(
          "handler failed on " + tp + " offset " + raw.offset() + " after " + attempts
              + (attempts == 1 ? " attempt" : " attempts") + " and no dead-letter topic is set: " + e, e));
    }
    try {
      deadLetters.publish(raw, e, attempts, firstMs, lastMs, reason);
    } catch (RuntimeException dltFailure) {
      dltFailure.addSuppressed(e);
      return new Outcome(Kind.FAILED, 0, null, dltFailure);
    }
    deadLettered.incrementAndGet();
    telemetry.deadLettered(tp);
    return Outcome.DEAD;
  }

  /** Whether the breaker is OPEN (or forced open): the engine should pause its partitions. */
  public boolean breakerOpen() {
    if (breaker == null) {
      return false;
    }
    CircuitBreaker.State s = breaker.getState();
    return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
  }

  /**
   * Whether the breaker lets every record through: no breaker, or CLOSED (or disabled). While it
   * is not, an engine keeps its partitions paused and runs only the records already waiting.
   */
  public boolean breakerClosed() {
    if (breaker == null) {
      return true;
    }
    CircuitBreaker.State s = breaker.getState();
    return s == CircuitBreaker.State.CLOSED || s == CircuitBreaker.State.DISABLED
        || s == CircuitBreaker.State.METRICS_ONLY;
  }

  /**
   * Lets a breaker without automatic transition leave OPEN once its wait is over, when no record
   * is waiting to ask it (resilience4j moves OPEN to HALF_OPEN only when asked for a permission):
   * asks, and gives the permission back. Does nothing in any other state.
   */
  public void nudgeBreaker() {
    if (breaker != null && breaker.getState() == CircuitBreaker.State.OPEN && breaker.tryAcquirePermission()) {
      breaker.releasePermission();
    }
  }

  /** Whether the breaker is HALF_OPEN: it lets only {@link #halfOpenTrials()} calls through. */
  public boolean breakerHalfOpen() {
    return breaker != null && breaker.getState() == CircuitBreaker.State.HALF_OPEN;
  }

  /** The calls the breaker permits while HALF_OPEN (its trials); unbounded without a breaker. */
  public int halfOpenTrials() {
    return halfOpenTrials;
  }

  /** The telemetry this runner reports to (engines use it for commits and gauges). */
  public ConsumerTelemetry telemetry() {
    return telemetry;
  }

  /** Attempts scheduled again after a failure. */
  public long retries() {
    return retries.get();
  }

  /** Records written to the dead-letter topic. */
  public long deadLettered() {
    return deadLettered.get();
  }

  /** Attempts that threw (decoding or handler). */
  public long failures() {
    return failures.get();
  }

  /** Handler attempts started (a record waiting on an open breaker is not attempted). */
  public long attempts() {
    return attempts.get();
  }

  /** Closes the dead-letter producer, if one was opened. */
  @Override
  public void close() {
    deadLetters.close();
  }
}
