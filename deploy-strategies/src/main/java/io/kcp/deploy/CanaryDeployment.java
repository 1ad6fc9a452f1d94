package io.kcp.deploy;

import io.kcp.deploy.internal.CanaryAnalysis;
import io.kcp.deploy.internal.DeploymentRun;
import io.kcp.deploy.wiring.DeployWiring;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;

/**
 * Canary deployment (카나리 배포): the new version gets a few <em>whole partitions</em> first —
 * never a random share of records, so every key stays with one version at a time and its order
 * holds across the versions — and widens step by step (1 partition, 25 %, 50 %, 100 % by
 * default) while analysis gates compare it with the stable version. A failing gate rolls it back
 * before it widens.
 *
 * <p>Which partitions the canary owns is decided by the group's assignor: every instance, stable
 * and canary, joins with the {@link CanaryAssignor} (classic protocol), which gives the canary the
 * first T partitions of the step. So the old version must already run with that assignor (a
 * rolling restart that adds it, once) — the consumer protocol of KIP-848 assigns on the broker
 * and has no place for it. At each step the deployment starts the step's canary instances
 * (carrying the step's T), stops the previous step's, and stops stable instances no longer
 * needed. A step's target travels in the members' subscriptions, so a new target needs a new
 * member: the step's canary starts before the previous step's stops (a canary-less moment would
 * hand the canary's partitions back to the stable version), and the fleet runs at most two
 * instances above its size while a step changes (one when the canary's instances match the share).
 *
 * <p>A canary's recipe should retry and never dead-letter (see {@link InstanceContext#role()}): a
 * record it cannot handle then stalls its partition uncommitted, the lag gate sees it, and after
 * the rollback the stable version handles it. A bad canary costs time, not records.
 *
 * <pre>{@code
 * DeploymentReport report = CanaryDeployment.of(config, CanaryConfig.ofDefaults()).run(v1, v2);
 * }</pre>
 */
public final class CanaryDeployment implements Deployment {
  private static final long TICK_MILLIS = 500;

  private final DeploymentConfig config;
  private final CanaryConfig canary;

  private CanaryDeployment(DeploymentConfig config, CanaryConfig canary) {
    this.config = config;
    this.canary = canary;
  }

  /**
   * A canary deployment with these configs.
   *
   * @throws IllegalArgumentException for the JVM launcher (the gates read each instance's engine
   *     metrics, which a process instance does not report)
   */
  public static CanaryDeployment of(DeploymentConfig config, CanaryConfig canary) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(canary, "canary");
    if (config.launcher() != InstanceLauncher.Kind.IN_PROCESS) {
      throw new IllegalArgumentException("a canary deployment runs its instances in this JVM: its gates read each"
          + " engine's metrics, which a JVM process instance does not report; use the in-process launcher");
    }
    return new CanaryDeployment(config, canary);
  }

  @Override
  public DeploymentReport run(Version from, Version to) {
    int[] target = {0};
    try (DeploymentRun run = new DeploymentRun(config, DeployWiring.launcher(config), "canary")) {
      run.membership((version, ctx) -> version.name().equals(to.name())
          ? ctx.withCanary(CanaryAssignor.Role.CANARY, CanaryAssignor.properties(to.name(), CanaryAssignor.Role.CANARY, target[0]))
          : ctx.withCanary(CanaryAssignor.Role.STABLE, CanaryAssignor.properties(from.name(), CanaryAssignor.Role.STABLE, 0)));
      run.begin(from);
      int partitions = run.partitions();
      int n = config.instances();
      List<RunningInstance> stable = new ArrayList<>(run.slots().stream().map(s -> run.inSlot(s).orElseThrow()).toList());
      List<RunningInstance> canaries = new ArrayList<>();
      List<CanaryStepReport> reports = new ArrayList<>();
      double[] stableBefore = null;
      run.startPhase("rollout", from, to);
      for (CanaryConfig.Step step : canary.steps()) {
        int t = step.resolve(partitions);
        target[0] = t;
        run.step("canary step " + step + ": " + to + " gets " + t + " of " + partitions + " partitions");
        List<RunningInstance> previous = canaries;
        canaries = new ArrayList<>();
        int wanted = Math.max(1, (int) Math.ceil((double) n * t / partitions));
        int keep = t == partitions ? 0 : n - (int) Math.floor((double) n * t / partitions);
        // one instance in, one out
        for (int i = 0; i < wanted; i++) {
          RunningInstance c = run.start(to, "c" + i);
          run.awaitJoined(c);
          canaries.add(c);
          if (i < previous.size()) {
            run.stop(previous.get(i));
          } else if (stable.size() > keep) {
            run.stop(stable.remove(stable.size() - 1));
          }
        }
        for (RunningInstance p : previous.subList(Math.min(wanted, previous.size()), previous.size())) {
          run.stop(p);
        }
        while (stable.size() > keep) {
          run.stop(stable.remove(stable.size() - 1));
        }
        run.awaitStable();
        Set<Integer> owned = new TreeSet<>();
        for (int p = 0; p < t; p++) {
          owned.add(p); // the assignor's canary set: the first t partitions
        }
        CanaryAnalysis analysis = new CanaryAnalysis(canary, canaries, stable, owned, stableBefore);
        List<GateResult> gates = analyse(run, analysis);
        boolean passed = gates.stream().allMatch(GateResult::passed);
        long verdictAt = System.currentTimeMillis();
        reports.add(new CanaryStepReport(step.toString(), t, analysis.startMillis(), verdictAt - analysis.startMillis(),
            gates, passed));
        stableBefore = analysis.stableFigures();
        if (!passed) {
          GateResult failed = gates.stream().filter(g -> !g.passed()).findFirst().orElseThrow();
          run.step("gate " + failed.gate() + " failed at step " + step + ": canary " + failed.canary() + " > bound "
              + failed.bound() + " (" + failed.detail() + "); rolling back");
          run.endPhase();
          run.startPhase("rollback", to, from);
          for (int i = 0; stable.size() < n; i++) {
            String slot = "i" + i;
            if (stable.stream().noneMatch(s -> s.context().slot().equals(slot))) {
              RunningInstance s = run.start(from, slot);
              run.awaitJoined(s);
              stable.add(s);
            }
          }
          run.stopAll(canaries);
          run.awaitRecovered();
          long rollbackMs = System.currentTimeMillis() - verdictAt;
          run.endPhase();
          run.canary(new DeploymentReport.Canary(reports, failed.gate(), verdictAt - analysis.startMillis(), rollbackMs));
          run.outcome("rolled_back", "gate " + failed.gate() + " failed at step " + step + " (" + t + " of "
              + partitions + " partitions): " + failed.detail() + "; " + from + " owns every partition again");
          return run.finish();
        }
      }
      run.awaitRecovered();
      run.endPhase();
      run.canary(new DeploymentReport.Canary(reports, "", 0, 0));
      return run.finish();
    }
  }

  /** Evaluates the gates every tick until the analysis time passed or one failed. */
  private List<GateResult> analyse(DeploymentRun run, CanaryAnalysis analysis) {
    long end = analysis.startMillis() + canary.analysis().toMillis();
    while (true) {
      long next = System.currentTimeMillis() + TICK_MILLIS;
      List<GateResult> gates = analysis.evaluate(run.samples());
      if (gates.stream().anyMatch(g -> !g.passed()) || System.currentTimeMillis() >= end) {
        return gates;
      }
      long wait = Math.min(next, end) - System.currentTimeMillis();
      if (wait > 0) {
        LockSupport.parkNanos(wait * 1_000_000L);
      }
    }
  }
}
