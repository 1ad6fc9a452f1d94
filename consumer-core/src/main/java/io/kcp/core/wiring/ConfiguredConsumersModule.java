package io.kcp.core.wiring;

import dagger.Module;
import dagger.Provides;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.spi.PollLoopSpec;

/**
 * The consumers the config asks for ({@code EngineConfig.consumerFactory}, a {@code
 * KafkaConsumer} by default); a test component binds a {@code MockConsumer} instead.
 */
@Module
public final class ConfiguredConsumersModule {
  private ConfiguredConsumersModule() {}

  @Provides
  static ConsumerFactory consumers(PollLoopSpec spec) {
    return spec.config().consumerFactory();
  }
}
