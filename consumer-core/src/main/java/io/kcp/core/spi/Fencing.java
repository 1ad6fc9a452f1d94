package io.kcp.core.spi;

import io.kcp.core.InstanceIdConflictException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;

/**
 * Turns the broker's word that another consumer holds a static member's {@code
 * group.instance.id} into an {@link InstanceIdConflictException} naming the id and the fix.
 */
public final class Fencing {
  /** How deep a cause chain is followed (a chain may even loop). */
  private static final int MAX_CAUSES = 16;

  private Fencing() {}

  /** Whether {@code e}, or one of its causes, says the id is held by another consumer. */
  public static boolean isFenced(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < MAX_CAUSES; t = t.getCause()) {
      if (t instanceof FencedInstanceIdException || t instanceof UnreleasedInstanceIdException
          || t instanceof InstanceIdConflictException) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code e} as the failure an engine reports: an {@link InstanceIdConflictException} when it
   * says the loop's id is held by another consumer, else {@code e} itself.
   */
  public static Throwable explain(Throwable e, PollLoopSpec spec) {
    if (e instanceof InstanceIdConflictException || !isFenced(e)) {
      return e;
    }
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < MAX_CAUSES; t = t.getCause()) {
      if (t instanceof InstanceIdConflictException conflict) {
        return conflict;
      }
    }
    String id = spec.groupInstanceId();
    return new InstanceIdConflictException(id == null ? "?" : id, spec.group(), e);
  }
}
