package io.kcp.partition.wiring;

import io.kcp.core.ConsumerEngine;
import io.kcp.partition.PartitionStrategyEngine;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * The door between {@code PartitionStrategy.builder} and the Dagger component. Not meant for
 * users: use the builder.
 */
public final class PartitionWiring {
  private PartitionWiring() {}

  /** Builds the engine through its component. */
  public static PartitionStrategyEngine engine(
      int threads,
      IntFunction<ConsumerEngine> slotFactory,
      Duration backoff,
      Duration maxBackoff,
      String name) {
    return DaggerPartitionComponent.factory()
        .create(new PartitionModule.Config(threads, backoff, maxBackoff, name), slotFactory)
        .engine();
  }
}
