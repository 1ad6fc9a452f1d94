package io.kcp.share.wiring;

import dagger.Module;
import dagger.Provides;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.NanoClock;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.spi.Workers;
import io.kcp.core.wiring.EngineScope;
import io.kcp.share.ShareConfig;
import io.kcp.share.ShareConsumerFactory;
import io.kcp.share.internal.ShareEngine;

/**
 * Bindings of the share strategy: the workers (platform or virtual threads, per {@link
 * ShareConfig#virtualThreads()}) and the engine; the life cycle, telemetry and record runner come
 * from the core's module. Public for users who wire with Dagger.
 */
@Module
public final class ShareModule {
  private ShareModule() {}

  @Provides
  static Workers workers(ShareConfig config) {
    return config.virtualThreads() ? Workers.virtual() : Workers.platform();
  }

  @Provides
  @EngineScope
  static ShareEngine engine(PollLoopSpec spec, ShareConfig config, ShareConsumerFactory consumers,
      RecordRunner runner, Workers workers, NanoClock clock, EngineLifecycle life) {
    return new ShareEngine(spec.config(), config, spec.name(), consumers, runner, workers, clock, life);
  }
}
