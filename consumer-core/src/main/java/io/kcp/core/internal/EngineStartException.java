package io.kcp.core.internal;

/** An engine could not start: the cluster did not answer, or a topic is missing. */
public final class EngineStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EngineStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
