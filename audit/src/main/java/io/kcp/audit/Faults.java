package io.kcp.audit;

import io.kcp.core.RecordHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Deterministic fault injection around a {@link RecordHandler}, for demos ({@code kcp consume
 * --fail-rate 0.01}) and tests of retries and the dead-letter topic.
 *
 * <p>Two kinds of fault:
 *
 * <ul>
 *   <li>{@link #failing failing}: a fixed, reproducible subset of records fails its first {@code
 *       failTimes} attempts, then succeeds; with {@link #ALWAYS} those records are poison and
 *       never succeed. Which records fail depends only on their identity, so every run, every
 *       process and a test's own {@link #isSelected} agree on it.
 *   <li>{@link #outage(Duration, Duration) outage}: every record fails for a while, as when a
 *       downstream system is down; scheduled relative to the first call, or begun and ended by a
 *       test through an {@link Outage} handle.
 * </ul>
 *
 * <p>Injected failures are {@link InjectedFailure}s, thrown before the delegate is called (the
 * delegate never sees a failed attempt). The wrappers are thread-safe and may be called from any
 * number of platform or virtual threads; they never block.
 *
 * <p><b>Record identity.</b> A record whose value is a {@link WorkloadRecord} (a {@code String} or
 * UTF-8 {@code byte[]} value in its format) is identified by {@code key#seq} from the value, e.g.
 * {@code k-3#17}, so that a redelivery, a record re-produced elsewhere and {@link
 * #isSelected(String, long, double)} all name it the same. Any other record is identified by its
 * position {@code topic-partition@offset}. A record is <em>selected</em> iff the first 8 bytes of
 * the SHA-256 of its identity (UTF-8), read as an unsigned fraction in [0, 1), are below {@code
 * rate}: about {@code rate} of all records, spread evenly over keys and partitions.
 */
public final class Faults {

  /** {@code failTimes} that makes selected records fail on every attempt: poison records. */
  public static final int ALWAYS = Integer.MAX_VALUE;

  private Faults() {}

  /** A failure injected by {@link Faults}, never by the code under test. */
  public static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message what was injected, e.g. {@code injected failure 1 of 2 for k-3#17}
     */
    public InjectedFailure(String message) {
      super(message);
    }
  }

  /**
   * Wraps a handler so that the records {@linkplain #isSelected selected} by {@code rate} fail
   * their first {@code failTimes} attempts with an {@link InjectedFailure}, then reach the
   * delegate.
   *
   * <p>Attempts are counted per record identity across all threads, in a map that holds only
   * selected records still failing or not yet successful: the entry is removed when the delegate
   * returns normally, so a later redelivery of that record (after a crash or a rebalance) fails
   * {@code failTimes} times again. If the delegate itself throws, the entry stays and the next
   * attempt goes to the delegate again. With {@link #ALWAYS} a selected record never reaches the
   * delegate and its entry stays: one per poison record.
   *
   * @param delegate the handler to wrap
   * @param rate the share of records to select, in [0, 1]; 0 wraps nothing, 1 selects every
   *     record
   * @param failTimes how many attempts of a selected record fail before it reaches the delegate,
   *     {@code >= 1}; {@link #ALWAYS} for never
   * @param <K> key type
   * @param <V> value type
   * @return the failing handler
   * @throws NullPointerException if {@code delegate} is null
   * @throws IllegalArgumentException if {@code rate} is not in [0, 1] or {@code failTimes < 1}
   */
  public static <K, V> RecordHandler<K, V> failing(
      RecordHandler<K, V> delegate, double rate, int failTimes) {
    Objects.requireNonNull(delegate, "delegate");
    checkRate(rate);
    if (failTimes < 1) {
      throw new IllegalArgumentException(
          "failTimes must be >= 1 (attempts that fail before the record reaches the handler;"
              + " Faults.ALWAYS for poison records), was "
              + failTimes);
    }
    ConcurrentHashMap<String, Integer> attempts = new ConcurrentHashMap<>();
    String of = failTimes == ALWAYS ? "ALWAYS" : Integer.toString(failTimes);
    return record -> {
      if (rate == 0) {
        delegate.handle(record);
        return;
      }
      String id = identity(record);
      if (rate < 1 && fraction(id) >= rate) {
        delegate.handle(record);
        return;
      }
      int attempt = attempts.merge(id, 1, (n, one) -> n == Integer.MAX_VALUE ? n : n + 1);
      if (attempt <= failTimes) {
        throw new InjectedFailure("injected failure " + attempt + " of " + of + " for " + id);
      }
      delegate.handle(record);
      attempts.remove(id);
    };
  }

  /**
   * Whether {@link #failing failing} with this {@code rate} selects the workload record ({@code
   * key}, {@code seq}): lets a test know in advance exactly which produced records end in the
   * dead-letter topic.
   *
   * @param key the record key, e.g. {@code k-3}
   * @param seq the record's workload seq
   * @param rate the rate given to {@code failing}, in [0, 1]
   * @return whether the record is selected
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code rate} is not in [0, 1]
   */
  public static boolean isSelected(String key, long seq, double rate) {
    Objects.requireNonNull(key, "key");
    checkRate(rate);
    return rate == 1 || (rate > 0 && fraction(workloadIdentity(key, seq)) < rate);
  }

  /**
   * Wraps a handler so that every call fails with {@code InjectedFailure("downstream outage")}
   * from {@code startAfter} to {@code startAfter + length} after the first call it sees, measured
   * with {@link System#nanoTime()}. Shorthand for {@code outage(startAfter,
   * length).wrap(delegate)}.
   *
   * @param delegate the handler to wrap
   * @param startAfter time from the first call to the start of the outage, {@code >= 0}
   * @param length how long the outage lasts, {@code > 0}
   * @param <K> key type
   * @param <V> value type
   * @return the handler
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code startAfter} is negative or {@code length} is not
   *     positive
   */
  public static <K, V> RecordHandler<K, V> outage(
      RecordHandler<K, V> delegate, Duration startAfter, Duration length) {
    return outage(startAfter, length).wrap(delegate);
  }

  /**
   * As {@link #outage(RecordHandler, Duration, Duration)}, on a given clock.
   *
   * @param delegate the handler to wrap
   * @param startAfter time from the first call to the start of the outage, {@code >= 0}
   * @param length how long the outage lasts, {@code > 0}
   * @param nanoClock a {@link System#nanoTime()}-like clock; a test's fake clock
   * @param <K> key type
   * @param <V> value type
   * @return the handler
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code startAfter} is negative or {@code length} is not
   *     positive
   */
  public static <K, V> RecordHandler<K, V> outage(
      RecordHandler<K, V> delegate, Duration startAfter, Duration length, LongSupplier nanoClock) {
    return outage(startAfter, length, nanoClock).wrap(delegate);
  }

  /**
   * An outage scheduled from {@code startAfter} to {@code startAfter + length} after the first
   * call through any handler it {@linkplain Outage#wrap wraps}, on {@link System#nanoTime()}.
   *
   * @param startAfter time from the first call to the start of the outage, {@code >= 0}
   * @param length how long the outage lasts, {@code > 0}
   * @return the outage, still pending
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code startAfter} is negative or {@code length} is not
   *     positive
   */
  public static Outage outage(Duration startAfter, Duration length) {
    return outage(startAfter, length, System::nanoTime);
  }

  /**
   * As {@link #outage(Duration, Duration)}, on a given clock.
   *
   * @param startAfter time from the first call to the start of the outage, {@code >= 0}
   * @param length how long the outage lasts, {@code > 0}
   * @param nanoClock a {@link System#nanoTime()}-like clock; a test's fake clock
   * @return the outage, still pending
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code startAfter} is negative or {@code length} is not
   *     positive
   */
  public static Outage outage(Duration startAfter, Duration length, LongSupplier nanoClock) {
    Objects.requireNonNull(startAfter, "startAfter");
    Objects.requireNonNull(nanoClock, "nanoClock");
    if (startAfter.isNegative()) {
      throw new IllegalArgumentException(
          "startAfter must be >= 0 (time from the first call to the outage), was " + startAfter);
    }
    return new Outage(nanoClock, new Window(startAfter.toNanos(), positiveNanos(length, "length")));
  }

  /**
   * An outage that a test begins and ends explicitly ({@link Outage#begin()}, {@link
   * Outage#begin(Duration)}, {@link Outage#end()}), on {@link System#nanoTime()}; up until begun.
   *
   * @return the outage, not down
   */
  public static Outage outage() {
    return outage(System::nanoTime);
  }

  /**
   * As {@link #outage()}, on a given clock.
   *
   * @param nanoClock a {@link System#nanoTime()}-like clock; a test's fake clock
   * @return the outage, not down
   * @throws NullPointerException if {@code nanoClock} is null
   */
  public static Outage outage(LongSupplier nanoClock) {
    return new Outage(Objects.requireNonNull(nanoClock, "nanoClock"), null);
  }

  /**
   * A downstream outage shared by every handler it {@linkplain #wrap wraps}: while it is down,
   * each call fails with {@code InjectedFailure("downstream outage")} without reaching the
   * delegate.
   *
   * <p>An outage is in one of three states: <em>pending</em> (scheduled by {@link
   * Faults#outage(Duration, Duration)}, waiting for the first call, which fixes the window), a
   * <em>window</em> (down from its start, for its length or until {@link #end()}), or
   * <em>none</em>. {@link #begin()}, {@link #begin(Duration)} and {@link #end()} replace whatever
   * state there was, a pending schedule included. Thread-safe.
   */
  public static final class Outage {
    private final LongSupplier clock;
    private final Window schedule; // fromNanos holds startAfter; null for a manual outage
    private final AtomicReference<Window> state; // PENDING, a window, or null for none

    private Outage(LongSupplier clock, Window schedule) {
      this.clock = clock;
      this.schedule = schedule;
      this.state = new AtomicReference<>(schedule == null ? null : PENDING);
    }

    /**
     * Wraps a handler: each call first fixes a pending schedule, then fails if the outage is down,
     * else calls the delegate.
     *
     * @param delegate the handler to wrap
     * @param <K> key type
     * @param <V> value type
     * @return the handler
     * @throws NullPointerException if {@code delegate} is null
     */
    public <K, V> RecordHandler<K, V> wrap(RecordHandler<K, V> delegate) {
      Objects.requireNonNull(delegate, "delegate");
      return record -> {
        long now = clock.getAsLong();
        Window w = state.get();
        if (w == PENDING) {
          state.compareAndSet(
              PENDING, new Window(now + schedule.fromNanos(), schedule.lengthNanos()));
          w = state.get();
        }
        if (w != null && w.covers(now)) {
          throw new InjectedFailure("downstream outage");
        }
        delegate.handle(record);
      };
    }

    /** Goes down now, until {@link #end()}. */
    public void begin() {
      state.set(new Window(clock.getAsLong(), Window.OPEN));
    }

    /**
     * Goes down now, for {@code length}.
     *
     * @param length how long, {@code > 0}
     * @throws NullPointerException if {@code length} is null
     * @throws IllegalArgumentException if {@code length} is not positive
     */
    public void begin(Duration length) {
      long nanos = positiveNanos(length, "length");
      state.set(new Window(clock.getAsLong(), nanos));
    }

    /** Ends the outage now, or cancels a pending or future one: calls succeed from now on. */
    public void end() {
      state.set(null);
    }

    /**
     * Whether a call now would fail. Does not fix a pending schedule: before the first call it is
     * {@code false}.
     *
     * @return whether the outage is down
     */
    public boolean isDown() {
      Window w = state.get();
      return w != null && w != PENDING && w.covers(clock.getAsLong());
    }
  }

  /** Down from {@code fromNanos} for {@code lengthNanos}; {@link #OPEN} for no end. */
  private record Window(long fromNanos, long lengthNanos) {
    static final long OPEN = -1;

    boolean covers(long now) {
      long since = now - fromNanos; // overflow-safe comparison, as nanoTime requires
      return since >= 0 && (lengthNanos == OPEN || since < lengthNanos);
    }
  }

  /** Identity sentinel for a scheduled outage that has not seen its first call. */
  private static final Window PENDING = new Window(0, 0);

  private static long positiveNanos(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, was " + d);
    }
    return d.toNanos();
  }

  private static void checkRate(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(
          "rate must be in [0, 1] (a share of records, e.g. 0.01 for 1%), was " + rate);
    }
  }

  static String identity(ConsumerRecord<?, ?> record) {
    Object value = record.value();
    String text = null;
    if (value instanceof String s) {
      text = s;
    } else if (value instanceof byte[] bytes) {
      text = new String(bytes, StandardCharsets.UTF_8);
    }
    Optional<WorkloadRecord> w = WorkloadRecord.parse(text);
    if (w.isPresent()) {
      return workloadIdentity(w.get().key(), w.get().seq());
    }
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  private static String workloadIdentity(String key, long seq) {
    return key + "#" + seq;
  }

  /** The identity's SHA-256, first 8 bytes, as a fraction in [0, 1). */
  static double fraction(String identity) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (digest[i] & 0xff);
    }
    return (bits >>> 11) * 0x1.0p-53;
  }
}
