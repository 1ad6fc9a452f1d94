package io.kcp.it;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;

/** Producers, consumers and the Kafka tool as the lag tests use them. */
final class LagClients {
  private LagClients() {}

  static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 0,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
  }

  /** {@code perPartition} records into every one of {@code partitions} partitions, acknowledged. */
  static void produce(String bootstrap, String topic, int partitions, int perPartition) {
    try (KafkaProducer<String, String> p = producer(bootstrap)) {
      for (int i = 0; i < perPartition; i++) {
        for (int part = 0; part < partitions; part++) {
          p.send(new ProducerRecord<>(topic, part, "k" + i, "v" + i));
        }
      }
      p.flush();
    }
  }

  /** A manual-commit consumer; {@code protocol} is {@code classic} or {@code consumer} (KIP-848). */
  static KafkaConsumer<String, String> consumer(String bootstrap, String group, String protocol, int maxPoll) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-client");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPoll);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    return new KafkaConsumer<>(c);
  }

  /** Polls until the consumer owns {@code partitions} partitions. */
  static void awaitAssigned(KafkaConsumer<?, ?> consumer, int partitions) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
      consumer.poll(Duration.ofMillis(100));
      return consumer.assignment().size() == partitions;
    });
  }

  /**
   * {@code kafka-consumer-groups --describe --group G} run in this JVM ({@code ConsumerGroupCommand}
   * from kafka-tools 4.3.1), its table parsed into rows keyed by {@code topic-partition}; each row
   * is the columns CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID as printed.
   */
  static synchronized Map<String, String> describe(String bootstrap, String group) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      ConsumerGroupCommand.main(new String[] {"--bootstrap-server", bootstrap, "--describe", "--group", group});
    } finally {
      System.setOut(old);
    }
    return rows(buf.toString(StandardCharsets.UTF_8), group);
  }

  /**
   * Rows of a {@code --describe} table (Kafka's, or {@code kcp lag}'s, whose extra columns come
   * after) whose first column is {@code group}, keyed by {@code topic-partition}: CURRENT-OFFSET
   * LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID as printed.
   */
  static Map<String, String> rows(String table, String group) {
    Map<String, String> rows = new TreeMap<>();
    for (String line : table.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 9 && f[0].equals(group)) {
        rows.put(f[1] + "-" + f[2], String.join(" ", f[3], f[4], f[5], f[6], f[7], f[8]));
      }
    }
    return rows;
  }
}
