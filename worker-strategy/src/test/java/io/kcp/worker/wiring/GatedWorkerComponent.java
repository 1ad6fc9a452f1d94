package io.kcp.worker.wiring;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.multibindings.IntoMap;
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
    FakesModule.class,
    GatedWorkerComponent.TheTestsWorkers.class})
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

  /** The test's workers, for both thread kinds. */
  @Module
  interface TheTestsWorkers {
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
