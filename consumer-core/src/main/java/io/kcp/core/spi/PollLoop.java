package io.kcp.core.spi;

import io.kcp.core.ConsumerEngine;

/**
 * One poll loop: a thread that owns one consumer. A supervisor (the consumer-per-thread strategy)
 * restarts a failed loop only once it has {@link #stopped()}: its final commit made and its
 * consumer closed, so the new loop's consumer never overlaps the old one in the group (a static
 * member would otherwise fence its own predecessor).
 */
public interface PollLoop extends ConsumerEngine {

  /** Whether the loop's thread has stopped (after a close or a failure). */
  boolean stopped();
}
