package io.kcp.partition.internal;

import io.kcp.core.spi.PollLoop;

/** Makes the engine's poll loop number {@code i}: at start, and again at each restart of it. */
@FunctionalInterface
public interface PollLoops {

  /** A new, not started poll loop for thread {@code index}. */
  PollLoop create(int index);
}
