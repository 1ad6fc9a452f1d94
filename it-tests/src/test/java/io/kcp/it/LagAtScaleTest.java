package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.GroupSnapshots;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.sandbox.KafkaSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 100 groups × 100 partitions read in one batch cost the same Admin calls as 2 groups ({@link
 * ConsumerLag#ADMIN_CALLS_PER_BATCH}), and every one of the 10,000 lags is the one committed. The
 * batched and the one-group-at-a-time reads are timed (SCALE lines on stdout; not asserted).
 */
@ExtendWith(SharedBroker.class)
class LagAtScaleTest {
  private static final int GROUPS = 100;
  private static final int PARTITIONS = 100;
  private static final int RECORDS = 200; // per partition

  /** Group g's committed offset on partition p: every (group, partition) has its own lag. */
  private static long committed(int g, int p) {
    return (g * 7L + p * 3L) % (RECORDS + 1); // 0..200: lag 200..0
  }

  @Test
  void hundredGroupsOfHundredPartitionsInAConstantNumberOfAdminCalls(KafkaSandbox kafka) {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-at-scale");
    long t0 = System.nanoTime();
    kafka.createTopic(topic, PARTITIONS, 1);
    LagClients.produce(b, topic, PARTITIONS, RECORDS);
    List<String> groups = new ArrayList<>();
    List<CompletableFuture<Void>> commits = new ArrayList<>();
    for (int g = 0; g < GROUPS; g++) {
      String group = topic + "-g" + g;
      groups.add(group);
      Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(committed(g, p)));
      }
      commits.add(kafka.admin().alterConsumerGroupOffsets(group, offsets).all().toCompletionStage().toCompletableFuture());
    }
    CompletableFuture.allOf(commits.toArray(new CompletableFuture<?>[0])).join();
    TestClients.timing("lag-at-scale setup (" + GROUPS + " groups x " + PARTITIONS + " partitions)", t0);

    List<String> calls = new ArrayList<>();
    try (Admin real = Admin.create(Map.<String, Object>of("bootstrap.servers", b));
        ConsumerLag lag = ConsumerLag.builder().admin(LagSnapshotScaleTest.counting(real, calls)).timeLag(false).build()) {
      lag.snapshots(groups); // warm-up: metadata, coordinator lookups
      calls.clear();

      GroupSnapshots two = lag.snapshots(groups.subList(0, 2));
      List<String> twoCalls = List.copyOf(calls);
      calls.clear();

      long best = Long.MAX_VALUE;
      GroupSnapshots all = null;
      for (int run = 0; run < 3; run++) {
        calls.clear();
        long t1 = System.nanoTime();
        all = lag.snapshots(groups);
        best = Math.min(best, TestClients.timing("lag-at-scale batched read of " + GROUPS + " groups", t1));
      }
      List<String> allCalls = List.copyOf(calls);

      assertThat(two.adminCalls()).isEqualTo(ConsumerLag.ADMIN_CALLS_PER_BATCH);
      assertThat(all.adminCalls()).as("Admin calls for 100 groups").isEqualTo(two.adminCalls());
      assertThat(allCalls).as("the Admin calls one batch of 100 groups made")
          .isEqualTo(twoCalls)
          .containsExactly("describeConsumerGroups", "listConsumerGroupOffsets", "listOffsets");
      assertThat(all.errors()).isEmpty();
      assertThat(all.snapshots()).hasSize(GROUPS);
      long rows = 0;
      for (int g = 0; g < GROUPS; g++) {
        LagSnapshot s = all.snapshots().get(groups.get(g));
        assertThat(s.partitions()).hasSize(PARTITIONS);
        for (PartitionLag p : s.partitions()) {
          assertThat(p.logEndOffset()).isEqualTo(RECORDS);
          assertThat(p.committedOffset()).hasValue(committed(g, p.partition()));
          assertThat(p.lag()).as("%s %s", s.group(), p.name()).hasValue(RECORDS - committed(g, p.partition()));
          rows++;
        }
      }
      assertThat(rows).isEqualTo((long) GROUPS * PARTITIONS);

      // the same 100 groups one at a time (once: it takes about 100 times the batch's round trips)
      calls.clear();
      long t2 = System.nanoTime();
      for (String g : groups) {
        assertThat(lag.snapshot(g).partitions()).hasSize(PARTITIONS);
      }
      long one = TestClients.timing("lag-at-scale one-by-one read of " + GROUPS + " groups", t2);
      int oneCalls = calls.size();
      assertThat(oneCalls).isEqualTo(GROUPS * ConsumerLag.ADMIN_CALLS_PER_SNAPSHOT);

      System.out.println("SCALE " + GROUPS + " groups x " + PARTITIONS + " partitions: batched "
          + all.adminCalls() + " Admin calls (2 groups: " + two.adminCalls() + "), best of 3 " + best
          + " ms; one by one " + oneCalls + " Admin calls, " + one + " ms");
    }
  }
}
