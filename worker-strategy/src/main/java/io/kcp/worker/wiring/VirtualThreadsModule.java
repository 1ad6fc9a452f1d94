package io.kcp.worker.wiring;

import io.kcp.core.spi.Workers;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;

/** Workers on virtual threads, a thread per record, bounded by the engine (Java 21+). */
@Module
public final class VirtualThreadsModule {
  private VirtualThreadsModule() {}

  @Provides
  @IntoMap
  @VirtualThreadsKey(true)
  static Workers workers() {
    return Workers.virtual();
  }
}
