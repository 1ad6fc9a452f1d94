package io.kcp.worker.wiring;

import dagger.Module;
import dagger.Provides;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.OffsetLedger;
import io.kcp.core.spi.RecordRunner;
import io.kcp.worker.internal.WorkerConfig;
import io.kcp.worker.internal.WorkerEngine;
import java.util.function.LongSupplier;

/** Bindings of the worker strategy. Public for users who wire with Dagger. */
@Module
public final class WorkerModule {
  private WorkerModule() {}

  @Provides
  static WorkerEngine engine(
      ConsumerSettings settings,
      RecordRunner processor,
      ConsumerFactory consumerFactory,
      WorkerConfig config,
      LongSupplier nanoTime,
      OffsetLedger ledger) {
    return new WorkerEngine(settings, processor, consumerFactory, config, nanoTime, ledger);
  }
}
