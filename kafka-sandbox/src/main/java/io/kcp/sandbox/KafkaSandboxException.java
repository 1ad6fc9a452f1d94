package io.kcp.sandbox;

/** A sandbox could not start, stop or prepare a topic; the message says what and where to look. */
public class KafkaSandboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message. */
  public KafkaSandboxException(String message) {
    super(message);
  }

  /** With a message and a cause. */
  public KafkaSandboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
