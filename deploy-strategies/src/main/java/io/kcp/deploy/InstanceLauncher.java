package io.kcp.deploy;

/**
 * Starts instances of a version. A deployment never knows which kind it drives: the same
 * orchestration runs instances as engines in this JVM or as JVM processes of their own.
 */
public interface InstanceLauncher {

  /** The kinds of launcher a deployment can be configured with. */
  enum Kind {
    /** Each instance an engine in this JVM ({@link InstanceRecipe#engine}). */
    IN_PROCESS,
    /** Each instance a JVM process of its own ({@link InstanceRecipe#command}), so it can be SIGKILLed. */
    JVM
  }

  /** Starts one instance of {@code version} in {@code context}; returns once it was started. */
  RunningInstance start(Version version, InstanceContext context);

  /**
   * Starts one instance of {@code version} warm but not consuming — its engine built, the cluster
   * reached and the topic's metadata fetched, but not a member of its group (so the group's
   * offsets can still be set with the Admin API, which refuses a group with members) — and
   * returns once it is warm. {@link RunningInstance#activate()} makes it consume.
   */
  RunningInstance standby(Version version, InstanceContext context);
}
