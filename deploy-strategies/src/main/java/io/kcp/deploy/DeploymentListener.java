package io.kcp.deploy;

import java.util.List;

/**
 * Hears each step of a deployment as it completes, with the instances running at that moment
 * (progress for a command line; a fault test may kill one of them there).
 */
@FunctionalInterface
public interface DeploymentListener {

  /** Nobody listening. */
  static DeploymentListener noop() {
    return (step, running) -> { };
  }

  /** A step completed; {@code running} are the instances running now. */
  void onStep(DeploymentStep step, List<RunningInstance> running);
}
