package io.kcp.worker.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import io.kcp.worker.internal.Workers;

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
