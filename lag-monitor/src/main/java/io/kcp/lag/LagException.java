package io.kcp.lag;

/**
 * Lag could not be read: unknown group, unreachable cluster, malformed window. The message is one
 * line that names the problem and, where there is one, the fix.
 */
public final class LagException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean groupNotFound;

  /** A failure with a message for the user. */
  public LagException(String message) {
    super(message);
    this.groupNotFound = false;
  }

  private LagException(String message, boolean groupNotFound) {
    super(message);
    this.groupNotFound = groupNotFound;
  }

  /** The consumer group is unknown to the cluster (it may be a share group: {@link ConsumerLag#shareGroup}). */
  public static LagException groupNotFound(String message) {
    return new LagException(message, true);
  }

  /** Whether the failure is that the consumer group does not exist. */
  public boolean isGroupNotFound() {
    return groupNotFound;
  }

  /** A failure with a message for the user and the cause behind it. */
  public LagException(String message, Throwable cause) {
    super(message, cause);
    this.groupNotFound = false;
  }
}
