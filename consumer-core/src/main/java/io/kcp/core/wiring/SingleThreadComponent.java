package io.kcp.core.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.internal.SingleThreadEngine;
import io.kcp.core.internal.EngineOptions;

/** Assembles a {@link SingleThreadEngine}; reached only through {@link CoreWiring}. */
@Component(modules = CoreModule.class)
interface SingleThreadComponent {

  SingleThreadEngine engine();

  @Component.Factory
  interface Factory {
    SingleThreadComponent create(
        @BindsInstance ConsumerSettings settings,
        @BindsInstance RecordRunner processor,
        @BindsInstance ConsumerFactory consumerFactory,
        @BindsInstance EngineOptions options);
  }
}
