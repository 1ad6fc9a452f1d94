package io.kcp.audit;

/**
 * The workload or the audit could not do what it needed on the cluster (create or describe a
 * topic, read it back) in time; the message says what and where.
 */
public class ClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message. */
  public ClusterException(String message) {
    super(message);
  }

  /** With a message and a cause. */
  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
