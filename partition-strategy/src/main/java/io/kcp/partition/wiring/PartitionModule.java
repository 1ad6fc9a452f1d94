package io.kcp.partition.wiring;

import dagger.Module;
import dagger.Provides;
import io.kcp.core.ConsumerEngine;
import io.kcp.partition.internal.PartitionEngine;
import java.time.Duration;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/** Bindings of the consumer-per-thread strategy. Public for users who wire with Dagger. */
@Module
public final class PartitionModule {
  private PartitionModule() {}

  /**
   * The strategy's own settings.
   *
   * @param threads consumer threads
   * @param backoff first restart delay
   * @param maxBackoff longest restart delay
   * @param name a name for threads and logs
   */
  public record Config(int threads, Duration backoff, Duration maxBackoff, String name) {}

  @Provides
  static PartitionEngine engine(
      Config config, IntFunction<ConsumerEngine> slotFactory, LongSupplier nanoTime) {
    return new PartitionEngine(
        config.threads(), slotFactory, config.backoff(), config.maxBackoff(), config.name(), nanoTime);
  }
}
