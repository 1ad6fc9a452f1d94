package io.kcp.core;

import io.kcp.core.internal.RecordDecoder;
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
 * handler throws, the engine commits what finished before the failed record, closes the consumer
 * and turns {@link EngineState#FAILED}; the failed record will be delivered again to whoever
 * consumes the partition next. Retries and dead-lettering are the error policy's job.
 */
public final class SingleThreadConsumer {

  /** Default interval between asynchronous commits. */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);

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
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private ConsumerFactory consumerFactory = ConsumerFactory.kafka();

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

    /**
     * How often finished offsets are committed asynchronously while running (default 1 s). A
     * synchronous commit always happens on revoke and on close.
     */
    public Builder<K, V> commitInterval(Duration commitInterval) {
      Objects.requireNonNull(commitInterval, "commitInterval");
      if (commitInterval.isNegative()) {
        throw new InvalidSettingsException(
            java.util.List.of(
                "commitInterval must not be negative (got "
                    + commitInterval
                    + "): use Duration.ZERO to commit after every poll"));
      }
      this.commitInterval = commitInterval;
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
      RecordHandler<K, V> h = handler;
      return CoreWiring.singleThreadEngine(
          settings, raw -> h.handle(decoder.decode(raw)), consumerFactory, commitInterval);
    }
  }
}
