package io.kcp.worker.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import io.kcp.worker.internal.Workers;

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
