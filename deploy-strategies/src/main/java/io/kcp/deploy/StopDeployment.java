package io.kcp.deploy;

import io.kcp.deploy.internal.DeploymentRun;
import io.kcp.deploy.wiring.DeployWiring;
import java.util.List;
import java.util.Objects;

/**
 * Stop-the-world deployment (중단 배포): stop every instance of the old version gracefully, wait
 * until the group is empty, note the committed offset of every partition (the <em>cut-over</em>),
 * then start the new version. Before and after are cleanly separated — the old version handled
 * every record below the cut-over and none above it, the new one the reverse — at the price of a
 * gap in which nothing is consumed and the lag grows. It needs no spare capacity.
 *
 * <pre>{@code
 * DeploymentReport report = StopDeployment.of(config).run(v1, v2);
 * }</pre>
 */
public final class StopDeployment implements Deployment {
  private final DeploymentConfig config;

  private StopDeployment(DeploymentConfig config) {
    this.config = config;
  }

  /** A stop deployment with this config. */
  public static StopDeployment of(DeploymentConfig config) {
    return new StopDeployment(Objects.requireNonNull(config, "config"));
  }

  @Override
  public DeploymentReport run(Version from, Version to) {
    try (DeploymentRun run = new DeploymentRun(config, DeployWiring.launcher(config), "stop")) {
      run.begin(from);
      run.startPhase("rollout", from, to);
      List<RunningInstance> old = run.slots().stream().map(s -> run.inSlot(s).orElseThrow()).toList();
      run.stopAll(old);
      run.awaitEmpty();
      run.cutover(from, to, run.committedOffsets());
      for (String slot : run.slots()) {
        run.start(to, slot);
      }
      for (String slot : run.slots()) {
        run.awaitReady(run.inSlot(slot).orElseThrow());
      }
      run.awaitRecovered();
      run.endPhase();
      return run.finish();
    }
  }
}
