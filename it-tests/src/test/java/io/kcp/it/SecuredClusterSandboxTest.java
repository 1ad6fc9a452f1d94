package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.sandbox.ForkedKafkaSandbox;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.sandbox.SandboxSecurity;
import io.kcp.sandbox.SandboxUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The secured sandbox's other shapes: three brokers that replicate over the SASL_SSL listener,
 * and a forked node whose users and ACLs survive a SIGKILL and restart (they live in the
 * metadata log, the client files in the data directory).
 */
class SecuredClusterSandboxTest {

  @Test
  void threeSecuredBrokersReplicateAndServeAnAclBoundUser() throws Exception {
    long t0 = System.nanoTime();
    try (KafkaSandbox kafka = KafkaSandbox.builder().brokers(3).secured(true).start()) {
      TestClients.timing("secured 3-broker start", t0);
      assertThat(kafka.admin().describeCluster().nodes().get()).hasSize(3);
      kafka.createTopic("replicated", 3, 3);
      TopicDescription topic =
          kafka.admin().describeTopics(List.of("replicated")).allTopicNames().get().get("replicated");
      for (TopicPartitionInfo p : topic.partitions()) {
        assertThat(p.isr()).as("ISR of partition %d", p.partition()).hasSize(3);
      }

      SandboxSecurity security = kafka.security().orElseThrow();
      SandboxUser app = security.createUser("app");
      security.allowTopic("app", "replicated", AclOperation.READ, AclOperation.WRITE);
      security.allowGroup("app", "app-g");
      Map<String, String> sent = TestClients.records(30);
      produce(app.clientConfig(), "replicated", sent); // acks=all: every follower has them
      assertThat(consume(app.clientConfig(), "replicated", "app-g", sent.size()))
          .containsExactlyInAnyOrderEntriesOf(sent);
    }
  }

  @Test
  void aForkedSecuredBrokerKeepsItsUsersAcrossAKill() throws Exception {
    long t0 = System.nanoTime();
    try (ForkedKafkaSandbox kafka = KafkaSandbox.builder().secured(true).startForked()) {
      TestClients.timing("secured forked start", t0);
      SandboxSecurity security = kafka.security().orElseThrow();
      kafka.createTopic("kept", 1, 1);
      SandboxUser app = security.createUser("app");
      security.allowTopic("app", "kept", AclOperation.READ, AclOperation.WRITE);
      security.allowGroup("app", "app-g");
      Map<String, String> before = TestClients.records(10);
      produce(app.clientConfig(), "kept", before);

      kafka.kill();
      kafka.restart();

      assertThat(consume(app.clientConfig(), "kept", "app-g", before.size()))
          .as("the user logs in and its ACLs hold after the restart")
          .containsExactlyInAnyOrderEntriesOf(before);
    }
  }

  private static void produce(Map<String, Object> clientConfig, String topic, Map<String, String> records)
      throws Exception {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put("acks", "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      List<Future<?>> acks = new ArrayList<>();
      records.forEach((k, v) -> acks.add(producer.send(new ProducerRecord<>(topic, k, v))));
      producer.flush();
      for (Future<?> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<String, String> consume(
      Map<String, Object> clientConfig, String topic, String group, int expected) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put("group.id", group);
    config.put("auto.offset.reset", "earliest");
    Map<String, String> seen = new LinkedHashMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  seen.put(r.key(), r.value());
                }
                return seen.size() >= expected;
              });
    }
    return seen;
  }
}
