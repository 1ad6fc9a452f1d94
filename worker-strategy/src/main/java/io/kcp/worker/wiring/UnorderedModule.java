package io.kcp.worker.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import io.kcp.worker.Ordering;
import io.kcp.worker.internal.Dispatcher;

/** {@link Ordering#UNORDERED}: every record starts at once. */
@Module
public final class UnorderedModule {
  private UnorderedModule() {}

  @Provides
  @IntoMap
  @OrderingKey(Ordering.UNORDERED)
  static Dispatcher dispatcher() {
    return Dispatcher.unordered();
  }
}
