package io.kcp.worker.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import io.kcp.worker.Ordering;
import io.kcp.worker.internal.Dispatcher;

/** {@link Ordering#KEY}: one record per key at a time. */
@Module
public final class KeyOrderedModule {
  private KeyOrderedModule() {}

  @Provides
  @IntoMap
  @OrderingKey(Ordering.KEY)
  static Dispatcher dispatcher() {
    return Dispatcher.byKey();
  }
}
