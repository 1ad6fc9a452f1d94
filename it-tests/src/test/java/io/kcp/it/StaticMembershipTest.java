package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.EngineState;
import io.kcp.core.GroupProtocol;
import io.kcp.core.InstanceIdConflictException;
import io.kcp.partition.PartitionConfig;
import io.kcp.partition.PartitionStrategy;
import io.kcp.partition.PartitionStrategyEngine;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import io.kcp.audit.AuditReport;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Static membership across instances: each instance of a group joins with its own instance id
 * ({@code group.instance.id = <instanceId>-<thread>}), so instances restarted one at a time take
 * their partitions back without fencing anyone; two instances given the same id do not fence each
 * other in a loop — one of them fails at once, with the id and the fix in its failure.
 */
@ExtendWith(SharedBroker.class)
class StaticMembershipTest {
  static final int THREADS = 2;

  @TempDir Path dir;

  static ConsumerSettings settings(KafkaSandbox kafka, String topic, String group) {
    return ConsumerSettings.builder().bootstrapServers(kafka.bootstrapServers()).groupId(group)
        .topics(topic).build();
  }

  static PartitionStrategyEngine instance(ConsumerSettings settings, String id, GroupProtocol protocol,
      AuditLog log) {
    return PartitionStrategy.of(
        EngineConfig.custom(settings).instanceId(id).groupProtocol(protocol).build(),
        PartitionConfig.ofThreads(THREADS),
        Audit.wrap(r -> Thread.sleep(1), log)); // ~1 ms of work per record
  }

  @Test
  void threeInstancesRestartedOneAtATimeFenceNobody(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("static");
    String group = SharedBroker.uniqueName("static-group");
    int records = 30_000;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(6).records(records).keys(300).run();
    ConsumerSettings settings = settings(kafka, topic, group);
    List<Path> files = new ArrayList<>();
    List<AuditLog> logs = new ArrayList<>();
    List<PartitionStrategyEngine> all = new ArrayList<>();
    PartitionStrategyEngine[] running = new PartitionStrategyEngine[3];
    try {
      for (int i = 0; i < 3; i++) {
        running[i] = start(settings, "instance-" + i, dir.resolve("first-" + i + ".tsv"), files, logs, all);
      }
      for (int i = 0; i < 3; i++) { // a rolling restart, each instance with its own id
        PartitionStrategyEngine old = running[i];
        await().atMost(Duration.ofSeconds(60)).until(() -> old.metrics().recordsHandled() >= 500);
        // restart a steady group, as a rollout does: not while its first members are still
        // joining (a close during that rebalance cannot commit, and what it finished comes again)
        await().atMost(Duration.ofSeconds(60)).until(() -> stable(kafka, group, 6));
        old.close(Duration.ofSeconds(10));
        running[i] = start(settings, "instance-" + i, dir.resolve("restarted-" + i + ".tsv"), files, logs, all);
      }
      await().atMost(Duration.ofSeconds(120)).until(() -> EngineLivenessTest.committed(kafka, group)
          .values().stream().mapToLong(Long::longValue).sum() == records);
    } finally {
      for (PartitionStrategyEngine e : running) {
        if (e != null) {
          e.close(Duration.ofSeconds(10));
        }
      }
      for (AuditLog log : logs) {
        log.close();
      }
    }
    long restarts = all.stream().mapToLong(e -> e.metrics().restarts()).sum();
    long failed = all.stream().filter(e -> e.state() == EngineState.FAILED).count();
    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, files);
    System.out.printf("STATIC 3 instances, each restarted once: %d fenced or failed, %d thread restarts,"
        + " lost %d, duplicates %d%n", failed, restarts, report.lost(), report.duplicates());
    assertThat(failed).isZero();
    assertThat(restarts).isZero();
    assertThat(report.lost()).as(report.toText()).isZero();
    // a graceful close commits what finished: at most a record per thread is handled again
    assertThat(report.duplicates()).as(report.toText()).isLessThanOrEqualTo(3L * THREADS);
  }

  /** Whether the group is STABLE with {@code partitions} partitions assigned. */
  static boolean stable(KafkaSandbox kafka, String group, int partitions) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      var d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      int assigned = d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
      return d.groupState() == org.apache.kafka.common.GroupState.STABLE && assigned == partitions;
    }
  }

  private PartitionStrategyEngine start(ConsumerSettings settings, String id, Path file, List<Path> files,
      List<AuditLog> logs, List<PartitionStrategyEngine> all) {
    AuditLog log = AuditLog.open(file);
    files.add(file);
    logs.add(log);
    PartitionStrategyEngine engine = instance(settings, id, GroupProtocol.CLASSIC, log);
    all.add(engine);
    engine.start();
    return engine;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(GroupProtocol.class)
  void twoInstancesWithOneIdStopAtOnceInsteadOfFencingEachOther(GroupProtocol protocol, KafkaSandbox kafka)
      throws Exception {
    String topic = SharedBroker.uniqueName("twins");
    String group = SharedBroker.uniqueName("twins-group");
    int records = 20_000;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(4).records(records).keys(100).run();
    ConsumerSettings settings = settings(kafka, topic, group);
    Path fileA = dir.resolve("a.tsv");
    Path fileB = dir.resolve("b.tsv");
    PartitionStrategyEngine a;
    PartitionStrategyEngine b;
    PartitionStrategyEngine failed;
    PartitionStrategyEngine survivor;
    long millisToFail;
    try (AuditLog logA = AuditLog.open(fileA); AuditLog logB = AuditLog.open(fileB)) {
      a = instance(settings, "twin", protocol, logA);
      b = instance(settings, "twin", protocol, logB);
      a.start();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> a.metrics().recordsHandled() >= 200);
        long t0 = System.nanoTime();
        b.start();
        await().atMost(Duration.ofSeconds(60))
            .until(() -> a.state() == EngineState.FAILED || b.state() == EngineState.FAILED);
        millisToFail = (System.nanoTime() - t0) / 1_000_000;
        failed = a.state() == EngineState.FAILED ? a : b;
        survivor = failed == a ? b : a;
        await().atMost(Duration.ofSeconds(120)).until(() -> EngineLivenessTest.committed(kafka, group)
            .values().stream().mapToLong(Long::longValue).sum() == records);
        assertThat(survivor.state()).isEqualTo(EngineState.RUNNING);
      } finally {
        b.close(Duration.ofSeconds(10));
        a.close(Duration.ofSeconds(10));
      }
    }
    Throwable why = failed.failure().orElseThrow();
    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(fileA, fileB));
    System.out.printf("TWINS %s: the %s instance failed %d ms after the second started: %s; lost %d,"
            + " duplicates %d%n", protocol, failed == a ? "first" : "second", millisToFail, why.getMessage(),
        report.lost(), report.duplicates());
    assertThat(why).isInstanceOf(InstanceIdConflictException.class);
    assertThat(why.getMessage()).contains("'twin-", "give every instance of the group its own instance id");
    assertThat(a.metrics().restarts() + b.metrics().restarts()).as("no restart loop").isZero();
    assertThat(report.lost()).as(report.toText()).isZero();
  }
}
