package io.kcp.share;

import io.kcp.core.EngineConfig;
import io.kcp.core.InvalidSettingsException;
import io.kcp.core.RecordHandler;
import io.kcp.core.spi.DecodingHandler;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.spi.Workers;
import io.kcp.share.internal.ShareSettings;
import io.kcp.share.wiring.ShareWiring;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The share-group strategy (KIP-932, 공유 그룹): {@code members} share consumers in one share
 * group, each owned by one thread, with a pool of {@code concurrency} workers behind them. The
 * broker hands out records with a time-limited lock and keeps each record's state, so:
 *
 * <ul>
 *   <li>the note's first caveat (an offset committed before its record was handled) cannot
 *       happen: a record is acknowledged after its handler, and a crashed member's records come
 *       back when their locks expire;
 *   <li>members are not capped by the partition count: every member may get records of every
 *       partition;
 *   <li>the second caveat stays: there is <b>no order</b>, not per partition, not per key.
 * </ul>
 *
 * <pre>{@code
 * ShareStrategyEngine engine = ShareStrategy.of(
 *     EngineConfig.ofDefaults(settings),
 *     ShareConfig.custom().members(4).concurrency(64).startFrom("earliest").build(),
 *     record -> process(record));
 * engine.start();
 * }</pre>
 *
 * <p>The error policy's attempts are the broker's deliveries: a failed attempt is released and
 * delivered again; when the deliveries reach {@code maxAttempts} the record goes to the
 * dead-letter topic, or is rejected (archived by the broker) without one. Keep the group's {@code
 * share.delivery.count.limit} (default 5) above {@code maxAttempts}, or the broker archives a
 * failing record before the policy sees it spent.
 */
public final class ShareStrategy {

  private ShareStrategy() {}

  /** A share engine (not started) for records with {@code String} keys and values. */
  public static ShareStrategyEngine of(EngineConfig config, ShareConfig share, RecordHandler<String, String> handler) {
    return build(config, share, ShareConsumerFactory.kafka(), DecodingHandler.ofStrings(handler));
  }

  /** A share engine (not started) with the given deserializers and share consumer factory. */
  public static <K, V> ShareStrategyEngine of(
      EngineConfig config,
      ShareConfig share,
      ShareConsumerFactory consumers,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer,
      RecordHandler<K, V> handler) {
    return build(config, share, consumers, DecodingHandler.of(keyDeserializer, valueDeserializer, handler));
  }

  private static ShareStrategyEngine build(
      EngineConfig config, ShareConfig share, ShareConsumerFactory consumers, DecodingHandler handling) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(share, "share");
    Objects.requireNonNull(consumers, "consumers");
    ShareSettings.check(config);
    if (share.virtualThreads() && !Workers.virtualThreadsAvailable()) {
      throw new InvalidSettingsException(List.of("virtualThreads needs a Java 21+ runtime (this is Java "
          + Runtime.version().feature() + "): run on 21+ or use platform threads"));
    }
    String name = config.name().orElse("kcp-share-" + config.settings().groupId());
    PollLoopSpec spec = new PollLoopSpec(config, handling, name, 0, config.errorPolicy().newCircuitBreaker(name));
    return ShareWiring.engine(spec, share, consumers);
  }
}
