package io.kcp.deploy;

import java.util.Objects;

/**
 * One analysis gate's verdict at a canary step: the canary's figure, the stable version's, the
 * bound the canary's was held to, and whether it passed.
 *
 * @param gate {@code failure_rate}, {@code dead_letter_rate}, {@code p99_ms} or {@code lag_growth}
 * @param canary the canary's figure over the step
 * @param stable the stable version's figure over the same time
 * @param bound the highest figure the canary may show
 * @param passed whether {@code canary <= bound} (or there was not yet evidence enough to judge)
 * @param detail how the figures were made, e.g. {@code 41 failed of 47 attempts}
 */
public record GateResult(String gate, double canary, double stable, double bound, boolean passed, String detail) {

  /** Checks the names. */
  public GateResult {
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(detail, "detail");
  }
}
