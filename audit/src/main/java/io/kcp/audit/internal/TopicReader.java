package io.kcp.audit.internal;

import io.kcp.audit.DeadLetterRecord;
import io.kcp.audit.ProducedRecord;
import io.kcp.audit.WorkloadRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic, every partition from its beginning to its end offset as of the start of
 * the read, without a consumer group (assign, no commits): the workload topic as {@link
 * ProducedRecord}s, a dead-letter topic as {@link DeadLetterRecord}s.
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
    return readAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, timeout);
  }

  /**
   * Reads every record of a topic with the user's client settings (see {@link
   * #consumerConfig(Map)}).
   *
   * @param clientProperties client settings with {@code bootstrap.servers}
   * @param topic the topic
   * @param timeout how long the whole read may take
   * @return the records, partition by partition in offset order
   */
  public static List<ProducedRecord> readAll(
      Map<String, ?> clientProperties, String topic, Duration timeout) {
    Map<String, String> keys = new HashMap<>();
    return read(
            clientProperties,
            topic,
            "topic",
            timeout,
            true,
            r ->
                new ProducedRecord(
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    intern(keys, r.key()),
                    WorkloadRecord.parse(r.value()).map(WorkloadRecord::seq).orElse(-1L)))
        .orElseThrow();
  }

  /**
   * Reads every record of a dead-letter topic, with its original-position headers.
   *
   * @param bootstrapServers the cluster
   * @param topic the dead-letter topic
   * @param timeout how long the whole read may take
   * @param required whether a missing topic is an error rather than an empty result
   * @return the records, partition by partition in offset order; empty when the topic does not
   *     exist and {@code required} is false
   * @throws IllegalStateException if the cluster cannot be reached, the topic does not exist and
   *     {@code required} is true, or the read does not finish within {@code timeout}
   */
  public static Optional<List<DeadLetterRecord>> readDeadLetters(
      String bootstrapServers, String topic, Duration timeout, boolean required) {
    return readDeadLetters(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, timeout, required);
  }

  /**
   * Reads every record of a dead-letter topic with the user's client settings.
   *
   * @param clientProperties client settings with {@code bootstrap.servers}
   * @param topic the dead-letter topic
   * @param timeout how long the whole read may take
   * @param required whether a missing topic is an error rather than an empty result
   * @return the records; empty when the topic does not exist and {@code required} is false
   */
  public static Optional<List<DeadLetterRecord>> readDeadLetters(
      Map<String, ?> clientProperties, String topic, Duration timeout, boolean required) {
    Map<String, String> strings = new HashMap<>();
    return read(
        clientProperties,
        topic,
        "dead-letter topic",
        timeout,
        required,
        r ->
            new DeadLetterRecord(
                r.topic(),
                r.partition(),
                r.offset(),
                intern(strings, header(r, DeadLetterRecord.ORIGINAL_TOPIC_HEADER)),
                partitionHeader(r),
                decimal(r, DeadLetterRecord.ORIGINAL_OFFSET_HEADER),
                intern(strings, r.key()),
                WorkloadRecord.parse(r.value()).map(WorkloadRecord::seq).orElse(-1L)));
  }

  private static String intern(Map<String, String> strings, String s) {
    return s == null ? null : strings.computeIfAbsent(s, k -> k);
  }

  private static String header(ConsumerRecord<String, String> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static int partitionHeader(ConsumerRecord<String, String> r) {
    long p = decimal(r, DeadLetterRecord.ORIGINAL_PARTITION_HEADER);
    return p > Integer.MAX_VALUE ? -1 : (int) p;
  }

  /** A header as a non-negative decimal, or -1 when absent or not exactly that. */
  private static long decimal(ConsumerRecord<String, String> r, String name) {
    String s = header(r, name);
    if (s == null || s.isEmpty() || s.length() > 19) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1; // beyond Long.MAX_VALUE
    }
  }

  /**
   * The reader's consumer configuration: the user's client settings; kcp's client id and a large
   * {@code max.poll.records} where they set none; and, whatever they say, no group (the reader
   * assigns partitions and never commits) and no auto-commit.
   *
   * @param clientProperties the user's settings, with {@code bootstrap.servers}
   * @return a new map
   */
  public static Map<String, Object> consumerConfig(Map<String, ?> clientProperties) {
    Map<String, Object> props = new java.util.LinkedHashMap<>(clientProperties);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "kcp-audit-reader");
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return props;
  }

  private static <T> Optional<List<T>> read(
      Map<String, ?> clientProperties,
      String topic,
      String what,
      Duration timeout,
      boolean required,
      Function<ConsumerRecord<String, String>, T> convert) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration connectTimeout = timeout.compareTo(CONNECT_TIMEOUT) < 0 ? timeout : CONNECT_TIMEOUT;
    List<TopicPartition> partitions = new ArrayList<>();
    String bootstrapServers =
        String.valueOf(clientProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
    try (Admin admin = Clusters.connect(clientProperties, "kcp-audit-reader", connectTimeout)) {
      Optional<TopicDescription> description =
          Clusters.describeTopic(admin, topic, bootstrapServers, connectTimeout);
      if (description.isEmpty()) {
        if (required) {
          throw new IllegalStateException(
              what + " " + topic + " does not exist on " + bootstrapServers);
        }
        return Optional.empty();
      }
      description
          .get()
          .partitions()
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    partitions.sort(Comparator.comparingInt(TopicPartition::partition));

    Map<String, Object> props = consumerConfig(clientProperties);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
      Map<Integer, List<T>> byPartition = new HashMap<>();
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
          byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(convert.apply(r));
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
    return Optional.of(out);
  }

  private static Duration remaining(long deadline) {
    long left = deadline - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }
}
