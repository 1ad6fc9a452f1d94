package io.kcp.share.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.wiring.CoreModule;
import io.kcp.core.wiring.EngineScope;
import io.kcp.core.wiring.SystemClockModule;
import io.kcp.share.ShareConfig;
import io.kcp.share.ShareConsumerFactory;
import io.kcp.share.internal.ShareEngine;

/** Assembles a {@link ShareEngine}; reached only through {@link ShareWiring}. */
@EngineScope
@Component(modules = {CoreModule.class, ShareModule.class, SystemClockModule.class})
interface ShareComponent {

  ShareEngine engine();

  @Component.Factory
  interface Factory {
    ShareComponent create(
        @BindsInstance PollLoopSpec spec,
        @BindsInstance ShareConfig config,
        @BindsInstance ShareConsumerFactory consumers);
  }
}
