package io.kcp.worker.wiring;

import io.kcp.core.spi.PollLoopSpec;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategyEngine;

/** The door between {@code WorkerStrategy.of} and the Dagger component. Not for users. */
public final class WorkerWiring {
  private WorkerWiring() {}

  /** Builds the engine through its component. */
  public static WorkerStrategyEngine engine(PollLoopSpec spec, WorkerConfig worker) {
    return DaggerWorkerComponent.factory().create(spec, worker).engine();
  }
}
