package io.kcp.core.spi;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.kcp.core.EngineConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * What one poll loop (one thread owning one consumer) is built from: the engine's config, the
 * user's handler, the loop's name, its index within the engine (its consumer's client id and
 * {@code group.instance.id} end in {@code -<index>}), and the circuit breaker it shares with the
 * engine's other loops, if any. Immutable.
 *
 * @param config the engine's config
 * @param handling the user's deserializers and handler
 * @param name the loop's name: its thread, its logs, its retry and dead-letter clients
 * @param index the loop's index within its engine, from 0
 * @param breaker the engine's circuit breaker, or empty
 */
public record PollLoopSpec(
    EngineConfig config, DecodingHandler handling, String name, int index, Optional<CircuitBreaker> breaker) {

  /** Checks the fields. */
  public PollLoopSpec {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(handling, "handling");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(breaker, "breaker");
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
  }

  /** The consumer group's id. */
  public String group() {
    return config.settings().groupId();
  }

  /** This loop's {@code group.instance.id}, or null without static membership. */
  public String groupInstanceId() {
    return config.staticMembership() ? config.groupInstanceId(index) : null;
  }
}
