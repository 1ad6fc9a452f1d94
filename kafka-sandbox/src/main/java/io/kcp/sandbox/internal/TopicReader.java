package io.kcp.sandbox.internal;

import io.kcp.sandbox.ProducedRecord;
import io.kcp.sandbox.WorkloadRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic, every partition from its beginning to its end offset as of the start of
 * the read, without a consumer group (assign, no commits).
 */
public final class TopicReader {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  private TopicReader() {}

  /**
   * Reads every record of a topic.
   *
   * @param bootstrapServers the cluster
   * @param topic the topic
   * @param timeout how long the whole read may take
   * @return the records, partition by partition in offset order
   * @throws IllegalStateException if the cluster cannot be reached, the topic does not exist, or
   *     the read does not finish within {@code timeout}
   */
  public static List<ProducedRecord> readAll(
      String bootstrapServers, String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration connectTimeout = timeout.compareTo(CONNECT_TIMEOUT) < 0 ? timeout : CONNECT_TIMEOUT;
    List<TopicPartition> partitions = new ArrayList<>();
    try (Admin admin = Clusters.connect(bootstrapServers, "kcp-audit-reader", connectTimeout)) {
      TopicDescription description =
          Clusters.describeTopic(admin, topic, bootstrapServers, connectTimeout)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "topic " + topic + " does not exist on " + bootstrapServers));
      description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    partitions.sort(Comparator.comparingInt(TopicPartition::partition));

    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kcp-audit-reader");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    List<ProducedRecord> out = new ArrayList<>();
    Map<String, String> keys = new HashMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
      Map<Integer, List<ProducedRecord>> byPartition = new HashMap<>();
      List<TopicPartition> pending = new ArrayList<>(partitions);
      while (true) {
        pending.removeIf(tp -> consumer.position(tp, remaining(deadline)) >= end.get(tp));
        if (pending.isEmpty()) {
          break;
        }
        Duration left = remaining(deadline);
        if (left.isZero()) {
          TopicPartition tp = pending.get(0);
          throw new IllegalStateException(
              "reading topic "
                  + topic
                  + " on "
                  + bootstrapServers
                  + " timed out after "
                  + timeout.toMillis()
                  + " ms: partition "
                  + tp.partition()
                  + " at offset "
                  + consumer.position(tp, Duration.ofSeconds(1))
                  + " of end offset "
                  + end.get(tp)
                  + " ("
                  + pending.size()
                  + " partition(s) unfinished)");
        }
        ConsumerRecords<String, String> records =
            consumer.poll(left.compareTo(Duration.ofMillis(500)) < 0 ? left : Duration.ofMillis(500));
        for (ConsumerRecord<String, String> r : records) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue; // produced after the read began
          }
          String key = r.key() == null ? null : keys.computeIfAbsent(r.key(), k -> k);
          long seq = WorkloadRecord.parse(r.value()).map(WorkloadRecord::seq).orElse(-1L);
          byPartition
              .computeIfAbsent(r.partition(), p -> new ArrayList<>())
              .add(new ProducedRecord(r.topic(), r.partition(), r.offset(), key, seq));
        }
      }
      for (TopicPartition tp : partitions) {
        out.addAll(byPartition.getOrDefault(tp.partition(), List.of()));
      }
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new IllegalStateException(
          "reading topic "
              + topic
              + " on "
              + bootstrapServers
              + " timed out after "
              + timeout.toMillis()
              + " ms: "
              + e.getMessage(),
          e);
    } catch (KafkaException e) {
      throw new IllegalStateException(
          "reading topic " + topic + " on " + bootstrapServers + " failed: " + e, e);
    }
    return out;
  }

  private static Duration remaining(long deadline) {
    long left = deadline - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }
}
