package io.kcp.core.spi;

/**
 * Monotonic time for an engine's timers (commit interval, retry backoff, drain and close bounds).
 * Engines read time only through this, so a test can bind a manual clock and move it instead of
 * waiting.
 */
@FunctionalInterface
public interface NanoClock {

  /** Nanoseconds from an arbitrary origin, like {@link System#nanoTime()}. */
  long nanoTime();

  /** The system's monotonic clock. */
  static NanoClock system() {
    return System::nanoTime;
  }
}
