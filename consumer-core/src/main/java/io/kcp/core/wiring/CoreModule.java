package io.kcp.core.wiring;

import dagger.Module;
import dagger.Provides;
import io.kcp.core.OffsetLedger;
import io.kcp.core.spi.Committer;
import io.kcp.core.spi.ConsumerTelemetry;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.NanoClock;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.spi.RecordRunner;

/**
 * The parts every poll loop has, one each per engine scope: its life cycle, its offset ledger,
 * its telemetry, the runner that applies the error policy around the handler, and the committer.
 * Needs a {@link PollLoopSpec}, a {@link NanoClock} ({@link SystemClockModule}) and, for the
 * engines, a {@code ConsumerFactory} ({@link ConfiguredConsumersModule}). Public so that users who
 * wire with Dagger can include it; a test component swaps the clock and the consumers.
 */
@Module
public final class CoreModule {
  private CoreModule() {}

  @Provides
  @EngineScope
  static EngineLifecycle lifecycle(PollLoopSpec spec) {
    return new EngineLifecycle(spec.name());
  }

  /** One ledger per poll loop: it belongs to the loop's thread. */
  @Provides
  @EngineScope
  static OffsetLedger ledger() {
    return new OffsetLedger();
  }

  @Provides
  @EngineScope
  static ConsumerTelemetry telemetry(PollLoopSpec spec) {
    return ConsumerTelemetry.create(
        spec.config().openTelemetry(), spec.group(), spec.config().producerContext());
  }

  @Provides
  @EngineScope
  static RecordRunner runner(PollLoopSpec spec, ConsumerTelemetry telemetry, EngineLifecycle life) {
    return RecordRunner.create(
        spec.handling(), spec.config(), spec.name(), spec.breaker(), telemetry, life::stopRequested);
  }

  @Provides
  @EngineScope
  static Committer committer(
      OffsetLedger ledger, PollLoopSpec spec, NanoClock clock, ConsumerTelemetry telemetry) {
    return Committer.create(ledger, spec.config().commitPolicy(), clock, telemetry, spec.group(),
        spec.groupInstanceId());
  }
}
