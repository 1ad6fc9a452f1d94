package io.kcp.core.internal;

import io.kcp.core.ConsumerSettings;
import io.kcp.core.DeadLetterHeaders;
import io.kcp.core.ErrorPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes records that failed for good to their dead-letter topic, synchronously: the caller
 * counts the record finished only when this returned. The producer (and the topic, if it must be
 * created) is made on first use, so an engine whose handler never fails never opens one.
 * Thread-safe.
 */
public final class DeadLetters implements AutoCloseable {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_MESSAGE = 1_000;

  private final ErrorPolicy policy;
  private final ConsumerSettings settings;
  private final String name;
  private final Map<String, Integer> partitions = new ConcurrentHashMap<>();
  private Producer<byte[], byte[]> producer; // guarded by this
  private boolean closed; // guarded by this

  public DeadLetters(ErrorPolicy policy, ConsumerSettings settings, String name) {
    this.policy = policy;
    this.settings = settings;
    this.name = name;
  }

  /** Whether records can be dead-lettered at all. */
  public boolean enabled(String sourceTopic) {
    return policy.deadLetterTopic(sourceTopic).isPresent();
  }

  /**
   * Writes {@code raw} to its dead-letter topic and waits for the broker's acknowledgement.
   *
   * @throws DeadLetterException when it could not be written (the record must stay uncommitted)
   */
  public void publish(
      ConsumerRecord<byte[], byte[]> raw,
      Throwable error,
      int attempts,
      long firstFailureMs,
      long lastFailureMs,
      String reason) {
    String dlt = policy.deadLetterTopic(raw.topic()).orElseThrow();
    try {
      Producer<byte[], byte[]> p = producer();
      int count = partitions.computeIfAbsent(dlt, t -> ensureTopic(raw.topic(), t));
      Integer partition = raw.partition() < count ? raw.partition() : null;
      RecordHeaders headers = new RecordHeaders();
      for (Header h : raw.headers()) {
        headers.add(h);
      }
      put(headers, DeadLetterHeaders.ORIGINAL_TOPIC, raw.topic());
      put(headers, DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(raw.partition()));
      put(headers, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(raw.offset()));
      put(headers, DeadLetterHeaders.ORIGINAL_TIMESTAMP, Long.toString(raw.timestamp()));
      put(headers, DeadLetterHeaders.CONSUMER_GROUP, settings.groupId());
      put(headers, DeadLetterHeaders.EXCEPTION_CLASS, error.getClass().getName());
      String message = String.valueOf(error.getMessage());
      put(headers, DeadLetterHeaders.EXCEPTION_MESSAGE,
          message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message);
      put(headers, DeadLetterHeaders.STACKTRACE_DIGEST, digest(error));
      put(headers, DeadLetterHeaders.ATTEMPTS, Integer.toString(attempts));
      put(headers, DeadLetterHeaders.FIRST_FAILURE, Long.toString(firstFailureMs));
      put(headers, DeadLetterHeaders.LAST_FAILURE, Long.toString(lastFailureMs));
      put(headers, DeadLetterHeaders.REASON, reason);
      Long timestamp = raw.timestamp() >= 0 ? raw.timestamp() : null;
      p.send(new ProducerRecord<>(dlt, partition, timestamp, raw.key(), raw.value(), headers))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadLetterException("interrupted while writing to dead-letter topic " + dlt, e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      if (cause instanceof DeadLetterException d) {
        throw d;
      }
      throw new DeadLetterException("could not write " + raw.topic() + "-" + raw.partition() + "@"
          + raw.offset() + " to dead-letter topic " + dlt + ": " + cause, cause);
    }
  }

  private static void put(RecordHeaders headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-256 of the stack trace's frames and exception classes (not messages), 16 hex chars. */
  static String digest(Throwable error) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      sb.append(t.getClass().getName()).append('\n');
      for (StackTraceElement e : t.getStackTrace()) {
        sb.append(e.getClassName()).append('.').append(e.getMethodName()).append(':')
            .append(e.getLineNumber()).append('\n');
      }
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  private synchronized Producer<byte[], byte[]> producer() {
    if (closed) {
      throw new DeadLetterException("engine closing: dead-letter producer closed", null);
    }
    if (producer == null) {
      Map<String, Object> config = new HashMap<>();
      settings.properties().forEach((k, v) -> {
        if (ProducerConfig.configNames().contains(k)) {
          config.put(k, v);
        }
      });
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
      config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.clientId().orElse("kcp-" + settings.groupId()) + "-dlt");
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
      config.putAll(policy.producerProperties());
      producer = policy.producerFactory().apply(config);
    }
    return producer;
  }

  /** The dead-letter topic's partition count, creating it if missing and allowed. */
  private int ensureTopic(String source, String dlt) {
    if (!policy.createDeadLetterTopic()) {
      return producer().partitionsFor(dlt).size();
    }
    Map<String, Object> config = new HashMap<>();
    settings.properties().forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        config.put(k, v);
      }
    });
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, name + "-dlt-admin");
    try (Admin admin = Admin.create(config)) {
      Optional<TopicDescription> existing = describe(admin, dlt);
      if (existing.isPresent()) {
        return existing.get().partitions().size();
      }
      int count = describe(admin, source).map(d -> d.partitions().size()).orElse(1);
      try {
        admin.createTopics(List.of(new NewTopic(dlt, Optional.of(count), Optional.empty())))
            .all().get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new DeadLetterException("could not create dead-letter topic " + dlt + ": " + e.getCause()
              + "; create it yourself (kafka-topics --create --topic " + dlt + " --partitions " + count
              + ") or grant CREATE on it", e.getCause());
        }
      }
      awaitLeaders(admin, dlt, count);
      return count;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadLetterException("interrupted while checking dead-letter topic " + dlt, e);
    } catch (TimeoutException e) {
      throw new DeadLetterException("timed out checking dead-letter topic " + dlt, e);
    }
  }

  /**
   * Waits until every partition of a topic just created has a leader that answers ListOffsets:
   * a first produce racing the leader's start can be appended yet answered with an error, and an
   * idempotent producer then resends it with a sequence the broker refuses for good.
   */
  private static void awaitLeaders(Admin admin, String topic, int partitions)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
    while (true) {
      Optional<TopicDescription> d = describe(admin, topic);
      if (d.isPresent() && d.get().partitions().size() >= partitions
          && d.get().partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
        Map<org.apache.kafka.common.TopicPartition, OffsetSpec> latest = new HashMap<>();
        d.get().partitions().forEach(p ->
            latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        try {
          admin.listOffsets(latest).all().get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          return;
        } catch (ExecutionException e) {
          // not served yet: ask again
        }
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the leaders of dead-letter topic " + topic + " did not come up");
      }
      Thread.sleep(50); // polling the broker's metadata, bounded by the deadline
    }
  }

  private static Optional<TopicDescription> describe(Admin admin, String topic)
      throws InterruptedException, TimeoutException {
    try {
      return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw new DeadLetterException("could not describe " + topic + ": " + e.getCause(), e.getCause());
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }

  /** A record could not be dead-lettered. */
  public static final class DeadLetterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeadLetterException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
