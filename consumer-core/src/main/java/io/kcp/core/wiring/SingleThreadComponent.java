package io.kcp.core.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.kcp.core.internal.SingleThreadEngine;
import io.kcp.core.spi.PollLoopSpec;

/** Assembles a {@link SingleThreadEngine}; reached only through {@link CoreWiring}. */
@EngineScope
@Component(modules = {SingleThreadModule.class, SystemClockModule.class, ConfiguredConsumersModule.class})
interface SingleThreadComponent {

  SingleThreadEngine engine();

  @Component.Factory
  interface Factory {
    SingleThreadComponent create(@BindsInstance PollLoopSpec spec);
  }
}
