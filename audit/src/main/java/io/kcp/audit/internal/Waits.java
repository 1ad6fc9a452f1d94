package io.kcp.audit.internal;

import io.kcp.audit.ClusterException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polling with a deadline. */
public final class Waits {
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private Waits() {}

  /**
   * Polls {@code condition} until it holds.
   *
   * @throws ClusterException naming {@code what} if it does not hold within {@code timeout}
   */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new ClusterException("timed out after " + timeout + " waiting for " + what);
      }
      pause();
    }
  }

  /** Sleeps a little; keeps the interrupt flag and fails if interrupted. */
  public static void pause() {
    LockSupport.parkNanos(PAUSE_NANOS);
    if (Thread.currentThread().isInterrupted()) {
      throw new ClusterException("interrupted while waiting");
    }
  }

  /** Restores the interrupt flag and wraps. */
  public static ClusterException interrupted(String what, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new ClusterException("interrupted while " + what, e);
  }
}
