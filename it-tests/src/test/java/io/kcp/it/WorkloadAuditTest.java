package io.kcp.it;

import io.kcp.core.EngineConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.RecordHandler;
import io.kcp.core.SingleThreadConsumer;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import io.kcp.audit.AuditReport;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import io.kcp.audit.WorkloadResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instrument every later chapter relies on, proven on a real broker: the keyed workload goes
 * in, an audited consumer reads it back, and the audit reports exactly what happened — nothing
 * when nothing went wrong, and the precise loss or duplication when something did.
 */
@ExtendWith(SharedBroker.class)
class WorkloadAuditTest {
  @TempDir Path dir;

  private static ConsumerSettings settings(KafkaSandbox kafka, String topic) {
    return ConsumerSettings.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .groupId(SharedBroker.uniqueName("audit-group"))
        .topics(topic)
        .build();
  }

  /** Reads {@code expected} records with an audited single-thread consumer, then closes it. */
  private static void readBack(
      KafkaSandbox kafka, String topic, Path auditFile, long expected,
      java.util.function.Function<RecordHandler<String, String>, RecordHandler<String, String>> around) {
    try (AuditLog log = AuditLog.open(auditFile)) {
      RecordHandler<String, String> audited = Audit.wrap(r -> {}, log);
      ConsumerEngine engine =
          SingleThreadConsumer.of(EngineConfig.ofDefaults(settings(kafka, topic)), around.apply(audited));
      engine.start();
      try {
        await().atMost(Duration.ofSeconds(60))
            .until(() -> engine.metrics().recordsHandled() >= expected);
      } finally {
        engine.close(Duration.ofSeconds(10));
      }
    }
  }

  @Test
  void aCleanReadBackReportsNothingLostDuplicatedOrReordered(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("clean");
    WorkloadResult produced =
        Workload.builder(kafka.bootstrapServers(), topic).partitions(6).records(20_000).keys(100).run();
    assertThat(produced.records()).isEqualTo(20_000);
    assertThat(produced.endOffsets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20_000);

    Path audit = dir.resolve("run-1.tsv");
    readBack(kafka, topic, audit, 20_000, h -> h);

    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(audit));
    assertThat(report.produced()).isEqualTo(20_000);
    assertThat(report.handled()).isEqualTo(20_000);
    assertThat(report.lost()).isZero();
    assertThat(report.duplicates()).isZero();
    assertThat(report.orderViolations()).isZero();
    assertThat(report.runs()).isEqualTo(1);
    assertThat(report.clean()).isTrue();
  }

  @Test
  void recordsNeverHandledAreReportedLostExactly(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("lossy");
    WorkloadResult produced =
        Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(3_000).keys(30).run();
    long inPartition0 = produced.endOffsets().get(0);
    assertThat(inPartition0).isPositive();

    // a handler that "forgets" partition 0: handled (so committed) but never audited
    Path audit = dir.resolve("lossy.tsv");
    readBack(kafka, topic, audit, 3_000,
        audited -> r -> {
          if (r.partition() != 0) {
            audited.handle(r);
          }
        });

    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(audit));
    assertThat(report.lost()).isEqualTo(inPartition0);
    assertThat(report.handled()).isEqualTo(3_000 - inPartition0);
    assertThat(report.lostExamples()).isNotEmpty().allSatisfy(r -> assertThat(r.partition()).isZero());
    assertThat(report.clean()).isFalse();
  }

  @Test
  void twoRunsOverTheSameRecordsAreDuplicatesNotOrderViolations(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("twice");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(4).records(4_000).keys(40).run();

    Path first = dir.resolve("first.tsv");
    Path second = dir.resolve("second.tsv");
    readBack(kafka, topic, first, 4_000, h -> h);
    readBack(kafka, topic, second, 4_000, h -> h); // a new group: everything again

    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(first, second));
    assertThat(report.runs()).isEqualTo(2);
    assertThat(report.lost()).isZero();
    assertThat(report.duplicates()).isEqualTo(4_000);
    assertThat(report.orderViolations()).isZero();
  }
}
