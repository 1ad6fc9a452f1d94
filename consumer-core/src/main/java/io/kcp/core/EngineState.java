package io.kcp.core;

/** The life cycle of a {@link ConsumerEngine}. */
public enum EngineState {
  /** Built, not started. */
  NEW,
  /** {@link ConsumerEngine#start()} was called; consumers are joining the group. */
  STARTING,
  /** Polling and handling records. */
  RUNNING,
  /**
   * Running, but a part of it (one consumer thread, say) failed and is being restarted; see {@link
   * ConsumerEngine#failure()} for the last failure.
   */
  DEGRADED,
  /** {@link ConsumerEngine#close} was called; in-flight work is draining. */
  CLOSING,
  /** Closed; everything that finished was committed. */
  CLOSED,
  /** Stopped because of an error it could not recover from; see {@link ConsumerEngine#failure()}. */
  FAILED;

  /** Whether the engine has stopped for good (closed or failed). */
  public boolean isTerminal() {
    return this == CLOSED || this == FAILED;
  }
}
