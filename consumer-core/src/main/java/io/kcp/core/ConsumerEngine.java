package io.kcp.core;

import java.time.Duration;
import java.util.Optional;

/**
 * A running consumer, whatever its threading strategy.
 *
 * <p>Every strategy in this project returns one: the basic single-thread engine of this module,
 * the consumer-per-thread strategy and the worker-pool strategy. The contract is the same:
 *
 * <ul>
 *   <li>{@link #start()} returns at once; polling happens on the engine's own threads.
 *   <li>A record's offset is committed only after its handler returned normally.
 *   <li>{@link #close(Duration)} stops fetching, lets in-flight records finish (bounded by the
 *       timeout), commits what finished, and leaves the group.
 * </ul>
 */
public interface ConsumerEngine extends AutoCloseable {

  /** Default bound for {@link #close()}. */
  Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Starts polling on the engine's own threads and returns.
   *
   * @throws IllegalStateException if already started
   */
  void start();

  /**
   * Stops the engine: no new records are handed out, in-flight records may finish within {@code
   * timeout}, finished offsets are committed synchronously, the consumers leave the group. Safe to
   * call more than once and from any thread.
   *
   * @param timeout how long to wait for in-flight records and the final commit
   */
  void close(Duration timeout);

  /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
  @Override
  default void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /** Where the engine is in its life cycle. */
  EngineState state();

  /** Why the engine is {@link EngineState#FAILED}, if it is. */
  Optional<Throwable> failure();

  /** A consistent snapshot of the engine's counters. */
  EngineMetrics metrics();
}
