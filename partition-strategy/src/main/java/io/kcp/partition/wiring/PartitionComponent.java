package io.kcp.partition.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.wiring.EngineScope;
import io.kcp.core.wiring.SystemClockModule;
import io.kcp.partition.PartitionConfig;
import io.kcp.partition.internal.PartitionEngine;

/** Assembles a {@link PartitionEngine}; reached only through {@link PartitionWiring}. */
@EngineScope
@Component(modules = {PartitionModule.class, SystemClockModule.class})
interface PartitionComponent {

  PartitionEngine engine();

  @Component.Factory
  interface Factory {
    PartitionComponent create(@BindsInstance PollLoopSpec base, @BindsInstance PartitionConfig config);
  }
}
