package io.kcp.it;

import io.kcp.partition.PartitionConfig;
import io.kcp.core.EngineConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ConsumerSettings;
import io.kcp.partition.PartitionStrategy;
import io.kcp.partition.PartitionStrategyEngine;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditEntry;
import io.kcp.audit.AuditFiles;
import io.kcp.audit.AuditLog;
import io.kcp.audit.AuditReport;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second instance joins the group mid-stream and leaves again. Nothing is lost or handled twice
 * (revoked partitions are committed before they move), and with the cooperative assignor the first
 * instance keeps consuming the partitions it retains while the rebalance runs.
 */
@ExtendWith(SharedBroker.class)
class PartitionRebalanceTest {
  static final int RECORDS = 30_000;

  @TempDir Path dir;

  private static PartitionStrategyEngine instance(ConsumerSettings settings, AuditLog log) {
    return PartitionStrategy.of(EngineConfig.ofDefaults(settings), PartitionConfig.ofThreads(2),
        Audit.wrap(r -> Thread.sleep(1), log)); // ~1 ms of work per record
  }

  @Test
  void aSecondInstanceJoinsAndLeavesWithoutLossAndTheFirstKeepsConsuming(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("rebalance");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(12).records(RECORDS).keys(300).run();
    ConsumerSettings settings = ConsumerSettings.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .groupId(SharedBroker.uniqueName("rebalance-group"))
        .topics(topic)
        .build();
    Path fileA = dir.resolve("a.tsv");
    Path fileB = dir.resolve("b.tsv");
    long joinedAt;
    long leftAt;
    try (AuditLog logA = AuditLog.open(fileA); AuditLog logB = AuditLog.open(fileB)) {
      PartitionStrategyEngine a = instance(settings, logA);
      a.start();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> a.metrics().recordsHandled() >= 3_000);
        PartitionStrategyEngine b = instance(settings, logB);
        joinedAt = System.currentTimeMillis();
        b.start();
        try {
          await().atMost(Duration.ofSeconds(60)).until(() -> b.metrics().recordsHandled() >= 2_000);
        } finally {
          leftAt = System.currentTimeMillis();
          b.close(Duration.ofSeconds(20));
        }
        await().atMost(Duration.ofSeconds(120))
            .until(() -> a.metrics().recordsHandled() + b.metrics().recordsHandled() >= RECORDS);
      } finally {
        a.close(Duration.ofSeconds(20));
      }
    }

    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(fileA, fileB));
    assertThat(report.lost()).as(report.toText()).isZero();
    assertThat(report.duplicates()).as("revoked partitions are committed before they move: " + report.toText())
        .isZero();
    assertThat(report.orderViolations()).isZero();

    List<AuditEntry> aEntries = AuditFiles.read(fileA).entries();
    List<AuditEntry> bEntries = AuditFiles.read(fileB).entries();
    long bFirst = bEntries.stream().mapToLong(AuditEntry::endEpochMillis).min().orElseThrow();
    Set<Integer> bPartitions = partitions(bEntries, Long.MIN_VALUE, Long.MAX_VALUE);
    assertThat(bPartitions).as("B got partitions").isNotEmpty();
    assertThat(partitions(aEntries, bFirst, leftAt)).as("A kept partitions while B was there").isNotEmpty();
    // never two owners at once: from B's first record of a partition until B left, A handled none
    // of it (B's two consumers may get their partitions in different rebalances, so each
    // partition is checked from the moment it moved)
    for (int p : bPartitions) {
      long bFirstOfP = bEntries.stream().filter(e -> e.partition() == p)
          .mapToLong(AuditEntry::endEpochMillis).min().orElseThrow();
      assertThat(partitions(aEntries, bFirstOfP, leftAt)).as("A handled partition %d while B owned it", p)
          .doesNotContain(p);
    }

    // The rebalance window runs from B's start until B handled its first record. Records of
    // partitions B never got were A's throughout; A handling them inside the window means A did
    // not stop for the rebalance (an eager assignor revokes everything and pauses the group).
    List<Long> aRetainedInWindow = aEntries.stream()
        .filter(e -> e.endEpochMillis() > joinedAt && e.endEpochMillis() < bFirst)
        .filter(e -> !bPartitions.contains(e.partition()))
        .map(AuditEntry::endEpochMillis)
        .sorted()
        .collect(Collectors.toList());
    long maxGap = 0;
    long previous = joinedAt;
    for (long t : aRetainedInWindow) {
      maxGap = Math.max(maxGap, t - previous);
      previous = t;
    }
    maxGap = Math.max(maxGap, bFirst - previous);
    System.out.printf("REBALANCE window %d ms (B start to B's first record); A handled %d records of"
            + " its retained partitions in it; A's longest pause in the window %d ms; B had %s%n",
        bFirst - joinedAt, aRetainedInWindow.size(), maxGap, bPartitions);
    assertThat(aRetainedInWindow).as("A consumed its retained partitions during the rebalance")
        .isNotEmpty();
    assertThat(maxGap).as("A never paused for most of the rebalance")
        .isLessThan((bFirst - joinedAt) / 2);
  }

  private static Set<Integer> partitions(List<AuditEntry> entries, long fromMillis, long toMillis) {
    return entries.stream()
        .filter(e -> e.endEpochMillis() > fromMillis && e.endEpochMillis() < toMillis)
        .map(AuditEntry::partition)
        .collect(Collectors.toSet());
  }
}
