package io.kcp.worker.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.wiring.ConfiguredConsumersModule;
import io.kcp.core.wiring.EngineScope;
import io.kcp.core.wiring.SystemClockModule;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategyEngine;

/** Assembles a worker-strategy engine; reached only through {@link WorkerWiring}. */
@EngineScope
@Component(modules = {
    WorkerModule.class,
    KeyOrderedModule.class,
    PartitionOrderedModule.class,
    UnorderedModule.class,
    PlatformThreadsModule.class,
    VirtualThreadsModule.class,
    SystemClockModule.class,
    ConfiguredConsumersModule.class})
interface WorkerComponent {

  WorkerStrategyEngine engine();

  @Component.Factory
  interface Factory {
    WorkerComponent create(@BindsInstance PollLoopSpec spec, @BindsInstance WorkerConfig worker);
  }
}
