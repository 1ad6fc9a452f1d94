package io.kcp.worker.wiring;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.spi.NanoClock;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.spi.Workers;
import io.kcp.core.wiring.EngineScope;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategyEngine;
import org.apache.kafka.clients.consumer.MockConsumer;

/**
 * The production worker engine with a {@code MockConsumer}, a manual clock and workers the test
 * hands in (bound for both thread kinds), so a test can watch or steer what reaches the workers.
 */
@EngineScope
@Component(modules = {
    WorkerModule.class,
    KeyOrderedModule.class,
    PartitionOrderedModule.class,
    UnorderedModule.class,
    GatedWorkerComponent.Fakes.class})
interface GatedWorkerComponent {

  WorkerStrategyEngine engine();

  @Component.Factory
  interface Factory {
    GatedWorkerComponent create(
        @BindsInstance PollLoopSpec spec,
        @BindsInstance WorkerConfig worker,
        @BindsInstance MockConsumer<byte[], byte[]> consumer,
        @BindsInstance ManualClock clock,
        @BindsInstance TestWorkers workers);
  }

  /** The workers a test supplies. */
  interface TestWorkers extends Workers {}

  @Module
  interface Fakes {
    @Binds
    NanoClock clock(ManualClock clock);

    @Provides
    static ConsumerFactory consumers(MockConsumer<byte[], byte[]> consumer) {
      return config -> consumer;
    }

    @Binds
    @IntoMap
    @VirtualThreadsKey(false)
    Workers platform(TestWorkers workers);

    @Binds
    @IntoMap
    @VirtualThreadsKey(true)
    Workers virtual(TestWorkers workers);
  }
}
