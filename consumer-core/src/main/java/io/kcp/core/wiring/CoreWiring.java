package io.kcp.core.wiring;

import io.kcp.core.spi.PollLoop;
import io.kcp.core.spi.PollLoopSpec;

/**
 * The door between the hand-written factories of the api package and the Dagger components, which
 * stay package-private. Not meant to be called by users: use {@code SingleThreadConsumer.of}.
 */
public final class CoreWiring {
  private CoreWiring() {}

  /** Builds a single-thread poll loop through its Dagger component. */
  public static PollLoop singleThreadEngine(PollLoopSpec spec) {
    return DaggerSingleThreadComponent.factory().create(spec).engine();
  }
}
