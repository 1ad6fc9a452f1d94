package io.kcp.sandbox;

import java.util.OptionalInt;

/**
 * A single combined broker+controller node running in its own JVM ({@code kafka.Kafka}), so a
 * test can kill it with SIGKILL and start it again on the same ports and data.
 *
 * <p>The child JVM never outlives this JVM: {@link #close()}, a shutdown hook and a watchdog in
 * the child (it exits when its stdin, a pipe from this JVM, closes) all end it. Its output goes
 * to {@code broker.log} in {@link #dataDir()}.
 */
public interface ForkedKafkaSandbox extends KafkaSandbox {

  /** The operating-system process id of the current (or last) broker JVM. */
  long pid();

  /** Whether the broker JVM is running. */
  boolean isAlive();

  /** Sends SIGKILL to the broker JVM and waits until it is gone; no-op if it is not running. */
  void kill();

  /**
   * Sends SIGTERM and waits for the broker's graceful shutdown (SIGKILL if that takes longer than
   * a minute); no-op if it is not running.
   */
  void stop();

  /**
   * Starts the broker again on the same ports and data directory (stopping it first if it runs)
   * and returns when it serves clients again.
   */
  void restart();

  /**
   * The exit code of the last broker JVM if it has exited (137 after {@link #kill()}, 143 after
   * {@link #stop()}), empty while it runs.
   */
  OptionalInt exitCode();
}
