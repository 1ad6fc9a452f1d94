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
}
