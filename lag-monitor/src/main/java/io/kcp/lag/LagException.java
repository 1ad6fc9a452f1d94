package io.kcp.lag;

/**
 * Lag could not be read: unknown group, unreachable cluster, malformed window. The message is one
 * line that names the problem and, where there is one, the fix.
 */
public final class LagException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with a message for the user. */
  public LagException(String message) {
    super(message);
  }

  /** A failure with a message for the user and the cause behind it. */
  public LagException(String message, Throwable cause) {
    super(message, cause);
  }
}
