package io.kcp.deploy;

/**
 * A deployment could not go on: an instance did not become ready in time, the group did not
 * empty, the topic does not exist. The message says which step, and what was seen.
 */
public class DeploymentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message. */
  public DeploymentException(String message) {
    super(message);
  }

  /** With a message and a cause. */
  public DeploymentException(String message, Throwable cause) {
    super(message, cause);
  }
}
