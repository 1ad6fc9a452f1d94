package io.kcp.core;

/**
 * The cluster refused this client: its login (wrong password, unknown user), its TLS handshake
 * (a certificate the truststore does not trust), or an ACL (no READ on a topic or on the group).
 * The message is one line naming what was refused and what to check — the SASL mechanism and the
 * user, the truststore, or the missing permission with the resource and the principal — and never
 * a password. Reported through {@link ConsumerEngine#failure()}; the engine is FAILED, and a
 * supervisor does not restart on it: the same settings are refused the same way.
 */
public final class ClusterAccessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Which kind of refusal. */
  public enum Kind {
    /** The SASL login failed: unknown user or wrong password (the broker does not say which). */
    AUTHENTICATION,
    /** The TLS handshake failed: the broker's certificate was not accepted. */
    TLS,
    /** Logged in, but an ACL does not allow the operation. */
    AUTHORIZATION
  }

  private final Kind kind;

  /** Creates the exception; {@code cause} is the client's own exception. */
  public ClusterAccessException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = java.util.Objects.requireNonNull(kind, "kind");
  }

  /** Which kind of refusal this is. */
  public Kind kind() {
    return kind;
  }
}
