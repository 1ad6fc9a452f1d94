package io.kcp.worker.wiring;

import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.spi.RecordRunner;
import io.kcp.worker.WorkerStrategyEngine;
import io.kcp.worker.internal.WorkerConfig;

/** The door between {@code WorkerStrategy.builder} and the Dagger component. Not for users. */
public final class WorkerWiring {
  private WorkerWiring() {}

  /** Builds the engine through its component. */
  public static WorkerStrategyEngine engine(
      ConsumerSettings settings,
      RecordRunner processor,
      ConsumerFactory consumerFactory,
      WorkerConfig config) {
    return DaggerWorkerComponent.factory()
        .create(settings, processor, consumerFactory, config)
        .engine();
  }
}
