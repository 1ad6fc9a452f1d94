package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.audit.AuditEntry;
import io.kcp.audit.AuditFiles;
import io.kcp.audit.Topics;
import io.kcp.cli.DeployVersions;
import io.kcp.core.CommitPolicy;
import io.kcp.deploy.BlueGreenConfig;
import io.kcp.deploy.BlueGreenDeployment;
import io.kcp.deploy.CanaryConfig;
import io.kcp.deploy.CanaryDeployment;
import io.kcp.deploy.CanaryStepReport;
import io.kcp.deploy.GateResult;
import io.kcp.deploy.DeploymentConfig;
import io.kcp.deploy.DeploymentReport;
import io.kcp.deploy.InstanceLauncher;
import io.kcp.deploy.PhaseReport;
import io.kcp.deploy.RollingConfig;
import io.kcp.deploy.RollingDeployment;
import io.kcp.deploy.RunningInstance;
import io.kcp.deploy.StopDeployment;
import io.kcp.deploy.Version;
import io.kcp.sandbox.KafkaSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deployments of the demo consumer (v1 to v2, 3 instances of 2 consumer threads, 12 partitions)
 * under steady traffic, on a real broker, measured from the audit, the lag samples and the
 * rebalance callbacks. Each asserts what its strategy promises and prints every figure.
 */
@ExtendWith(SharedBroker.class)
class DeploymentTest {
  static final int INSTANCES = 3;
  static final int THREADS = 2;
  static final int PARTITIONS = 12;
  static final int RATE = 1_000;
  /** At most a record per consumer thread is in flight when a step stops or revokes it. */
  static final long GRACEFUL_BOUND = 2L * INSTANCES * THREADS;

  @TempDir Path dir;

  static String topic(KafkaSandbox kafka, String prefix) {
    String topic = SharedBroker.uniqueName(prefix);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Topics.createAndAwait(admin, topic, PARTITIONS, (short) 1);
    }
    return topic;
  }

  DeploymentConfig.Builder config(KafkaSandbox kafka, String topic, DeployVersions.Variant variant) {
    return DeploymentConfig.custom(kafka.bootstrapServers(), topic + "-group", topic)
        .instances(INSTANCES).workDir(dir).traffic(RATE, 300)
        .warmUp(Duration.ofSeconds(2)).settle(Duration.ofSeconds(2)).variant(variant.label());
  }

  static Version version(String name, KafkaSandbox kafka, DeployVersions.Variant variant, Duration session) {
    return DeployVersions.of(name, kafka.bootstrapServers(), variant, THREADS, Duration.ofMillis(1),
        session == null ? Map.of() : Map.of("session.timeout.ms", String.valueOf(session.toMillis())));
  }

  static void print(String what, DeploymentReport r) {
    PhaseReport p = r.rollout();
    System.out.printf("DEPLOY %s: %s, lost %d, duplicates %d, cutover violations %d, gap %d ms, max partition"
            + " gap %d ms, lag peak %d, recovery %d ms, mixed %d ms, peak instances %d, peak running %d,"
            + " rebalances %d, revoked %d (%.1f per rebalance), rollout %d ms%n", what, r.outcome(), r.lost(),
        r.duplicates(), r.cutoverViolations(), p.consumptionGapMs(), p.maxPartitionGapMs(), p.lagPeak(),
        p.recoveryMs(), p.mixedVersionMs(), p.peakInstances(), p.peakRunning(), p.rebalances(),
        p.revokedPartitions(), p.revokedPerRebalance(), p.durationMs());
    r.rollback().ifPresent(b -> System.out.printf("DEPLOY %s, rollback: gap %d ms, max partition gap %d ms,"
        + " lag peak %d, peak running %d%n", what, b.consumptionGapMs(), b.maxPartitionGapMs(), b.lagPeak(),
        b.peakRunning()));
  }

  @Test
  void aStopDeploymentSeparatesTheVersionsCleanlyAtTheCutover(KafkaSandbox kafka) {
    String topic = topic(kafka, "deploy-stop");
    DeployVersions.Variant variant = DeployVersions.Variant.COOPERATIVE;
    DeploymentReport r = StopDeployment.of(config(kafka, topic, variant).build())
        .run(version("v1", kafka, variant, null), version("v2", kafka, variant, null));
    print("stop", r);
    assertThat(r.lost()).isZero();
    assertThat(r.duplicates()).isLessThanOrEqualTo(GRACEFUL_BOUND);
    assertThat(r.cutover()).hasSize(PARTITIONS);
    assertThat(r.cutoverViolations()).as("v1 below the cut-over only, v2 at or above only").isZero();
    assertThat(r.rollout().mixedVersionMs()).as("the versions never ran together").isZero();
    assertThat(r.rollout().consumptionGapMs()).as("nothing is consumed while nothing runs").isPositive();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DeployVersions.Variant.class)
  void aRollingDeploymentLosesNothingAndCostsWhatItsProtocolSays(DeployVersions.Variant variant, KafkaSandbox kafka) {
    String topic = topic(kafka, "deploy-rolling-" + variant.label());
    boolean reuseIds = variant == DeployVersions.Variant.STATIC;
    RollingConfig rolling = RollingConfig.custom().maxSurge(reuseIds ? 0 : 1).maxUnavailable(reuseIds ? 1 : 0).build();
    DeploymentReport r = RollingDeployment.of(config(kafka, topic, variant).build(), rolling)
        .run(version("v1", kafka, variant, null), version("v2", kafka, variant, null));
    print("rolling " + variant.label(), r);
    PhaseReport p = r.rollout();
    assertThat(r.lost()).isZero();
    assertThat(r.duplicates()).isLessThanOrEqualTo(GRACEFUL_BOUND);
    assertThat(p.peakInstances()).isEqualTo(INSTANCES + rolling.maxSurge());
    switch (variant) {
      case EAGER -> // every rebalance stops every partition of every member
          assertThat(p.revokedPerRebalance()).isGreaterThanOrEqualTo(0.75 * PARTITIONS);
      case COOPERATIVE, KIP848 -> { // only the partitions that move stop
        assertThat(p.rebalances()).isPositive();
        assertThat(p.revokedPerRebalance()).isLessThanOrEqualTo(0.5 * PARTITIONS);
      }
      case STATIC -> // each replacement takes its predecessor's id within the session timeout
          assertThat(p.rebalances()).isZero();
      default -> throw new IllegalStateException();
    }
  }

  @Test
  void aRollbackBringsEveryPartitionBackToTheOldVersion(KafkaSandbox kafka) {
    String topic = topic(kafka, "deploy-rollback");
    DeployVersions.Variant variant = DeployVersions.Variant.COOPERATIVE;
    DeploymentReport r = RollingDeployment.of(config(kafka, topic, variant).build(),
            RollingConfig.custom().rollback(true).build())
        .run(version("v1", kafka, variant, null), version("v2", kafka, variant, null));
    print("rolling with rollback", r);
    assertThat(r.lost()).isZero();
    assertThat(r.rollback()).isPresent();
    PhaseReport back = r.rollback().orElseThrow();
    assertThat(back.from()).isEqualTo("v2");
    assertThat(back.to()).isEqualTo("v1");
    // the last record of every partition was handled by v1 again
    Map<Integer, AuditEntry> last = new HashMap<>();
    for (AuditEntry e : AuditFiles.read(r.auditFiles()).entries()) {
      last.merge(e.partition(), e, (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    assertThat(last).hasSize(PARTITIONS);
    assertThat(last.values()).allSatisfy(e -> assertThat(e.handlerId()).startsWith("v1-"));
  }

  @Test
  void aJvmInstanceKilledMidRolloutLosesNothingAndCostsItsSessionTimeout(KafkaSandbox kafka) {
    String topic = topic(kafka, "deploy-kill");
    DeployVersions.Variant variant = DeployVersions.Variant.COOPERATIVE;
    Duration session = Duration.ofSeconds(6);
    AtomicBoolean killed = new AtomicBoolean();
    DeploymentConfig config = config(kafka, topic, variant).launcher(InstanceLauncher.Kind.JVM)
        .listener((step, running) -> {
          // once the first replacement is ready, SIGKILL the v1 instance whose turn is last
          if (step.what().equals("ready v2-i0-1") && killed.compareAndSet(false, true)) {
            running.stream().filter(i -> i.context().slot().equals("i2")).findFirst().ifPresent(RunningInstance::kill);
          }
        })
        .build();
    DeploymentReport r = RollingDeployment.of(config, RollingConfig.ofDefaults())
        .run(version("v1", kafka, variant, session), version("v2", kafka, variant, session));
    print("rolling jvm, v1-i2 killed", r);
    assertThat(killed).isTrue();
    assertThat(r.lost()).isZero();
    // the killed instance's finished but uncommitted records come back: per thread, at most what
    // the commit policy leaves uncommitted (2 x everyRecords)
    assertThat(r.duplicates()).isLessThanOrEqualTo(THREADS * 2L * CommitPolicy.DEFAULT_EVERY_RECORDS);
    // its partitions waited until the broker noticed: about the session timeout
    assertThat(r.rollout().maxPartitionGapMs()).isGreaterThanOrEqualTo(session.toMillis() / 2);
  }

  @Test
  void aBlueGreenSwitchHandsOverAtBluesOffsetsAndSwitchesBack(KafkaSandbox kafka) {
    String topic = topic(kafka, "deploy-blue-green");
    DeployVersions.Variant variant = DeployVersions.Variant.COOPERATIVE;
    DeploymentReport r = BlueGreenDeployment.of(config(kafka, topic, variant).build(),
            BlueGreenConfig.custom().rollback(true).build())
        .run(version("v1", kafka, variant, null), version("v2", kafka, variant, null));
    print("blue-green with rollback", r);
    assertThat(r.outcome()).isEqualTo("rolled_back");
    assertThat(r.lost()).isZero();
    // blue drained and committed before its offsets were handed over: no record on both sides
    assertThat(r.cutover()).hasSize(PARTITIONS);
    assertThat(r.rollbackCutover()).hasSize(PARTITIONS);
    assertThat(r.cutoverViolations()).as("each record handled only by the colour that owned its offset").isZero();
    assertThat(r.duplicates()).isZero();
    PhaseReport p = r.rollout();
    assertThat(p.mixedVersionMs()).as("the colours never consumed together").isZero();
    assertThat(p.peakRunning()).as("both colours up during the switch").isEqualTo(2 * INSTANCES);
    assertThat(r.rollback().orElseThrow().peakRunning()).isEqualTo(2 * INSTANCES);
    assertThat(lastHandlers(r)).as("after the rollback blue handles every partition again").allSatisfy(
        id -> assertThat(id).startsWith("v1-"));
  }

  @Test
  void aSwitchTheBrokerRefusesLeavesBlueActiveAndLosesNothing(KafkaSandbox kafka) throws Exception {
    String topic = topic(kafka, "deploy-blue-green-refused");
    DeployVersions.Variant variant = DeployVersions.Variant.COOPERATIVE;
    DeploymentConfig config = config(kafka, topic, variant).build();
    String green = BlueGreenConfig.ofDefaults().greenGroup(config.group());
    // a stray member of green's group: the broker refuses to set the offsets of a group with members
    AtomicBoolean done = new AtomicBoolean();
    Thread stray = new Thread(() -> {
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, green,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
        c.subscribe(List.of(topic));
        while (!done.get()) {
          c.poll(Duration.ofMillis(100));
        }
      }
    }, "stray-green-member");
    stray.start();
    DeploymentReport r;
    try {
      // the stray has joined before the deployment starts, so the switch meets a group with a member
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeConsumerGroups(List.of(green))
            .all().get().get(green).members().size() == 1);
      }
      r = BlueGreenDeployment.of(config, BlueGreenConfig.ofDefaults())
          .run(version("v1", kafka, variant, null), version("v2", kafka, variant, null));
    } finally {
      done.set(true);
      stray.join(30_000);
    }
    print("blue-green refused", r);
    assertThat(r.outcome()).isEqualTo("switch_failed");
    assertThat(r.outcomeDetail()).contains(green).contains("v1 stays active");
    assertThat(r.lost()).isZero();
    assertThat(r.duplicates()).isZero();
    assertThat(r.ratesByVersion()).as("green never consumed").doesNotContainKey("v2");
    assertThat(lastHandlers(r)).allSatisfy(id -> assertThat(id).startsWith("v1-"));
  }

  /** Who handled the last record of each partition. */
  static List<String> lastHandlers(DeploymentReport r) {
    Map<Integer, AuditEntry> last = new HashMap<>();
    for (AuditEntry e : AuditFiles.read(r.auditFiles()).entries()) {
      last.merge(e.partition(), e, (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    assertThat(last).hasSize(PARTITIONS);
    return last.values().stream().map(AuditEntry::handlerId).toList();
  }

  @Test
  void aGoodCanaryWidensStepByStepToEveryPartition(KafkaSandbox kafka) {
    String topic = topic(kafka, "deploy-canary-good");
    DeployVersions.Variant variant = DeployVersions.Variant.COOPERATIVE;
    DeploymentReport r = CanaryDeployment.of(config(kafka, topic, variant).build(),
            CanaryConfig.custom().analysis(Duration.ofSeconds(3)).build())
        .run(version("v1", kafka, variant, null), version("v2", kafka, variant, null));
    print("canary good", r);
    printCanary(r);
    assertThat(r.outcome()).isEqualTo("deployed");
    assertThat(r.lost()).isZero();
    assertThat(r.duplicates()).isLessThanOrEqualTo(GRACEFUL_BOUND);
    assertThat(r.orderViolations()).as("per-key order across the versions").isZero();
    List<CanaryStepReport> steps = r.canary().orElseThrow().steps();
    assertThat(steps).extracting(CanaryStepReport::partitions).containsExactly(1, 3, 6, PARTITIONS);
    assertThat(steps).allSatisfy(s -> assertThat(s.passed()).isTrue());
    assertThat(lastHandlers(r)).allSatisfy(id -> assertThat(id).startsWith("v2-"));
  }

  @Test
  void aBadCanaryIsRolledBackAtItsFirstStepAndCostsNoRecord(KafkaSandbox kafka) {
    String topic = topic(kafka, "deploy-canary-bad");
    DeployVersions.Variant variant = DeployVersions.Variant.COOPERATIVE;
    Version bad = DeployVersions.of("v2", kafka.bootstrapServers(), variant, THREADS, Duration.ofMillis(1), Map.of(), 0.2);
    DeploymentReport r = CanaryDeployment.of(config(kafka, topic, variant).build(), CanaryConfig.ofDefaults())
        .run(version("v1", kafka, variant, null), bad);
    print("canary bad", r);
    printCanary(r);
    assertThat(r.outcome()).isEqualTo("rolled_back");
    DeploymentReport.Canary c = r.canary().orElseThrow();
    assertThat(c.steps()).hasSize(1);
    assertThat(c.steps().get(0).partitions()).isEqualTo(1);
    assertThat(c.failedGate()).isNotEmpty();
    assertThat(r.outcomeDetail()).contains(c.failedGate());
    // nothing lost and nothing dead-lettered: what v2 could not handle, v1 handled after the rollback
    assertThat(r.lost()).isZero();
    assertThat(r.duplicates()).isLessThanOrEqualTo(GRACEFUL_BOUND);
    assertThat(r.orderViolations()).isZero();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get()).doesNotContain(topic + ".dlt");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(lastHandlers(r)).allSatisfy(id -> assertThat(id).startsWith("v1-"));
  }

  static void printCanary(DeploymentReport r) {
    DeploymentReport.Canary c = r.canary().orElseThrow();
    for (CanaryStepReport s : c.steps()) {
      System.out.printf("CANARY step %s (%d partitions) %s after %d ms:%n", s.step(), s.partitions(),
          s.passed() ? "passed" : "FAILED", s.analysedMs());
      for (GateResult g : s.gates()) {
        System.out.printf("CANARY   %s canary %.3f stable %.3f bound %.3f %s (%s)%n", g.gate(), g.canary(), g.stable(),
            g.bound(), g.passed() ? "ok" : "FAIL", g.detail());
      }
    }
    System.out.printf("CANARY failed gate '%s', detection %d ms, rollback %d ms%n", c.failedGate(), c.detectionMs(),
        c.rollbackMs());
  }
}
