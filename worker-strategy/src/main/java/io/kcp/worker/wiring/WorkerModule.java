package io.kcp.worker.wiring;

import io.kcp.core.spi.Workers;
import dagger.Module;
import dagger.Provides;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.OffsetLedger;
import io.kcp.core.spi.Committer;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.NanoClock;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.wiring.CoreModule;
import io.kcp.core.wiring.EngineScope;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategyEngine;
import io.kcp.worker.internal.Dispatcher;
import io.kcp.worker.internal.NaiveWorkerEngine;
import io.kcp.worker.internal.WorkerEngine;
import jakarta.inject.Provider;
import java.util.Map;

/**
 * The worker strategy's engine, from the core parts and two choices with alternatives: the
 * dispatcher of the configured ordering mode (contributed by {@link KeyOrderedModule}, {@link
 * PartitionOrderedModule}, {@link UnorderedModule}) and the workers (platform or virtual threads,
 * {@link PlatformThreadsModule}, {@link VirtualThreadsModule}). {@link Ordering#NAIVE} gets an
 * engine of its own. Public for users who wire with Dagger.
 */
@Module(includes = CoreModule.class)
public final class WorkerModule {
  private WorkerModule() {}

  @Provides
  static Dispatcher dispatcher(WorkerConfig worker, Map<Ordering, Provider<Dispatcher>> modes) {
    Provider<Dispatcher> mode = modes.get(worker.ordering());
    if (mode == null) {
      throw new IllegalStateException("no dispatcher is bound for ordering " + worker.ordering());
    }
    return mode.get();
  }

  @Provides
  static Workers workers(WorkerConfig worker, Map<Boolean, Provider<Workers>> kinds) {
    return kinds.get(worker.virtualThreads()).get();
  }

  @Provides
  @EngineScope
  static WorkerStrategyEngine engine(
      WorkerConfig worker, Provider<WorkerEngine> ordered, Provider<NaiveWorkerEngine> naive) {
    return worker.ordering() == Ordering.NAIVE ? naive.get() : ordered.get();
  }

  @Provides
  static WorkerEngine ordered(
      PollLoopSpec spec,
      WorkerConfig worker,
      RecordRunner runner,
      ConsumerFactory consumers,
      NanoClock clock,
      OffsetLedger ledger,
      Committer committer,
      EngineLifecycle life,
      Dispatcher dispatcher,
      Workers workers) {
    return new WorkerEngine(
        spec, worker, runner, consumers, clock, ledger, committer, life, dispatcher, workers);
  }

  @Provides
  static NaiveWorkerEngine naive(
      PollLoopSpec spec,
      WorkerConfig worker,
      RecordRunner runner,
      ConsumerFactory consumers,
      EngineLifecycle life,
      Workers workers) {
    return new NaiveWorkerEngine(spec, worker, runner, consumers, life, workers);
  }
}
