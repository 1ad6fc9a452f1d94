package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.PartitionOwner;
import io.kcp.sandbox.KafkaSandbox;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our snapshot equals {@code kafka-consumer-groups --describe} ({@code ConsumerGroupCommand},
 * kafka-tools 4.3.1) on the same group at rest: per partition CURRENT-OFFSET, LOG-END-OFFSET, LAG,
 * CONSUMER-ID, HOST, CLIENT-ID, for classic and KIP-848 groups, with and without members, with
 * partitions never committed.
 */
@ExtendWith(SharedBroker.class)
class LagToolEqualityTest {
  private static final int PARTITIONS = 4;

  /** Our snapshot in the tool's columns; "-" where the tool prints "-". */
  static Map<String, String> ours(String bootstrap, String group) {
    try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers(bootstrap).timeLag(false).build()) {
      LagSnapshot s = lag.snapshot(group);
      Map<String, String> rows = new TreeMap<>();
      for (PartitionLag p : s.partitions()) {
        String c = p.committedOffset().isPresent() ? Long.toString(p.committedOffset().getAsLong()) : "-";
        String l = p.lag().isPresent() ? Long.toString(p.lag().getAsLong()) : "-";
        PartitionOwner o = p.owner().orElse(new PartitionOwner("-", "-", "-"));
        rows.put(p.name(), String.join(" ", c, Long.toString(p.logEndOffset()), l, o.memberId(), o.host(), o.clientId()));
      }
      return rows;
    }
  }

  @ParameterizedTest(name = "group.protocol={0}")
  @ValueSource(strings = {"classic", "consumer"})
  void activeGroupThenTheSameGroupWithNoMembers(String protocol, KafkaSandbox kafka) {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-eq-" + protocol);
    String group = topic + "-g";
    kafka.createTopic(topic, PARTITIONS, 1);
    LagClients.produce(b, topic, PARTITIONS, 300);
    try (KafkaConsumer<String, String> c = LagClients.consumer(b, group, protocol, 100)) {
      c.subscribe(java.util.List.of(topic));
      LagClients.awaitAssigned(c, PARTITIONS);
      // consume a little (uneven per partition), commit it, then leave the group at rest
      for (int i = 0; i < 3; i++) {
        c.poll(java.time.Duration.ofMillis(500));
        c.commitSync();
      }
      LagClients.produce(b, topic, PARTITIONS, 50);

      Map<String, String> tool = LagClients.describe(b, group);
      assertThat(tool).hasSize(PARTITIONS);
      assertThat(tool.values()).allSatisfy(row -> assertThat(row).doesNotContain(" - "));
      assertThat(ours(b, group)).isEqualTo(tool);
    }
    Map<String, String> toolEmpty = LagClients.describe(b, group);
    assertThat(toolEmpty).hasSize(PARTITIONS);
    assertThat(toolEmpty.values()).allSatisfy(row -> assertThat(row).endsWith("- - -"));
    assertThat(ours(b, group)).isEqualTo(toolEmpty);
  }

  @Test
  void partitionsNeverCommittedShowAsSuchNotAsZero(KafkaSandbox kafka) {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-eq-uncommitted");
    String group = topic + "-g";
    kafka.createTopic(topic, PARTITIONS, 1);
    LagClients.produce(b, topic, PARTITIONS, 100);
    try (KafkaConsumer<String, String> c = LagClients.consumer(b, group, "classic", 10)) {
      c.subscribe(java.util.List.of(topic));
      LagClients.awaitAssigned(c, PARTITIONS);
      Map<TopicPartition, OffsetAndMetadata> some = new HashMap<>();
      some.put(new TopicPartition(topic, 0), new OffsetAndMetadata(40));
      some.put(new TopicPartition(topic, 1), new OffsetAndMetadata(100));
      c.commitSync(some);

      Map<String, String> tool = LagClients.describe(b, group);
      Map<String, String> ours = ours(b, group);
      assertThat(ours).isEqualTo(tool);
      assertThat(ours.get(topic + "-0")).startsWith("40 100 60 ");
      assertThat(ours.get(topic + "-1")).startsWith("100 100 0 ");
      assertThat(ours.get(topic + "-2")).startsWith("- 100 - ");
      assertThat(ours.get(topic + "-3")).startsWith("- 100 - ");
    }
  }
  /** Beyond the tool: every partition of a topic, for "how much is left" (kcp consume --until-drained). */
  @Test
  void topicWideSnapshotIncludesPartitionsTheGroupNeverTouched(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-eq-topicwide");
    String group = topic + "-g";
    kafka.createTopic(topic, PARTITIONS, 1);
    LagClients.produce(b, topic, PARTITIONS, 100);
    try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers(b).timeLag(false).build()) {
      LagSnapshot before = lag.snapshot(group, java.util.Set.of(topic));
      assertThat(before.state()).as("no such group yet").isEqualTo("DEAD");
      assertThat(before.partitions()).hasSize(PARTITIONS)
          .allSatisfy(p -> assertThat(p.committedOffset()).isEmpty())
          .extracting(PartitionLag::lagOrWholeLog).containsOnly(100L);

      kafka.admin().alterConsumerGroupOffsets(group,
          Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(70))).all().get();
      assertThat(lag.snapshot(group).partitions()).as("the tool's view: committed partitions only").hasSize(1);
      LagSnapshot s = lag.snapshot(group, java.util.Set.of(topic));
      assertThat(s.partitions()).hasSize(PARTITIONS);
      assertThat(s.partitions().stream().mapToLong(PartitionLag::lagOrWholeLog).sum()).isEqualTo(30 + 3 * 100);
      assertThat(s.totalLag()).as("never-committed partitions are not counted as lag").isEqualTo(30);

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> lag.snapshot(group, java.util.Set.of("no-such-topic")))
          .isInstanceOf(io.kcp.lag.LagException.class).hasMessageContaining("no such topic");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> lag.snapshot("no-such-group-" + System.nanoTime()))
          .isInstanceOf(io.kcp.lag.LagException.class).hasMessageContaining("does not exist");
    }
  }
}
