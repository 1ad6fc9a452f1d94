package io.kcp.deploy;

import java.util.Objects;

/**
 * One completed step of a deployment, for the report's timeline and the chart's marks.
 *
 * @param atMillis wall-clock time the step completed (ms since the epoch)
 * @param phase {@code start}, {@code rollout}, {@code rollback} or {@code finish}
 * @param what what was done, e.g. {@code started v2-i0-3 (ready)}
 */
public record DeploymentStep(long atMillis, String phase, String what) {

  /** Checks the fields. */
  public DeploymentStep {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(what, "what");
  }
}
