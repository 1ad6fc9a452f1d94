package io.kcp.partition.internal;

import io.kcp.core.ConsumerEngine;

/** Makes the engine's poll loop number {@code i}: at start, and again at each restart of it. */
@FunctionalInterface
public interface PollLoops {

  /** A new, not started poll loop for thread {@code index}. */
  ConsumerEngine create(int index);
}
