package io.kcp.deploy;

import java.time.Duration;
import java.util.List;

/** One running instance of a version, started by an {@link InstanceLauncher}. */
public interface RunningInstance {

  /** Its context: version, slot, run id, files. */
  InstanceContext context();

  /** Whether it is still running. */
  boolean alive();

  /**
   * Stops it gracefully, the way Kubernetes' SIGTERM does to a pod: in-flight records finish
   * (bounded by {@code grace}), finished offsets are committed, the consumers leave the group (a
   * static member stays until its session times out). Returns once it stopped, or after {@code
   * grace} plus a few seconds, killing it then.
   */
  void stop(Duration grace);

  /**
   * Kills it at once, as SIGKILL does: nothing finishes, nothing more is committed, the group
   * notices only when the session times out.
   *
   * @throws UnsupportedOperationException for an instance in this JVM
   */
  void kill();

  /** The rebalance callbacks it reported so far. */
  List<RebalanceEvent> events();
}
