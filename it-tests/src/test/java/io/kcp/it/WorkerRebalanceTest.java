package io.kcp.it;

import io.kcp.core.EngineConfig;
import io.kcp.worker.WorkerConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ConsumerSettings;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import io.kcp.audit.AuditReport;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerStrategy;
import io.kcp.worker.WorkerStrategyEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second worker-strategy instance joins mid-stream and leaves. Drain on revoke: the revoked
 * partitions' queued records are dropped, their running ones finish (bounded) and are committed
 * before the partitions move, so nothing is lost and duplicates stay within the in-flight bound
 * of the moved partitions.
 */
@ExtendWith(SharedBroker.class)
class WorkerRebalanceTest {
  static final int RECORDS = 30_000;
  static final int MAX_IN_FLIGHT = 200;

  @TempDir Path dir;

  private static WorkerStrategyEngine instance(ConsumerSettings settings, AuditLog log) {
    return WorkerStrategy.of(EngineConfig.ofDefaults(settings),
        WorkerConfig.custom().ordering(Ordering.KEY).concurrency(8).maxInFlight(MAX_IN_FLIGHT).build(),
        Audit.wrap(r -> Thread.sleep(1), log));
  }

  @Test
  void aSecondInstanceJoinsAndLeavesWithoutLoss(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("worker-rebalance");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(12).records(RECORDS).keys(300).run();
    ConsumerSettings settings = ConsumerSettings.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .groupId(SharedBroker.uniqueName("worker-rebalance-group"))
        .topics(topic)
        .property("max.poll.records", "100")
        .build();
    Path fileA = dir.resolve("a.tsv");
    Path fileB = dir.resolve("b.tsv");
    try (AuditLog logA = AuditLog.open(fileA); AuditLog logB = AuditLog.open(fileB)) {
      WorkerStrategyEngine a = instance(settings, logA);
      a.start();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> a.metrics().recordsHandled() >= 3_000);
        WorkerStrategyEngine b = instance(settings, logB);
        b.start();
        try {
          await().atMost(Duration.ofSeconds(60)).until(() -> b.metrics().recordsHandled() >= 3_000);
        } finally {
          b.close(Duration.ofSeconds(20));
        }
        await().atMost(Duration.ofSeconds(120))
            .until(() -> a.metrics().recordsHandled() + b.metrics().recordsHandled() >= RECORDS);
      } finally {
        a.close(Duration.ofSeconds(20));
      }
    }
    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(fileA, fileB));
    System.out.printf("WORKER-REBALANCE lost %d, duplicates %d (bound %d), order violations %d%n",
        report.lost(), report.duplicates(), 2 * MAX_IN_FLIGHT, report.orderViolations());
    assertThat(report.lost()).as(report.toText()).isZero();
    // two moves (B joins, B leaves), each re-delivering at most the moved partitions' backlog
    assertThat(report.duplicates()).as(report.toText()).isLessThanOrEqualTo(2 * MAX_IN_FLIGHT);
    assertThat(report.orderViolations()).as(report.toText()).isZero();
  }
}
