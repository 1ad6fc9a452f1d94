package io.kcp.core.wiring;

import dagger.Module;
import dagger.Provides;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.OffsetLedger;
import io.kcp.core.internal.SingleThreadEngine;
import io.kcp.core.spi.Committer;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.NanoClock;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.spi.RecordRunner;

/** The single-thread poll loop, from the parts of {@link CoreModule}. */
@Module(includes = CoreModule.class)
public final class SingleThreadModule {
  private SingleThreadModule() {}

  @Provides
  @EngineScope
  static SingleThreadEngine engine(
      PollLoopSpec spec,
      RecordRunner runner,
      ConsumerFactory consumers,
      NanoClock clock,
      OffsetLedger ledger,
      Committer committer,
      EngineLifecycle life) {
    return new SingleThreadEngine(spec, runner, consumers, clock, ledger, committer, life);
  }
}
