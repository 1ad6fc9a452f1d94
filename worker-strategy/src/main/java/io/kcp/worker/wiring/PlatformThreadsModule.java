package io.kcp.worker.wiring;

import io.kcp.core.spi.Workers;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;

/** Workers on a fixed pool of platform threads. */
@Module
public final class PlatformThreadsModule {
  private PlatformThreadsModule() {}

  @Provides
  @IntoMap
  @VirtualThreadsKey(false)
  static Workers workers() {
    return Workers.platform();
  }
}
