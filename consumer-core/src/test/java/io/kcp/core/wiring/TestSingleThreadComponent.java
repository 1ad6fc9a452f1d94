package io.kcp.core.wiring;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.internal.SingleThreadEngine;
import io.kcp.core.spi.NanoClock;
import io.kcp.core.spi.PollLoopSpec;
import org.apache.kafka.clients.consumer.MockConsumer;

/** The production poll loop with a {@code MockConsumer} and a test's clock bound instead. */
@EngineScope
@Component(modules = {SingleThreadModule.class, TestSingleThreadComponent.Fakes.class})
interface TestSingleThreadComponent {

  SingleThreadEngine engine();

  @Component.Factory
  interface Factory {
    TestSingleThreadComponent create(
        @BindsInstance PollLoopSpec spec,
        @BindsInstance MockConsumer<byte[], byte[]> consumer,
        @BindsInstance NanoClock clock);
  }

  @Module
  interface Fakes {
    @Provides
    static ConsumerFactory consumers(MockConsumer<byte[], byte[]> consumer) {
      return config -> consumer;
    }
  }
}
