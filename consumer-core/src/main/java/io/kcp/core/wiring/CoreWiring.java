package io.kcp.core.wiring;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.internal.EngineOptions;

/**
 * The door between the hand-written builders of the api package and the Dagger components, which
 * stay package-private. Not meant to be called by users: use {@code SingleThreadConsumer.builder}.
 */
public final class CoreWiring {
  private CoreWiring() {}

  /** Builds a single-thread engine through its Dagger component. */
  public static ConsumerEngine singleThreadEngine(
      ConsumerSettings settings,
      RecordRunner runner,
      ConsumerFactory consumerFactory,
      EngineOptions options) {
    return DaggerSingleThreadComponent.factory()
        .create(settings, runner, consumerFactory, options)
        .engine();
  }
}
