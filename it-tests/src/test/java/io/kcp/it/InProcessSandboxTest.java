package io.kcp.it;

import io.kcp.sandbox.ForkedKafkaSandbox;
import io.kcp.sandbox.KafkaSandbox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcp.sandbox.internal.Ports;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

/** One combined broker+controller node in this JVM. */
class InProcessSandboxTest {

  @Test
  void roundTripsRecordsOnAFixedPortAndDeletesItsDirectoryOnClose() throws Exception {
    int port = Ports.pickFree(1)[0];
    long t0 = System.nanoTime();
    KafkaSandbox kafka = KafkaSandbox.builder().port(port).start();
    Path dir = kafka.dataDir();
    try {
      TestClients.timing("in-process single start", t0);
      assertThat(kafka.bootstrapServers()).isEqualTo("localhost:" + port);
      assertThat(kafka.brokerCount()).isEqualTo(1);
      assertThat(dir).isDirectory();

      kafka.createTopic("numbers", 3, 1);
      kafka.createTopic("numbers", 3, 1); // same partition count: accepted
      assertThatThrownBy(() -> kafka.createTopic("numbers", 4, 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("3 partitions");
      TopicDescription topic =
          kafka.admin().describeTopics(List.of("numbers")).allTopicNames().get().get("numbers");
      assertThat(topic.partitions()).hasSize(3);

      Map<String, String> sent = TestClients.records(100);
      TestClients.produce(kafka.bootstrapServers(), "numbers", sent);
      assertThat(TestClients.consume(kafka.bootstrapServers(), "numbers", 100))
          .containsExactlyInAnyOrderEntriesOf(sent);
    } finally {
      long t1 = System.nanoTime();
      kafka.close();
      TestClients.timing("in-process single close", t1);
    }
    assertThat(dir).doesNotExist();
    kafka.close(); // idempotent
    assertThatThrownBy(kafka::bootstrapServers).isInstanceOf(IllegalStateException.class);
  }
}
