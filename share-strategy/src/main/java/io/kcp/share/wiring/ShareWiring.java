package io.kcp.share.wiring;

import io.kcp.core.spi.PollLoopSpec;
import io.kcp.share.ShareConfig;
import io.kcp.share.ShareConsumerFactory;
import io.kcp.share.ShareStrategyEngine;

/** The door between {@code ShareStrategy.of} and the Dagger component. Not meant for users. */
public final class ShareWiring {
  private ShareWiring() {}

  /** Builds the engine through its component. */
  public static ShareStrategyEngine engine(PollLoopSpec spec, ShareConfig config, ShareConsumerFactory consumers) {
    return DaggerShareComponent.factory().create(spec, config, consumers).engine();
  }
}
