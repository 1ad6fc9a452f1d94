package io.kcp.core.spi;

import io.kcp.core.EngineListener;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls an {@link EngineListener} the way every engine must: with a copy of the partitions, and
 * never letting the user's exception escape into the consumer's rebalance.
 */
public final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private Listeners() {}

  /** Tells {@code listener} that {@code partitions} were assigned to {@code consumer}. */
  public static void assigned(EngineListener listener, Collection<TopicPartition> partitions,
      Consumer<?, ?> consumer, String engine) {
    try {
      listener.onPartitionsAssigned(List.copyOf(partitions), generation(consumer));
    } catch (Throwable e) {
      LOG.warn("{}: the engine listener failed on an assignment: {}", engine, e.toString());
    }
  }

  /** The consumer's group generation (member epoch under KIP-848), -1 if it has none. */
  public static int generation(Consumer<?, ?> consumer) {
    try {
      return consumer.groupMetadata().generationId();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Tells {@code listener} that the engine let go of {@code partitions}. */
  public static void revoked(EngineListener listener, Collection<TopicPartition> partitions, Duration drained,
      String engine) {
    try {
      listener.onPartitionsRevoked(List.copyOf(partitions), drained);
    } catch (Throwable e) {
      LOG.warn("{}: the engine listener failed on a revoke: {}", engine, e.toString());
    }
  }

  /** Tells {@code listener} that {@code partitions} were lost. */
  public static void lost(EngineListener listener, Collection<TopicPartition> partitions, String engine) {
    try {
      listener.onPartitionsLost(List.copyOf(partitions));
    } catch (Throwable e) {
      LOG.warn("{}: the engine listener failed on a loss: {}", engine, e.toString());
    }
  }
}
