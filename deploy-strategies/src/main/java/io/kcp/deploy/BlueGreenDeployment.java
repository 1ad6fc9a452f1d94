package io.kcp.deploy;

import io.kcp.deploy.internal.DeploymentRun;
import io.kcp.deploy.internal.OffsetHandOff;
import io.kcp.deploy.wiring.DeployWiring;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Blue/green deployment (블루-그린 배포): the new version (green) runs beside the old (blue) as
 * its own consumer group, warm but consuming nothing, and a <em>switch</em> moves consumption
 * from one colour to the other at once:
 *
 * <ol>
 *   <li>blue stops handing out records, drains what is in flight, commits and leaves its group
 *       (its instances stay up, warm: the standby for a rollback);
 *   <li>blue's committed offsets are read and written as green's group's offsets with the Admin
 *       API — which the broker accepts only while green's group has no member, and which can fail
 *       for some partitions: then nothing is activated, blue is activated again from its own
 *       offsets, and the report says {@code switch_failed} and why;
 *   <li>green's instances join their group and consume from exactly those offsets.
 * </ol>
 *
 * The versions never run together and every record below the hand-off was blue's, every record
 * at or above it green's; the price is twice the instances while both colours are up, and a gap
 * of one drain, one offset write and one group join. A rollback is the same switch back.
 *
 * <pre>{@code
 * DeploymentReport report = BlueGreenDeployment.of(config, BlueGreenConfig.ofDefaults()).run(v1, v2);
 * }</pre>
 */
public final class BlueGreenDeployment implements Deployment {
  private final DeploymentConfig config;
  private final BlueGreenConfig blueGreen;

  private BlueGreenDeployment(DeploymentConfig config, BlueGreenConfig blueGreen) {
    this.config = config;
    this.blueGreen = blueGreen;
  }

  /**
   * A blue/green deployment with these configs.
   *
   * @throws IllegalArgumentException if green's group is blue's
   */
  public static BlueGreenDeployment of(DeploymentConfig config, BlueGreenConfig blueGreen) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(blueGreen, "blueGreen");
    if (blueGreen.greenGroup(config.group()).equals(config.group())) {
      throw new IllegalArgumentException("green's group must differ from blue's (" + config.group()
          + "): each colour is a consumer group of its own");
    }
    return new BlueGreenDeployment(config, blueGreen);
  }

  @Override
  public DeploymentReport run(Version from, Version to) {
    String blueGroup = config.group();
    String greenGroup = blueGreen.greenGroup(blueGroup);
    try (DeploymentRun run = new DeploymentRun(config, DeployWiring.launcher(config), "blue-green")) {
      run.begin(from);
      List<RunningInstance> blue = run.slots().stream().map(s -> run.inSlot(s).orElseThrow()).toList();
      List<RunningInstance> green = run.slots().stream().map(s -> run.standby(to, s, greenGroup)).toList();
      boolean switched = switchOver(run, "rollout", from, to, blue, green, blueGroup, greenGroup);
      if (switched && blueGreen.rollback()) {
        run.step("settling before the rollback");
        if (switchOver(run, "rollback", to, from, green, blue, greenGroup, blueGroup)) {
          run.outcome("rolled_back", "switched back to " + from + " after " + to + " settled, as configured");
        }
      }
      return run.finish();
    }
  }

  /** One switch from the active colour to the standby one; false (and the old side active) if it failed. */
  private static boolean switchOver(DeploymentRun run, String phase, Version from, Version to,
      List<RunningInstance> active, List<RunningInstance> standby, String fromGroup, String toGroup) {
    run.startPhase(phase, from, to);
    run.deactivateAll(active);
    OffsetHandOff handOff = run.handOff();
    Map<Integer, Long> offsets = handOff.committed(fromGroup);
    OffsetHandOff.Result result = handOff.transfer(toGroup, offsets);
    if (!result.complete()) {
      run.activateAll(active);
      for (RunningInstance i : active) {
        run.awaitReady(i);
      }
      run.awaitRecovered();
      run.endPhase();
      run.outcome("switch_failed", "group " + toGroup + " did not take " + fromGroup + "'s offsets for "
          + result.failed().size() + " of " + offsets.size() + " partitions (" + result.failed() + "); "
          + from + " stays active, " + to + " was never activated");
      return false;
    }
    run.cutover(from, to, offsets);
    run.follow(toGroup);
    run.activateAll(standby);
    for (RunningInstance i : standby) {
      run.awaitReady(i);
    }
    run.awaitRecovered();
    run.endPhase();
    return true;
  }
}
