package io.kcp.partition.wiring;

import dagger.Module;
import dagger.Provides;
import io.kcp.core.spi.NanoClock;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.wiring.CoreWiring;
import io.kcp.core.wiring.EngineScope;
import io.kcp.partition.PartitionConfig;
import io.kcp.partition.internal.PartitionEngine;
import io.kcp.partition.internal.PollLoops;

/**
 * Bindings of the consumer-per-thread strategy: the poll loops (the core's single-thread engine,
 * one Dagger component each, named {@code <name>-<i>}) and the supervising engine. Public for
 * users who wire with Dagger; a test component binds other loops.
 */
@Module
public final class PartitionModule {
  private PartitionModule() {}

  @Provides
  static PollLoops loops(PollLoopSpec base) {
    return i -> CoreWiring.singleThreadEngine(new PollLoopSpec(
        base.config(), base.handling(), base.name() + "-" + i, i, base.breaker()));
  }

  @Provides
  @EngineScope
  static PartitionEngine engine(PollLoopSpec base, PartitionConfig config, PollLoops loops, NanoClock clock) {
    return new PartitionEngine(config, loops, base.name(), clock);
  }
}
