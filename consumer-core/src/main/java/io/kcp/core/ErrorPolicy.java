package io.kcp.core;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What happens to a record whose handler throws, for every strategy: retry with backoff
 * (resilience4j {@code Retry}), then the dead-letter topic (DLT), and a circuit breaker
 * (resilience4j {@code CircuitBreaker}) that pauses consumption while a downstream is failing.
 *
 * <p>Step by step, for one record:
 *
 * <ol>
 *   <li>If the circuit breaker is OPEN the record is not attempted at all: it waits (no attempt
 *       used), and the engine pauses its partitions while it keeps polling. A failure that finds
 *       the breaker no longer CLOSED (it opened it, or it was a HALF_OPEN trial) is blamed on the
 *       downstream, not the record: it uses no attempt either, for up to {@link
 *       Builder#outageGrace} after the record's first failure — so an outage shorter than that
 *       never fills the DLT, while a poison record that holds the breaker open by itself (on an
 *       otherwise quiet topic) still reaches the DLT after the grace.
 *   <li>The handler runs. A record that cannot be decoded skips the retries: it goes straight to
 *       the DLT.
 *   <li>On an exception the retry decides: another attempt after a backoff ({@link
 *       Builder#backoff}) — the record's partition (or key, in the worker strategy's key mode)
 *       waits, nothing else does — or, after {@link Builder#maxAttempts} attempts or for an
 *       exception that is not retryable, the DLT.
 *   <li>The record is written to the DLT (same partition number if the DLT has it) with its key,
 *       value and headers plus {@link DeadLetterHeaders}. Only when the broker acknowledged that
 *       write does the record count as finished, so its offset may be committed.
 *   <li>Without a DLT ({@link Builder#noDeadLetterTopic()}), or if the DLT write fails, the engine
 *       stops with the error: the record stays uncommitted, nothing is lost.
 * </ol>
 *
 * <p>Defaults: 3 attempts, backoff 200 ms doubling up to 5 s, every exception retryable, DLT
 * {@code <topic>.dlt} (created with the source topic's partition count if missing), and a
 * circuit breaker that opens when half of the last 10 calls failed (at least 5 calls), stays
 * OPEN 10 s, then lets 3 trial calls through, with the automatic OPEN → HALF_OPEN transition on.
 * The window is far smaller than resilience4j's default (100 calls): a consumer's failing
 * record holds its partition while it waits for a retry, so failures arrive a few per backoff,
 * and with 100 calls records would use up their attempts before the breaker noticed an outage. {@link #failFast()} is the old behaviour: the first
 * failure stops the engine.
 */
public final class ErrorPolicy {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ErrorPolicy.class);

  /** Default attempts, counting the first. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** Default first backoff. */
  public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(200);
  /** Default longest backoff. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  /** Default suffix of the dead-letter topic. */
  public static final String DEFAULT_DLT_SUFFIX = ".dlt";
  /** Default time a record's failures are blamed on an open breaker rather than on the record. */
  public static final Duration DEFAULT_OUTAGE_GRACE = Duration.ofMinutes(1);
  /** Default wait in OPEN before the breaker lets a few trial records through. */
  public static final Duration DEFAULT_BREAKER_WAIT = Duration.ofSeconds(10);

  /** Default breaker window: the last this many handler calls. */
  public static final int DEFAULT_BREAKER_WINDOW = 10;
  /** Default calls the breaker needs in its window before it may open. */
  public static final int DEFAULT_BREAKER_MIN_CALLS = 5;

  /** The default policy (see the class comment); declared after the defaults it reads. */
  public static final ErrorPolicy DEFAULT = builder().build();

  private final int maxAttempts;
  private final Duration backoff;
  private final double multiplier;
  private final Duration maxBackoff;
  private final Predicate<Throwable> retryable;
  private final RetryConfig retryConfig;
  private final Function<String, String> deadLetterTopic;
  private final boolean createDeadLetterTopic;
  private final Map<String, Object> producerProperties;
  private final Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory;
  private final CircuitBreakerConfig breakerConfig;
  private final CircuitBreaker breaker;
  private final Duration outageGrace;

  private ErrorPolicy(Builder b) {
    this.outageGrace = b.outageGrace;
    this.maxAttempts = b.maxAttempts;
    this.backoff = b.backoff;
    this.multiplier = b.multiplier;
    this.maxBackoff = b.maxBackoff;
    this.retryable = b.retryable;
    this.deadLetterTopic = b.deadLetterTopic;
    this.createDeadLetterTopic = b.createDeadLetterTopic;
    this.producerProperties = Map.copyOf(b.producerProperties);
    this.producerFactory = b.producerFactory;
    this.breakerConfig = b.breakerConfig;
    this.breaker = b.breaker;
    this.retryConfig =
        b.retryConfig != null
            ? b.retryConfig
            : RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .intervalFunction(
                    IntervalFunction.ofExponentialBackoff(backoff, multiplier, maxBackoff))
                .retryOnException(retryable)
                .failAfterMaxAttempts(false)
                .build();
  }

  private ErrorPolicy(ErrorPolicy other, CircuitBreaker breaker) {
    this.maxAttempts = other.maxAttempts;
    this.backoff = other.backoff;
    this.multiplier = other.multiplier;
    this.maxBackoff = other.maxBackoff;
    this.retryable = other.retryable;
    this.retryConfig = other.retryConfig;
    this.deadLetterTopic = other.deadLetterTopic;
    this.createDeadLetterTopic = other.createDeadLetterTopic;
    this.producerProperties = other.producerProperties;
    this.producerFactory = other.producerFactory;
    this.breakerConfig = null;
    this.breaker = breaker;
    this.outageGrace = other.outageGrace;
  }

  /**
   * This policy with this breaker instance: how an engine with several consumer threads makes
   * them share one breaker (one downstream, one breaker).
   */
  public ErrorPolicy withCircuitBreaker(CircuitBreaker breaker) {
    return new ErrorPolicy(this, Objects.requireNonNull(breaker, "breaker"));
  }

  /** How long a record's failures while the breaker is not CLOSED use no attempt. */
  public Duration outageGrace() {
    return outageGrace;
  }

  /** Whether a circuit breaker is configured. */
  public boolean hasCircuitBreaker() {
    return breaker != null || breakerConfig != null;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** No retry, no dead-letter topic, no breaker: the first failure stops the engine. */
  public static ErrorPolicy failFast() {
    return builder().maxAttempts(1).noDeadLetterTopic().noCircuitBreaker().build();
  }

  /** The resilience4j retry configuration the engines use. */
  public RetryConfig retryConfig() {
    return retryConfig;
  }

  /** Attempts per record, counting the first. */
  public int maxAttempts() {
    return retryConfig.getMaxAttempts();
  }

  /** The dead-letter topic for a source topic, if dead-lettering is on. */
  public Optional<String> deadLetterTopic(String sourceTopic) {
    return deadLetterTopic == null ? Optional.empty() : Optional.of(deadLetterTopic.apply(sourceTopic));
  }

  /** Whether a missing dead-letter topic is created (with the source topic's partition count). */
  public boolean createDeadLetterTopic() {
    return createDeadLetterTopic;
  }

  /** Extra properties of the dead-letter producer. */
  public Map<String, Object> producerProperties() {
    return producerProperties;
  }

  /** Makes the dead-letter producer from its configuration. */
  public Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory() {
    return producerFactory;
  }

  /**
   * The breaker for an engine: the instance given to {@link Builder#circuitBreaker(CircuitBreaker)}
   * (shared with whoever else uses it), else a new one named {@code name} from the configuration,
   * or empty when the breaker is off. An engine calls this once and shares it among its threads.
   */
  public Optional<CircuitBreaker> newCircuitBreaker(String name) {
    if (breaker != null) {
      return Optional.of(breaker);
    }
    if (breakerConfig == null) {
      return Optional.empty();
    }
    CircuitBreaker created = CircuitBreaker.of(name, breakerConfig);
    created.getEventPublisher().onStateTransition(e -> LOG.warn("{}: circuit breaker {} ({})",
        name, e.getStateTransition(), created.getMetrics().getFailureRate() < 0 ? "no rate yet"
            : "failure rate " + Math.round(created.getMetrics().getFailureRate()) + " %"));
    return Optional.of(created);
  }

  @Override
  public String toString() {
    return "ErrorPolicy{maxAttempts=" + maxAttempts() + ", backoff=" + backoff + "×" + multiplier
        + "≤" + maxBackoff + ", dlt=" + (deadLetterTopic == null ? "none" : deadLetterTopic.apply("<topic>"))
        + ", breaker=" + (breaker != null ? breaker.getName() : breakerConfig != null ? "on" : "off") + "}";
  }

  /** Builds an {@link ErrorPolicy}; every setting is checked at {@link #build()}. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration backoff = DEFAULT_BACKOFF;
    private double multiplier = 2.0;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Predicate<Throwable> retryable = t -> true;
    private RetryConfig retryConfig;
    private Function<String, String> deadLetterTopic = t -> t + DEFAULT_DLT_SUFFIX;
    private boolean createDeadLetterTopic = true;
    private final Map<String, Object> producerProperties = new HashMap<>();
    private Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory =
        config -> new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    private CircuitBreakerConfig breakerConfig = defaultBreaker(DEFAULT_BREAKER_WAIT);
    private CircuitBreaker breaker;
    private Duration outageGrace = DEFAULT_OUTAGE_GRACE;

    private Builder() {}

    /**
     * How long after a record's first failure its failures are blamed on the downstream when they
     * find the breaker OPEN or HALF_OPEN, using no attempt (default 1 min; zero turns it off).
     */
    public Builder outageGrace(Duration grace) {
      this.outageGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /** Attempts per record counting the first (default 3); 1 means no retry. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Exponential backoff between attempts: {@code first}, then multiplied by {@code multiplier}
     * each time, never above {@code max} (default 200 ms × 2 ≤ 5 s).
     */
    public Builder backoff(Duration first, double multiplier, Duration max) {
      this.backoff = Objects.requireNonNull(first, "first");
      this.multiplier = multiplier;
      this.maxBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    /** Which exceptions are worth another attempt (default: all); the rest go to the DLT at once. */
    public Builder retryOn(Predicate<Throwable> retryable) {
      this.retryable = Objects.requireNonNull(retryable, "retryable");
      return this;
    }

    /** Exceptions of these classes (or subclasses) go to the DLT without another attempt. */
    @SafeVarargs
    public final Builder noRetryFor(Class<? extends Throwable>... exceptions) {
      List<Class<? extends Throwable>> list = new ArrayList<>(List.of(exceptions));
      Predicate<Throwable> before = retryable;
      this.retryable = t -> before.test(t) && list.stream().noneMatch(c -> c.isInstance(t));
      return this;
    }

    /**
     * A complete resilience4j retry configuration, for what the shorthands do not cover (e.g. an
     * interval function with jitter). Replaces maxAttempts, backoff and retryOn.
     */
    public Builder retry(RetryConfig retryConfig) {
      this.retryConfig = Objects.requireNonNull(retryConfig, "retryConfig");
      return this;
    }

    /** The dead-letter topic is the source topic plus this suffix (default {@code .dlt}). */
    public Builder deadLetterTopicSuffix(String suffix) {
      Objects.requireNonNull(suffix, "suffix");
      this.deadLetterTopic = t -> t + suffix;
      return this;
    }

    /** Every source topic dead-letters to this one topic. */
    public Builder deadLetterTopic(String topic) {
      Objects.requireNonNull(topic, "topic");
      this.deadLetterTopic = t -> topic;
      return this;
    }

    /** No dead-letter topic: a record that fails every attempt stops the engine, uncommitted. */
    public Builder noDeadLetterTopic() {
      this.deadLetterTopic = null;
      return this;
    }

    /**
     * Whether a missing dead-letter topic is created on first use with the source topic's
     * partition count and the broker's default replication (default true). When false and it is
     * missing, the engine stops with a message saying how to create it.
     */
    public Builder createDeadLetterTopic(boolean create) {
      this.createDeadLetterTopic = create;
      return this;
    }

    /**
     * A property of the dead-letter producer. It starts from the consumer's connection and
     * security settings, with {@code acks=all} and idempotence; this overrides any of them.
     */
    public Builder deadLetterProducerProperty(String key, Object value) {
      producerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Where the dead-letter producer comes from; tests pass a {@code MockProducer}. */
    public Builder deadLetterProducer(Function<Map<String, Object>, Producer<byte[], byte[]>> factory) {
      this.producerFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * A circuit breaker built from this configuration for each engine. Note resilience4j turns
     * the automatic OPEN → HALF_OPEN transition off by default; the engine also probes the
     * breaker while records wait, so it recovers either way.
     */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      this.breakerConfig = Objects.requireNonNull(config, "config");
      this.breaker = null;
      return this;
    }

    /**
     * A breaker instance you already use around the downstream (e.g. your HTTP client's): when
     * your own calls open it, the consumer pauses too.
     */
    public Builder circuitBreaker(CircuitBreaker breaker) {
      this.breaker = Objects.requireNonNull(breaker, "breaker");
      this.breakerConfig = null;
      return this;
    }

    /** The default breaker configuration with another wait in OPEN. */
    public Builder circuitBreakerWait(Duration waitInOpen) {
      return circuitBreaker(defaultBreaker(Objects.requireNonNull(waitInOpen, "waitInOpen")));
    }

    /** No circuit breaker. */
    public Builder noCircuitBreaker() {
      this.breakerConfig = null;
      this.breaker = null;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @throws InvalidSettingsException listing every problem with its fix
     */
    public ErrorPolicy build() {
      List<String> problems = new ArrayList<>();
      if (retryConfig == null) {
        if (maxAttempts < 1) {
          problems.add("maxAttempts must be at least 1 (got " + maxAttempts + "); 1 means no retry");
        }
        if (backoff.isNegative() || backoff.isZero()) {
          problems.add("backoff must be positive (got " + backoff + ")");
        }
        if (multiplier < 1.0) {
          problems.add("backoff multiplier must be at least 1.0 (got " + multiplier + ")");
        }
        if (maxBackoff.compareTo(backoff) < 0) {
          problems.add("max backoff " + maxBackoff + " is below the first backoff " + backoff);
        }
      }
      if (outageGrace.isNegative()) {
        problems.add("outageGrace must not be negative (got " + outageGrace + ")");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new ErrorPolicy(this);
    }

    private static CircuitBreakerConfig defaultBreaker(Duration wait) {
      return CircuitBreakerConfig.custom()
          .slidingWindowSize(DEFAULT_BREAKER_WINDOW)
          .minimumNumberOfCalls(DEFAULT_BREAKER_MIN_CALLS)
          .failureRateThreshold(50)
          .permittedNumberOfCallsInHalfOpenState(3)
          .waitDurationInOpenState(wait)
          .automaticTransitionFromOpenToHalfOpenEnabled(true)
          .build();
    }
  }
}
