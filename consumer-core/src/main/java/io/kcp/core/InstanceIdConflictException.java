package io.kcp.core;

/**
 * Two running consumers claimed one {@code group.instance.id}: static membership needs every
 * instance of a group to have its own id. The broker fenced this engine's consumer (the classic
 * protocol lets the newest member with an id replace the older one) or refused it (KIP-848 refuses
 * an id still held by a live member). The engine stops with this failure and is not restarted: a
 * restart would fence the other instance in turn, and both would go on fencing each other.
 */
public final class InstanceIdConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String groupInstanceId;

  /** Creates the exception for {@code groupInstanceId} of {@code group}. */
  public InstanceIdConflictException(String groupInstanceId, String group, Throwable cause) {
    super("group.instance.id '" + groupInstanceId + "' of group '" + group + "' is used by another"
        + " running consumer: give every instance of the group its own instance id"
        + " (EngineConfig.instanceId, kcp consume --instance-id; in Kubernetes, the pod name)"
        + (cause != null ? " [" + cause.getMessage() + "]" : ""), cause);
    this.groupInstanceId = groupInstanceId;
  }

  /** The contested {@code group.instance.id}. */
  public String groupInstanceId() {
    return groupInstanceId;
  }
}
