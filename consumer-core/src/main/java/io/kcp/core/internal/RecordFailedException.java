package io.kcp.core.internal;

/** A handler threw for a record and the engine has no policy that absorbs it. */
public final class RecordFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RecordFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
