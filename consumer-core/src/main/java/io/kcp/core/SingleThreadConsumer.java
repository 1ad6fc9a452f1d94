package io.kcp.core;

import io.kcp.core.spi.DecodingHandler;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.wiring.CoreWiring;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The baseline: one thread, one {@code KafkaConsumer}, records handled one after another in poll
 * order, offsets committed only after their handler returned.
 *
 * <p>This is the consumer every Kafka tutorial starts with, and the yardstick the multi-threaded
 * strategies are measured against. {@code kcp consume --strategy single} runs it.
 *
 * <pre>{@code
 * ConsumerEngine engine = SingleThreadConsumer.of(
 *     EngineConfig.ofDefaults(settings),
 *     record -> System.out.println(record.value()));
 * engine.start();
 * ...
 * engine.close(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Guarantees: at least once (an offset is committed only once every earlier record of its
 * partition handed to the handler finished); per-partition order (one record at a time). When the
 * handler throws — an exception or an {@code Error} — the {@link ErrorPolicy} decides: the record
 * is retried after a backoff (its partition is paused meanwhile; the thread's other partitions go
 * on), then written to the dead-letter topic; while the circuit breaker is not CLOSED the
 * partitions stay paused and only waiting records are tried. With {@link ErrorPolicy#failFast()}
 * the engine commits what finished before the failed record, closes the consumer and turns
 * {@link EngineState#FAILED}; the failed record will be delivered again to whoever consumes the
 * partition next.
 */
public final class SingleThreadConsumer {

  private SingleThreadConsumer() {}

  /**
   * A single-thread engine (not started) for records with {@code String} keys and values.
   *
   * @param config the engine's config
   * @param handler the business logic, called once per record on the poll thread
   */
  public static ConsumerEngine of(EngineConfig config, RecordHandler<String, String> handler) {
    return build(config, DecodingHandler.ofStrings(handler));
  }

  /**
   * A single-thread engine (not started) with the given deserializers.
   *
   * @param config the engine's config
   * @param keyDeserializer decodes record keys (called on the poll thread)
   * @param valueDeserializer decodes record values (called on the poll thread)
   * @param handler the business logic, called once per record on the poll thread
   */
  public static <K, V> ConsumerEngine of(
      EngineConfig config,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer,
      RecordHandler<K, V> handler) {
    return build(config, DecodingHandler.of(keyDeserializer, valueDeserializer, handler));
  }

  private static ConsumerEngine build(EngineConfig config, DecodingHandler handling) {
    Objects.requireNonNull(config, "config");
    String name = config.name().orElse("kcp-single-" + config.settings().groupId());
    return CoreWiring.singleThreadEngine(new PollLoopSpec(
        config, handling, name, 0, config.errorPolicy().newCircuitBreaker(name)));
  }
}
