package io.kcp.worker;

import io.kcp.core.spi.Workers;
import io.kcp.core.EngineConfig;
import io.kcp.core.RecordHandler;
import io.kcp.core.spi.DecodingHandler;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.worker.wiring.WorkerWiring;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The multi worker thread strategy (멀티 워커 스레드 전략): one thread polls, a pool of
 * {@code concurrency} workers handles the records — so a slow handler scales past the partition
 * count.
 *
 * <pre>{@code
 * WorkerStrategyEngine engine = WorkerStrategy.of(
 *     EngineConfig.ofDefaults(settings),
 *     WorkerConfig.custom().ordering(Ordering.KEY).concurrency(64).build(),
 *     record -> callSlowService(record));
 * engine.start();
 * }</pre>
 *
 * <p>The note warns of two caveats of this design: offsets committed before processing finished
 * (records lost on a crash or rebalance), and workers finishing at different speeds (records of a
 * partition or key handled out of order). {@link Ordering#NAIVE} has both, on purpose, to show
 * them — it runs in an engine of its own; the other modes have neither: an offset is committed
 * only when every earlier record of its partition finished (the {@code OffsetLedger}), and {@link
 * Ordering#PARTITION} / {@link Ordering#KEY} never start a record before the previous one of its
 * partition / key finished.
 *
 * <p>Backpressure: a partition whose backlog reaches {@code maxInFlightPerPartition} is paused,
 * and every partition while the total reaches {@code maxInFlight}; the poll thread keeps polling,
 * so memory stays bounded and the consumer stays in the group however slow the handler. On
 * revoke, the revoked partitions' waiting records never start (queued ones are cancelled when a
 * worker picks them up), their running ones get the config's {@code drainTimeout} to finish, and
 * what finished is committed before the partitions move.
 */
public final class WorkerStrategy {

  private WorkerStrategy() {}

  /** Whether this runtime has virtual threads (Java 21+). */
  public static boolean virtualThreadsAvailable() {
    return Workers.virtualThreadsAvailable();
  }

  /**
   * A worker-strategy engine (not started) for records with {@code String} keys and values.
   *
   * @param config what every strategy shares: settings, commits, errors, telemetry, group joining
   * @param worker ordering, workers, backpressure
   * @param handler the business logic, called on a worker thread
   */
  public static WorkerStrategyEngine of(
      EngineConfig config, WorkerConfig worker, RecordHandler<String, String> handler) {
    return build(config, worker, DecodingHandler.ofStrings(handler));
  }

  /**
   * A worker-strategy engine (not started) with the given deserializers (called on the workers).
   */
  public static <K, V> WorkerStrategyEngine of(
      EngineConfig config,
      WorkerConfig worker,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer,
      RecordHandler<K, V> handler) {
    return build(config, worker, DecodingHandler.of(keyDeserializer, valueDeserializer, handler));
  }

  private static WorkerStrategyEngine build(EngineConfig config, WorkerConfig worker, DecodingHandler handling) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(worker, "worker");
    String name = config.name().orElse("kcp-worker-" + config.settings().groupId());
    return WorkerWiring.engine(
        new PollLoopSpec(config, handling, name, 0, config.errorPolicy().newCircuitBreaker(name)), worker);
  }
}
