package io.kcp.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka producer and consumer, as a user of the sandbox would write them. */
final class TestClients {
  private TestClients() {}

  /** key-i -> value-i for i in [0, count). */
  static Map<String, String> records(int count) {
    return IntStream.range(0, count)
        .boxed()
        .collect(
            Collectors.toMap(
                i -> "key-" + i, i -> "value-" + i, (a, b) -> a, LinkedHashMap::new));
  }

  /** Sends every entry with acks=all and waits until each one is acknowledged. */
  static void produce(String bootstrap, String topic, Map<String, String> records)
      throws InterruptedException, ExecutionException {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      List<Future<RecordMetadata>> acks =
          records.entrySet().stream()
              .map(e -> producer.send(new ProducerRecord<>(topic, e.getKey(), e.getValue())))
              .collect(Collectors.toList());
      producer.flush();
      for (Future<RecordMetadata> ack : acks) {
        ack.get();
      }
    }
  }

  /** Reads the topic from the beginning in a fresh group until {@code expected} records came. */
  static Map<String, String> consume(String bootstrap, String topic, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    Map<String, String> seen = new LinkedHashMap<>();
    int[] count = {0};
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  seen.put(r.key(), r.value());
                  count[0]++;
                }
                return count[0] >= expected;
              });
    }
    if (count[0] != seen.size()) {
      throw new AssertionError(count[0] + " records read but " + seen.size() + " distinct keys");
    }
    return seen;
  }

  /** Milliseconds since {@code startNanos}, printed as a TIMING line for the report. */
  static long timing(String what, long startNanos) {
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    System.out.println("TIMING " + what + " " + ms + " ms");
    return ms;
  }

  /** Every record of a topic up to its end offsets now, read without a group (empty if no topic). */
  static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<org.apache.kafka.common.PartitionInfo> infos =
          consumer.listTopics(Duration.ofSeconds(10)).getOrDefault(topic, List.of());
      List<TopicPartition> tps = infos.stream()
          .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
      if (tps.isEmpty()) {
        return out;
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
          .until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
          });
    }
    return out;
  }

  /** The group's committed offsets (next offset to read) per partition. */
  static Map<TopicPartition, Long> committed(String bootstrap, String group) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, Long> out = new java.util.HashMap<>();
      admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
          .forEach((tp, om) -> {
            if (om != null) {
              out.put(tp, om.offset());
            }
          });
      return out;
    }
  }

  /** The topic's end offsets per partition. */
  static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> tps = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
      return consumer.endOffsets(tps);
    }
  }
}
