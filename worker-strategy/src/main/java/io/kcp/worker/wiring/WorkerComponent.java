package io.kcp.worker.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.wiring.CoreModule;
import io.kcp.worker.internal.WorkerConfig;
import io.kcp.worker.internal.WorkerEngine;

/** Assembles a {@link WorkerEngine}; reached only through {@link WorkerWiring}. */
@Component(modules = {CoreModule.class, WorkerModule.class})
interface WorkerComponent {

  WorkerEngine engine();

  @Component.Factory
  interface Factory {
    WorkerComponent create(
        @BindsInstance ConsumerSettings settings,
        @BindsInstance RecordRunner processor,
        @BindsInstance ConsumerFactory consumerFactory,
        @BindsInstance WorkerConfig config);
  }
}
