package io.kcp.audit.internal;

import io.kcp.audit.ClusterException;
import io.kcp.audit.Topics;
import io.kcp.audit.WorkloadProgress;
import io.kcp.audit.WorkloadRecord;
import io.kcp.audit.WorkloadResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/** Runs a {@code io.kcp.audit.Workload}: topic, producer, acknowledgements, end offsets. */
public final class WorkloadRunner {

  private static final long REPORT_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

  private final String bootstrapServers;
  private final Map<String, Object> clientProperties;
  private final String topic;
  private final long records;
  private final int keys;
  private final int partitions;
  private final boolean partitionsSet;
  private final short replicationFactor;
  private final boolean traceparent;
  private final Map<String, String> producerProperties;
  private final WorkloadProgress progress;
  private final Duration connectTimeout;

  /**
   * Creates a runner; arguments are validated by the workload builder.
   *
   * @param bootstrapServers the cluster
   * @param clientProperties the user's client settings (security, ...) for the admin and the
   *     producer; the workload's defaults apply only to keys not set here
   * @param topic the topic
   * @param records N
   * @param keys K
   * @param partitions partitions for a new topic
   * @param partitionsSet whether an existing topic must have exactly {@code partitions}
   * @param replicationFactor replication factor for a new topic
   * @param traceparent whether to add a traceparent header
   * @param producerProperties overrides of the producer defaults
   * @param progress the progress listener
   * @param connectTimeout bound for cluster checks and admin calls
   */
  public WorkloadRunner(
      String bootstrapServers,
      Map<String, ?> clientProperties,
      String topic,
      long records,
      int keys,
      int partitions,
      boolean partitionsSet,
      short replicationFactor,
      boolean traceparent,
      Map<String, String> producerProperties,
      WorkloadProgress progress,
      Duration connectTimeout) {
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = new java.util.LinkedHashMap<>(clientProperties);
    this.clientProperties.put("bootstrap.servers", bootstrapServers);
    this.topic = topic;
    this.records = records;
    this.keys = keys;
    this.partitions = partitions;
    this.partitionsSet = partitionsSet;
    this.replicationFactor = replicationFactor;
    this.traceparent = traceparent;
    this.producerProperties = producerProperties;
    this.progress = progress;
    this.connectTimeout = connectTimeout;
  }

  /**
   * Runs the workload.
   *
   * @return the result
   * @throws IllegalStateException on any failure, with a message naming topic and cluster
   */
  public WorkloadResult run() {
    try (Admin admin = Clusters.connect(clientProperties, "kcp-workload-admin", connectTimeout)) {
      int partitionCount = ensureTopic(admin);
      long started = System.nanoTime();
      produce(started);
      Duration duration = Duration.ofNanos(System.nanoTime() - started);
      return new WorkloadResult(topic, records, duration, endOffsets(admin, partitionCount));
    }
  }

  private int ensureTopic(Admin admin) {
    Optional<TopicDescription> existing =
        Clusters.describeTopic(admin, topic, bootstrapServers, connectTimeout);
    if (existing.isEmpty()) {
      try {
        Topics.createAndAwait(admin, topic, partitions, replicationFactor);
        return partitions;
      } catch (ClusterException e) {
        throw new IllegalStateException(
            "cannot create topic "
                + topic
                + " with "
                + partitions
                + " partitions and replication factor "
                + replicationFactor
                + " on "
                + bootstrapServers
                + ": "
                + Clusters.cause(e),
            e);
      } catch (IllegalStateException e) { // created concurrently with another partition count
        throw new IllegalStateException(e.getMessage() + " (on " + bootstrapServers + ")", e);
      }
    }
    int actual = existing.get().partitions().size();
    if (partitionsSet && actual != partitions) {
      throw new IllegalStateException(
          "topic "
              + topic
              + " exists on "
              + bootstrapServers
              + " with "
              + actual
              + " partitions but the workload asks for "
              + partitions
              + ": delete the topic, use another topic name, or ask for "
              + actual
              + " partitions");
    }
    return actual;
  }

  private Properties producerConfig() {
    return producerConfig(clientProperties, "kcp-workload", producerProperties);
  }

  /**
   * The workload's producer: idempotent, {@code acks=all}, string keys and values, and bounded
   * waits, so an unreachable or stuck cluster fails a run instead of hanging it.
   */
  public static Properties producerConfig(String bootstrapServers, String clientId, Map<String, String> extra) {
    return producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), clientId, extra);
  }

  /**
   * The workload's producer with the user's client settings: kcp's defaults (client id, {@code
   * acks=all}, idempotence, linger, batch size, bounded waits) for the keys {@code
   * clientProperties} does not set, then {@code extra}; the serializers are always String.
   */
  public static Properties producerConfig(
      Map<String, ?> clientProperties, String clientId, Map<String, String> extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.putAll(clientProperties);
    p.putAll(extra);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  private void produce(long started) {
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long sent = 0;
    long tenth = Math.max(1, records / 10);
    long nextCountReport = tenth;
    long lastReport = started;
    KafkaProducer<String, String> producer;
    try {
      producer = new KafkaProducer<>(producerConfig());
    } catch (KafkaException e) {
      throw new IllegalStateException("cannot create the workload producer: " + e.getMessage(), e);
    }
    try {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (long i = 0; i < records && failure.get() == null; i++) {
        WorkloadRecord r = WorkloadRecord.of(i, keys, System.currentTimeMillis());
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, r.key(), r.toValue());
        if (traceparent) {
          record
              .headers()
              .add(
                  Traceparent.HEADER,
                  Traceparent.random(random).getBytes(StandardCharsets.US_ASCII));
        }
        producer.send(
            record,
            (metadata, exception) -> {
              if (exception != null) {
                failure.compareAndSet(null, exception);
              } else {
                acked.incrementAndGet();
              }
            });
        sent++;
        long now = System.nanoTime();
        if (sent >= nextCountReport || now - lastReport >= REPORT_EVERY_NANOS) {
          progress.onProgress(sent, acked.get(), records, Duration.ofNanos(now - started));
          lastReport = now;
          while (nextCountReport <= sent) {
            nextCountReport += tenth;
          }
        }
      }
      producer.flush(); // every send completed, callbacks included, when this returns
    } catch (KafkaException e) {
      failure.compareAndSet(null, e);
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
    Exception cause = failure.get();
    if (cause != null) {
      throw new IllegalStateException(
          "workload to topic "
              + topic
              + " on "
              + bootstrapServers
              + " failed after "
              + sent
              + " sent, "
              + acked.get()
              + " acknowledged: "
              + cause,
          cause);
    }
    if (acked.get() != records) {
      throw new IllegalStateException(
          "workload to topic " + topic + " on " + bootstrapServers + ": " + records
              + " records but " + acked.get() + " acknowledged");
    }
    progress.onProgress(sent, acked.get(), records, Duration.ofNanos(System.nanoTime() - started));
  }

  private Map<Integer, Long> endOffsets(Admin admin, int partitionCount) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitionCount; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    try {
      Map<TopicPartition, ListOffsetsResultInfo> result =
          Clusters.get(admin.listOffsets(request).all(), connectTimeout);
      Map<Integer, Long> out = new HashMap<>();
      result.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
      return out;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot read end offsets of topic " + topic + " on " + bootstrapServers + ": "
              + Clusters.cause(e),
          e);
    }
  }
}
