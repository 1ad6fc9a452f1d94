package io.kcp.partition.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.kcp.core.ConsumerEngine;
import io.kcp.core.wiring.CoreModule;
import io.kcp.partition.internal.PartitionEngine;
import java.util.function.IntFunction;

/** Assembles a {@link PartitionEngine}; reached only through {@link PartitionWiring}. */
@Component(modules = {CoreModule.class, PartitionModule.class})
interface PartitionComponent {

  PartitionEngine engine();

  @Component.Factory
  interface Factory {
    PartitionComponent create(
        @BindsInstance PartitionModule.Config config,
        @BindsInstance IntFunction<ConsumerEngine> slotFactory);
  }
}
