package io.kcp.worker.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import io.kcp.worker.Ordering;
import io.kcp.worker.internal.Dispatcher;

/** {@link Ordering#PARTITION}: one record per partition at a time. */
@Module
public final class PartitionOrderedModule {
  private PartitionOrderedModule() {}

  @Provides
  @IntoMap
  @OrderingKey(Ordering.PARTITION)
  static Dispatcher dispatcher() {
    return Dispatcher.byPartition();
  }
}
