package io.kcp.core;

import io.kcp.core.internal.EngineOptions;
import io.kcp.core.spi.RecordDecoder;
import io.kcp.core.spi.RecordRunner;
import io.opentelemetry.api.OpenTelemetry;
import io.kcp.core.wiring.CoreWiring;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The baseline: one thread, one {@code KafkaConsumer}, records handled one after another in poll
 * order, offsets committed only after their handler returned.
 *
 * <p>This is the consumer every Kafka tutorial starts with, and the yardstick the multi-threaded
 * strategies are measured against. It is also the plain read-back {@code kcp tour} uses.
 *
 * <pre>{@code
 * ConsumerEngine engine = SingleThreadConsumer.builder(settings)
 *     .handler(record -> System.out.println(record.value()))
 *     .build();
 * engine.start();
 * ...
 * engine.close(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Guarantees: at least once (an offset is committed only once every earlier record of its
 * partition handed to the handler finished); per-partition order (one record at a time). When the
 * handler throws, the {@link ErrorPolicy} decides: the record is retried after a backoff (its
 * partition is paused meanwhile; the thread's other partitions go on), then written to the
 * dead-letter topic; while the circuit breaker is OPEN every partition is paused. With {@link
 * ErrorPolicy#failFast()} the engine commits what finished before the failed record, closes the
 * consumer and turns {@link EngineState#FAILED}; the failed record will be delivered again to
 * whoever consumes the partition next.
 */
public final class SingleThreadConsumer {

  /** Default bound for reaching the cluster at start. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

  private SingleThreadConsumer() {}

  /**
   * Starts a builder for records with {@code String} keys and values.
   *
   * @param settings validated consumer settings
   */
  public static Builder<String, String> builder(ConsumerSettings settings) {
    return new Builder<>(settings, new StringDeserializer(), new StringDeserializer());
  }

  /**
   * Starts a builder with the given deserializers.
   *
   * @param settings validated consumer settings
   * @param keyDeserializer decodes record keys (called on the consumer thread)
   * @param valueDeserializer decodes record values (called on the consumer thread)
   */
  public static <K, V> Builder<K, V> builder(
      ConsumerSettings settings,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer) {
    return new Builder<>(settings, keyDeserializer, valueDeserializer);
  }

  /**
   * Builds a single-thread {@link ConsumerEngine}.
   *
   * @param <K> key type
   * @param <V> value type
   */
  public static final class Builder<K, V> {
    private final ConsumerSettings settings;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private RecordHandler<K, V> handler;
    private CommitPolicy commitPolicy = CommitPolicy.DEFAULT;
    private MissingTopicPolicy missingTopics = MissingTopicPolicy.FAIL;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private String threadName;
    private ConsumerFactory consumerFactory = ConsumerFactory.kafka();
    private ErrorPolicy errorPolicy = ErrorPolicy.DEFAULT;
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private ProducerContext producerContext = ProducerContext.PARENT;

    private Builder(
        ConsumerSettings settings,
        Deserializer<K> keyDeserializer,
        Deserializer<V> valueDeserializer) {
      this.settings = Objects.requireNonNull(settings, "settings");
      this.keyDeserializer = Objects.requireNonNull(keyDeserializer, "keyDeserializer");
      this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
    }

    /** The business logic, called once per record. Required. */
    public Builder<K, V> handler(RecordHandler<K, V> handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** When finished offsets are committed (default {@link CommitPolicy#DEFAULT}). */
    public Builder<K, V> commitPolicy(CommitPolicy commitPolicy) {
      this.commitPolicy = Objects.requireNonNull(commitPolicy, "commitPolicy");
      return this;
    }

    /**
     * Shorthand for a {@link CommitPolicy} with this interval and the default record count. A
     * synchronous commit always happens on revoke and on close.
     */
    public Builder<K, V> commitInterval(Duration commitInterval) {
      this.commitPolicy =
          CommitPolicy.builder()
              .interval(commitInterval)
              .everyRecords(commitPolicy.everyRecords())
              .build();
      return this;
    }

    /** What to do when a subscribed topic does not exist at start (default: fail). */
    public Builder<K, V> missingTopics(MissingTopicPolicy missingTopics) {
      this.missingTopics = Objects.requireNonNull(missingTopics, "missingTopics");
      return this;
    }

    /**
     * How long the engine waits for the cluster to answer at start before it fails (default
     * 30 s): an unreachable broker is a clear failure, not a thread retrying forever.
     */
    public Builder<K, V> startupTimeout(Duration startupTimeout) {
      Objects.requireNonNull(startupTimeout, "startupTimeout");
      if (startupTimeout.isNegative() || startupTimeout.isZero()) {
        throw new InvalidSettingsException(
            java.util.List.of("startupTimeout must be positive (got " + startupTimeout + ")"));
      }
      this.startupTimeout = startupTimeout;
      return this;
    }

    /** The poll thread's name (default {@code kcp-single-<group>}). */
    public Builder<K, V> threadName(String threadName) {
      this.threadName = Objects.requireNonNull(threadName, "threadName");
      return this;
    }

    /** Retries, dead-letter topic and circuit breaker (default {@link ErrorPolicy#DEFAULT}). */
    public Builder<K, V> errorPolicy(ErrorPolicy errorPolicy) {
      this.errorPolicy = Objects.requireNonNull(errorPolicy, "errorPolicy");
      return this;
    }

    /** Where spans and metrics go (default no-op); see {@link io.kcp.core.spi.ConsumerTelemetry}. */
    public Builder<K, V> openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /** Whether a process span is the producer span's child or only linked (default child). */
    public Builder<K, V> producerContext(ProducerContext producerContext) {
      this.producerContext = Objects.requireNonNull(producerContext, "producerContext");
      return this;
    }

    /** Where the raw consumer comes from; tests pass a {@code MockConsumer}. */
    public Builder<K, V> consumerFactory(ConsumerFactory consumerFactory) {
      this.consumerFactory = Objects.requireNonNull(consumerFactory, "consumerFactory");
      return this;
    }

    /**
     * Builds the engine (not started).
     *
     * @throws InvalidSettingsException when no handler was given
     */
    public ConsumerEngine build() {
      if (handler == null) {
        throw new InvalidSettingsException(
            java.util.List.of(
                "handler is required: call .handler(record -> ...) with your business logic"));
      }
      RecordDecoder<K, V> decoder = new RecordDecoder<>(keyDeserializer, valueDeserializer);
      String name = threadName != null ? threadName : "kcp-single-" + settings.groupId();
      EngineOptions options = new EngineOptions(commitPolicy, missingTopics, startupTimeout, name);
      RecordRunner runner = RecordRunner.create(
          decoder,
          handler,
          errorPolicy,
          openTelemetry,
          producerContext,
          settings,
          name);
      return CoreWiring.singleThreadEngine(settings, runner, consumerFactory, options);
    }
  }
}
