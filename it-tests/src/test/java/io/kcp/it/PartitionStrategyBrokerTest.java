package io.kcp.it;

import io.kcp.partition.PartitionConfig;
import io.kcp.core.EngineConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineState;
import io.kcp.core.GroupProtocol;
import io.kcp.partition.PartitionStrategy;
import io.kcp.partition.PartitionStrategyEngine;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import io.kcp.audit.AuditReport;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The consumer-per-thread strategy on a real broker: 12 partitions, 200,000 keyed records, read by
 * 4, 12 and 16 threads (4 of them idle) with the classic protocol and by 4 threads with KIP-848;
 * the audit finds nothing lost, duplicated or reordered.
 */
@ExtendWith(SharedBroker.class)
class PartitionStrategyBrokerTest {
  static final int RECORDS = 200_000;
  static String topic;

  @TempDir Path dir;

  @BeforeAll
  static void produce(KafkaSandbox kafka) {
    topic = SharedBroker.uniqueName("partition-200k");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(12).records(RECORDS).keys(1_000).run();
  }

  @ParameterizedTest(name = "{0} threads, {1} protocol")
  @CsvSource({"4, CLASSIC, 0", "12, CLASSIC, 0", "16, CLASSIC, 4", "4, CONSUMER, 0"})
  void everyRecordOnceAndInOrder(int threads, GroupProtocol protocol, int idle, KafkaSandbox kafka) {
    Path auditFile = dir.resolve("audit-" + threads + "-" + protocol + ".tsv");
    ConsumerSettings settings = ConsumerSettings.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .groupId(SharedBroker.uniqueName("partition-group"))
        .topics(topic)
        .build();
    EngineMetrics atEnd;
    try (AuditLog log = AuditLog.open(auditFile)) {
      PartitionStrategyEngine engine = PartitionStrategy.of(
          EngineConfig.custom(settings).groupProtocol(protocol).build(),
          PartitionConfig.ofThreads(threads),
          Audit.wrap(r -> {}, log));
      engine.start();
      try {
        await().atMost(Duration.ofSeconds(120)).until(() -> engine.metrics().recordsHandled() >= RECORDS);
        await().atMost(Duration.ofSeconds(30))
            .until(() -> engine.metrics().idleConsumers() == idle && engine.metrics().assignedPartitions() == 12);
        atEnd = engine.metrics();
        assertThat(engine.state()).isEqualTo(EngineState.RUNNING);
      } finally {
        engine.close(Duration.ofSeconds(20));
      }
      assertThat(engine.state()).isEqualTo(EngineState.CLOSED);
      assertThat(engine.threadMetrics()).hasSize(threads);
    }
    assertThat(atEnd.consumers()).isEqualTo(threads);
    assertThat(atEnd.topicPartitions()).isEqualTo(12);
    assertThat(atEnd.restarts()).isZero();

    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(auditFile));
    assertThat(report.produced()).isEqualTo(RECORDS);
    assertThat(report.lost()).as(report.toText()).isZero();
    assertThat(report.duplicates()).as(report.toText()).isZero();
    assertThat(report.orderViolations()).as(report.toText()).isZero();
  }

  @Test
  void theClientsOwnLagMetricsAreExposedPerPartition(KafkaSandbox kafka) {
    String slowTopic = SharedBroker.uniqueName("lag-metrics");
    Workload.builder(kafka.bootstrapServers(), slowTopic).partitions(2).records(6_000).keys(20).run();
    ConsumerSettings settings = ConsumerSettings.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .groupId(SharedBroker.uniqueName("lag-group"))
        .topics(slowTopic)
        .property("max.poll.records", "10")
        .build();
    PartitionStrategyEngine engine = PartitionStrategy.of(EngineConfig.ofDefaults(settings),
        PartitionConfig.ofThreads(2),
        r -> Thread.sleep(2)); // slow on purpose: lag stays visible for a while
    engine.start();
    try {
      // the first thread may get both partitions until the second joins and one moves over
      await().atMost(Duration.ofSeconds(30)).until(() -> engine.threadMetrics().stream()
          .allMatch(t -> t.assignedPartitions() == 1 && t.recordsLag().size() == 1));
      EngineMetrics m = engine.metrics();
      assertThat(m.recordsLag().keySet()).extracting(tp -> tp.topic()).containsOnly(slowTopic);
      assertThat(m.recordsLagMax()).isPositive().isLessThanOrEqualTo(6_000);
      assertThat(engine.threadMetrics()).allSatisfy(t -> assertThat(t.recordsLag()).hasSize(1));
    } finally {
      engine.close(Duration.ofSeconds(20));
    }
  }
}
