package io.kcp.deploy;

import io.kcp.deploy.internal.DeploymentRun;
import io.kcp.deploy.wiring.DeployWiring;
import java.util.Objects;

/**
 * Rolling deployment (롤링 배포): replace the instances one at a time, each step waiting until the
 * replacement is ready (a member of the group owning partitions) and the lag recovered before the
 * next. For a consumer, taking an instance "out of the load balancer" is leaving the group: every
 * step is one or two rebalances, and what they cost depends on the protocol the versions use —
 * eager (every partition stops at every rebalance), cooperative (only the moving ones), static
 * membership (a replacement reusing the id within the session timeout causes none), KIP-848 (the
 * broker moves partitions one member at a time). Versions mix during the rollout.
 *
 * <pre>{@code
 * DeploymentReport report = RollingDeployment.of(config, RollingConfig.ofDefaults()).run(v1, v2);
 * }</pre>
 */
public final class RollingDeployment implements Deployment {
  private final DeploymentConfig config;
  private final RollingConfig rolling;

  private RollingDeployment(DeploymentConfig config, RollingConfig rolling) {
    this.config = config;
    this.rolling = rolling;
  }

  /** A rolling deployment with these configs. */
  public static RollingDeployment of(DeploymentConfig config, RollingConfig rolling) {
    return new RollingDeployment(Objects.requireNonNull(config, "config"), Objects.requireNonNull(rolling, "rolling"));
  }

  @Override
  public DeploymentReport run(Version from, Version to) {
    try (DeploymentRun run = new DeploymentRun(config, DeployWiring.launcher(config), "rolling")) {
      run.begin(from);
      roll(run, "rollout", from, to);
      if (rolling.rollback()) {
        run.step("settling before the rollback");
        roll(run, "rollback", to, from);
        run.outcome("rolled_back", "rolled " + from + " back in after " + to + " settled, as configured");
      }
      return run.finish();
    }
  }

  private void roll(DeploymentRun run, String phase, Version from, Version to) {
    run.startPhase(phase, from, to);
    for (String slot : run.slots()) {
      RunningInstance old = run.inSlot(slot).orElse(null);
      if (rolling.maxSurge() == 1) {
        RunningInstance replacement = run.start(to, slot);
        run.awaitReady(replacement);
        if (old != null) {
          run.stop(old);
        }
      } else {
        if (old != null) {
          run.stop(old);
        }
        run.awaitReady(run.start(to, slot));
      }
      run.awaitRecovered();
    }
    run.endPhase();
  }
}
