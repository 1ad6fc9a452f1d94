package io.kcp.it;

import io.kcp.sandbox.ForkedKafkaSandbox;
import io.kcp.sandbox.KafkaSandbox;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/** One dedicated controller and three brokers in this JVM. */
class ClusterSandboxTest {

  @Test
  void replicatesATopicOnAllThreeBrokers() throws Exception {
    long t0 = System.nanoTime();
    KafkaSandbox kafka = KafkaSandbox.builder().brokers(3).start();
    Path dir = kafka.dataDir();
    try {
      TestClients.timing("in-process 3-broker start", t0);
      assertThat(kafka.brokerCount()).isEqualTo(3);
      assertThat(kafka.bootstrapServers().split(",")).hasSize(3);
      assertThat(kafka.admin().describeCluster().nodes().get()).hasSize(3);

      kafka.createTopic("replicated", 3, 3);
      TopicDescription topic =
          kafka
              .admin()
              .describeTopics(List.of("replicated"))
              .allTopicNames()
              .get()
              .get("replicated");
      assertThat(topic.partitions()).hasSize(3);
      for (TopicPartitionInfo p : topic.partitions()) {
        assertThat(p.replicas()).as("replicas of partition %d", p.partition()).hasSize(3);
        assertThat(p.isr()).as("ISR of partition %d", p.partition()).hasSize(3);
      }
      // leaders are spread: each broker leads one partition
      assertThat(topic.partitions().stream().map(p -> p.leader().id()).distinct()).hasSize(3);

      Map<String, String> sent = TestClients.records(100);
      TestClients.produce(kafka.bootstrapServers(), "replicated", sent);
      assertThat(TestClients.consume(kafka.bootstrapServers(), "replicated", 100))
          .containsExactlyInAnyOrderEntriesOf(sent);
    } finally {
      long t1 = System.nanoTime();
      kafka.close();
      TestClients.timing("in-process 3-broker close", t1);
    }
    assertThat(dir).doesNotExist();
  }
}
