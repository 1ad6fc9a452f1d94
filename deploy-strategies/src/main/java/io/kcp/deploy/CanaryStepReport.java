package io.kcp.deploy;

import java.util.List;
import java.util.Objects;

/**
 * One step of a canary deployment, analysed.
 *
 * @param step the step as configured, e.g. {@code 25%}
 * @param partitions the partitions the canary owned at it
 * @param startMillis when the canary's instances of this step had joined (wall clock, ms)
 * @param analysedMs how long the step was analysed (less than configured if a gate failed)
 * @param gates every gate's last verdict
 * @param passed whether every gate passed
 */
public record CanaryStepReport(String step, int partitions, long startMillis, long analysedMs,
    List<GateResult> gates, boolean passed) {

  /** Copies the gates. */
  public CanaryStepReport {
    Objects.requireNonNull(step, "step");
    gates = List.copyOf(gates);
  }
}
