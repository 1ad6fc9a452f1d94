package io.kcp.core.wiring;

import dagger.Module;
import dagger.Provides;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.OffsetLedger;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.internal.SingleThreadEngine;
import io.kcp.core.internal.EngineOptions;
import java.util.function.LongSupplier;

/**
 * Bindings every engine shares: the clock and a fresh {@link OffsetLedger} per engine. Public so
 * that users who do use Dagger can include it in their own components.
 */
@Module
public final class CoreModule {
  private CoreModule() {}

  /** Monotonic nanoseconds; a test component can bind a fake clock instead. */
  @Provides
  static LongSupplier nanoTime() {
    return System::nanoTime;
  }

  /** One ledger per engine: it belongs to the engine's poll thread. */
  @Provides
  static OffsetLedger ledger() {
    return new OffsetLedger();
  }

  @Provides
  static SingleThreadEngine singleThreadEngine(
      ConsumerSettings settings,
      RecordRunner runner,
      ConsumerFactory consumerFactory,
      EngineOptions options,
      LongSupplier nanoTime,
      OffsetLedger ledger) {
    return new SingleThreadEngine(
        settings, runner, consumerFactory, options, nanoTime, ledger);
  }
}
