package io.kcp.core;

/**
 * An engine could not start: the cluster did not answer within the startup timeout, or a topic it
 * subscribes to does not exist. Reported through {@link ConsumerEngine#failure()}; a supervisor
 * should not restart on it (the same settings will fail the same way).
 */
public final class EngineStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code cause} may be null. */
  public EngineStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
