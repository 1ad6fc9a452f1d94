package io.kcp.worker.wiring;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.spi.NanoClock;
import org.apache.kafka.clients.consumer.MockConsumer;

/** The test components' swaps: a manual clock for the system's, a {@code MockConsumer} for Kafka's. */
@Module
interface FakesModule {
  @Binds
  NanoClock clock(ManualClock clock);

  @Provides
  static ConsumerFactory consumers(MockConsumer<byte[], byte[]> consumer) {
    return config -> consumer;
  }
}
