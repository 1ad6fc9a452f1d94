package io.kcp.partition.wiring;

import io.kcp.core.spi.PollLoopSpec;
import io.kcp.partition.PartitionConfig;
import io.kcp.partition.PartitionStrategyEngine;

/**
 * The door between {@code PartitionStrategy.of} and the Dagger component. Not meant for users.
 */
public final class PartitionWiring {
  private PartitionWiring() {}

  /** Builds the engine through its component. */
  public static PartitionStrategyEngine engine(PollLoopSpec base, PartitionConfig config) {
    return DaggerPartitionComponent.factory().create(base, config).engine();
  }
}
