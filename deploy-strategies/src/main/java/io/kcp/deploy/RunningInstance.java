package io.kcp.deploy;

import java.time.Duration;
import java.util.List;

/** One running instance of a version, started by an {@link InstanceLauncher}. */
public interface RunningInstance {

  /** Its context: version, slot, run id, files. */
  InstanceContext context();

  /** Whether it is still running (consuming, or warm on standby). */
  boolean alive();

  /**
   * Whether it is consuming: a member of its group handling records. An instance started by
   * {@link InstanceLauncher#standby} is not until {@link #activate()}.
   */
  boolean consuming();

  /**
   * Starts consuming: joins the group and goes on from the group's committed offsets. Returns
   * once the engine was started (not once it owns partitions). Does nothing if it is consuming.
   */
  void activate();

  /**
   * Stops consuming but stays up, warm, ready to {@link #activate()} again: in-flight records
   * finish (bounded by {@code grace}), finished offsets are committed, the consumers leave the
   * group. Returns once that is done. Does nothing if it is not consuming.
   */
  void deactivate(Duration grace);

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

  /**
   * Its engine's metrics now (handled, failed attempts, dead-lettered, …), if this kind of
   * instance can tell them; empty while it is not consuming, and for a JVM process instance.
   */
  default java.util.Optional<io.kcp.core.EngineMetrics> metrics() {
    return java.util.Optional.empty();
  }

  /** The rebalance callbacks it reported so far. */
  List<RebalanceEvent> events();
}
