package io.kcp.partition;

import io.kcp.core.EngineConfig;
import io.kcp.core.RecordHandler;
import io.kcp.core.SingleThreadConsumer;
import io.kcp.core.spi.DecodingHandler;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.partition.wiring.PartitionWiring;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The consumer-per-thread strategy (컨슈머 멀티 스레드 전략): {@code threads} consumer threads,
 * each owning one {@code KafkaConsumer}, all in one consumer group. Kafka spreads the partitions
 * over them, so each partition is handled by one thread at a time, in offset order, and the
 * threads scale up to the partition count — beyond it, the extra threads sit idle.
 *
 * <pre>{@code
 * PartitionStrategyEngine engine = PartitionStrategy.of(
 *     EngineConfig.ofDefaults(settings),
 *     PartitionConfig.ofThreads(12),
 *     record -> process(record));
 * engine.start();
 * EngineShutdownHook.install(engine, Duration.ofSeconds(20));
 * }</pre>
 *
 * <p>Each thread is the core's poll loop ({@link SingleThreadConsumer}): an offset is committed
 * only after its record was handled; the threads share one circuit breaker. When one thread fails
 * (a record that can be neither handled nor dead-lettered, its consumer dies), the engine turns
 * {@code DEGRADED}, restarts that thread with exponential backoff while the others keep consuming,
 * and commits nothing past the failed record. A failure to start (unreachable cluster, missing
 * topic) or a static member fenced by another instance with its id fails the whole engine instead:
 * restarting would fail the same way, or fence the other instance in turn.
 *
 * <p>The engine is immutable once made: each restart builds its thread from the same config.
 */
public final class PartitionStrategy {

  private PartitionStrategy() {}

  /**
   * A consumer-per-thread engine (not started) for records with {@code String} keys and values.
   *
   * @param config what every strategy shares: settings, commits, errors, telemetry, group joining
   * @param partition threads and restarts
   * @param handler the business logic, called on the thread that owns the record's partition
   */
  public static PartitionStrategyEngine of(
      EngineConfig config, PartitionConfig partition, RecordHandler<String, String> handler) {
    return build(config, partition, DecodingHandler.ofStrings(handler));
  }

  /** A consumer-per-thread engine (not started) with the given deserializers. */
  public static <K, V> PartitionStrategyEngine of(
      EngineConfig config,
      PartitionConfig partition,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer,
      RecordHandler<K, V> handler) {
    return build(config, partition, DecodingHandler.of(keyDeserializer, valueDeserializer, handler));
  }

  private static PartitionStrategyEngine build(
      EngineConfig config, PartitionConfig partition, DecodingHandler handling) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(partition, "partition");
    String name = config.name().orElse("kcp-partition-" + config.settings().groupId());
    // one breaker for the whole engine, shared by its threads (and their restarts)
    PollLoopSpec base = new PollLoopSpec(config, handling, name, 0, config.errorPolicy().newCircuitBreaker(name));
    return PartitionWiring.engine(base, partition);
  }
}
