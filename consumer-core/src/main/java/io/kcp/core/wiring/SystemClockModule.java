package io.kcp.core.wiring;

import dagger.Module;
import dagger.Provides;
import io.kcp.core.spi.NanoClock;

/** The system's monotonic clock; a test component binds a manual one instead. */
@Module
public final class SystemClockModule {
  private SystemClockModule() {}

  @Provides
  static NanoClock clock() {
    return NanoClock.system();
  }
}
