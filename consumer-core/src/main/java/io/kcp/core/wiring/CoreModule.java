package io.kcp.core.wiring;

import dagger.Module;
import dagger.Provides;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.OffsetLedger;
import io.kcp.core.internal.RecordProcessor;
import io.kcp.core.internal.SingleThreadEngine;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.inject.Named;

/**
 * Bindings every engine shares: the clock and a fresh {@link OffsetLedger} per engine. Public so
 * that users who do use Dagger can include it in their own components.
 */
@Module
public final class CoreModule {
  /** Qualifier name of the commit interval binding. */
  public static final String COMMIT_INTERVAL = "kcp.commitInterval";

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
      RecordProcessor processor,
      ConsumerFactory consumerFactory,
      @Named(COMMIT_INTERVAL) Duration commitInterval,
      LongSupplier nanoTime,
      OffsetLedger ledger) {
    return new SingleThreadEngine(
        settings, processor, consumerFactory, commitInterval, nanoTime, ledger);
  }
}
