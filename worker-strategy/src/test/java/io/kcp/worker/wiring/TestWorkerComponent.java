package io.kcp.worker.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.wiring.EngineScope;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategyEngine;
import org.apache.kafka.clients.consumer.MockConsumer;

/**
 * The production worker engine with two parts swapped through Dagger: a {@code MockConsumer}
 * instead of a {@code KafkaConsumer}, a manual clock instead of the system's. Everything else —
 * the dispatcher of the ordering mode, the workers, the ledger, the committer — is the real one.
 */
@EngineScope
@Component(modules = {
    WorkerModule.class,
    KeyOrderedModule.class,
    PartitionOrderedModule.class,
    UnorderedModule.class,
    PlatformThreadsModule.class,
    VirtualThreadsModule.class,
    FakesModule.class})
interface TestWorkerComponent {

  WorkerStrategyEngine engine();

  @Component.Factory
  interface Factory {
    TestWorkerComponent create(
        @BindsInstance PollLoopSpec spec,
        @BindsInstance WorkerConfig worker,
        @BindsInstance MockConsumer<byte[], byte[]> consumer,
        @BindsInstance ManualClock clock);
  }
}
