package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.sandbox.KafkaSandbox;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 1,000-partition group costs {@link ConsumerLag#ADMIN_CALLS_PER_SNAPSHOT} Admin calls per
 * snapshot (counted through a proxy around a real Admin), the same as a 1-partition group, and its
 * numbers still equal {@code kafka-consumer-groups --describe}. Times go to the TIMING lines.
 */
@ExtendWith(SharedBroker.class)
class LagSnapshotScaleTest {
  private static final int PARTITIONS = 1000;

  /** A real Admin whose every call is counted by method name. */
  static Admin counting(Admin real, List<String> calls) {
    return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
        (proxy, method, args) -> {
          if (!method.getName().equals("close")) {
            calls.add(method.getName());
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void thousandPartitionsInAConstantNumberOfAdminCalls(KafkaSandbox kafka) {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-scale");
    String group = topic + "-g";
    long t0 = System.nanoTime();
    kafka.createTopic(topic, PARTITIONS, 1);
    TestClients.timing("lag-scale create topic", t0);
    try (KafkaProducer<String, String> p = LagClients.producer(b)) {
      for (int i = 0; i < PARTITIONS; i++) {
        p.send(new ProducerRecord<>(topic, i, "a", "1"));
        p.send(new ProducerRecord<>(topic, i, "b", "2"));
      }
      p.flush();
    }
    TestClients.timing("lag-scale create+produce", t0);
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (int i = 0; i < PARTITIONS; i++) {
      commits.put(new TopicPartition(topic, i), new OffsetAndMetadata(1)); // lag 1 everywhere
    }
    kafka.admin().alterConsumerGroupOffsets(group, commits).all().toCompletionStage().toCompletableFuture().join();
    TestClients.timing("lag-scale setup (1,000 partitions)", t0);

    List<String> calls = new ArrayList<>();
    try (Admin real = Admin.create(Map.of("bootstrap.servers", b));
        ConsumerLag lag = ConsumerLag.builder().admin(counting(real, calls)).timeLag(false).build()) {
      lag.snapshot(group); // warm-up: metadata, coordinator lookup
      calls.clear();
      long t1 = System.nanoTime();
      LagSnapshot s = lag.snapshot(group);
      long ms = TestClients.timing("lag-scale snapshot of 1,000 partitions", t1);

      assertThat(s.partitions()).hasSize(PARTITIONS);
      assertThat(s.partitions()).allSatisfy(x -> assertThat(x.lag()).hasValue(1));
      assertThat(s.totalLag()).isEqualTo(PARTITIONS);
      assertThat(calls).as("Admin calls for one snapshot")
          .containsExactly("describeConsumerGroups", "listConsumerGroupOffsets", "listOffsets")
          .hasSize(ConsumerLag.ADMIN_CALLS_PER_SNAPSHOT);
      assertThat(ms).as("one snapshot of 1,000 partitions").isLessThan(10_000);
    }

    try (ConsumerLag withTime = ConsumerLag.builder().bootstrapServers(b).build()) {
      withTime.snapshot(group);
      long t2 = System.nanoTime();
      LagSnapshot s = withTime.snapshot(group);
      TestClients.timing("lag-scale snapshot of 1,000 partitions with time lag", t2);
      assertThat(s.partitions()).extracting(PartitionLag::timeLagMs).allSatisfy(t -> assertThat(t).isPresent());
    }

    long t3 = System.nanoTime();
    Map<String, String> tool = LagClients.describe(b, group);
    TestClients.timing("lag-scale kafka-consumer-groups --describe of 1,000 partitions", t3);
    assertThat(LagToolEqualityTest.ours(b, group)).isEqualTo(tool).hasSize(PARTITIONS);
  }
}
