package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.DeadLetterHeaders;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.RecordHandler;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import io.kcp.audit.WorkloadRecord;
import io.opentelemetry.api.OpenTelemetry;
import io.kcp.core.ProducerContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retries and the dead-letter topic on a real broker, for both strategies: flaky records are
 * retried and never reach the DLT; poison records reach it — exactly those, with their story in
 * the headers — and every other record is handled; offsets end committed past all of them;
 * records that cannot be decoded go to the DLT and the consumer keeps going.
 */
@ExtendWith(SharedBroker.class)
class ErrorPolicyBrokerTest {
  static final int RECORDS = 10_000;

  /** A stable pick of {@code rate} of the records, by key and sequence number. */
  static boolean picked(String key, long seq, double rate, String salt) {
    long h = (salt + "|" + key + "|" + seq).hashCode() * 0x9E3779B97F4A7C15L;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53 < rate;
  }

  static ConsumerSettings settings(KafkaSandbox kafka, String topic, String group) {
    return ConsumerSettings.builder().bootstrapServers(kafka.bootstrapServers())
        .groupId(group).topics(topic).build();
  }

  /**
   * The default breaker with a short wait and grace: at the end of the workload only poison
   * records are left failing, so they open the breaker by themselves; after the grace they count
   * as poison again and reach the DLT (with the defaults that takes a minute).
   */
  static ErrorPolicy.Builder policy() {
    return ErrorPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(200))
        .circuitBreakerWait(Duration.ofMillis(300)).outageGrace(Duration.ofSeconds(2));
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static void awaitDrained(KafkaSandbox kafka, String topic, String group) {
    Map<TopicPartition, Long> end = TestClients.endOffsets(kafka.bootstrapServers(), topic);
    await().atMost(Duration.ofSeconds(120)).until(
        () -> TestClients.committed(kafka.bootstrapServers(), group).equals(end));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Engines.class)
  void flakyRecordsAreRetriedAndNoneReachTheDeadLetterTopic(Engines strategy, KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("flaky");
    String group = SharedBroker.uniqueName("flaky-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(RECORDS).keys(100).run();
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    Set<String> handled = ConcurrentHashMap.newKeySet();
    RecordHandler<String, String> handler = r -> {
      WorkloadRecord w = WorkloadRecord.parse(r.value()).orElseThrow();
      String id = w.key() + "#" + w.seq();
      if (picked(w.key(), w.seq(), 0.01, "flaky")
          && failures.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() <= 2) {
        throw new IllegalStateException("flaky downstream for " + id);
      }
      handled.add(id);
    };
    ConsumerEngine engine = strategy.build(settings(kafka, topic, group), handler, policy().build());
    engine.start();
    try {
      awaitDrained(kafka, topic, group);
    } finally {
      engine.close(Duration.ofSeconds(20));
    }
    long flaky = failures.size();
    System.out.printf("FLAKY %s: %d of %d records failed twice, failed attempts %d, retries %d,"
            + " dead-lettered %d%n", strategy, flaky, RECORDS, engine.metrics().recordsFailed(),
        engine.metrics().retries(), engine.metrics().deadLettered());
    assertThat(flaky).isBetween(40L, 200L); // about 1 %
    assertThat(handled).hasSize(RECORDS); // nothing lost
    assertThat(engine.metrics().recordsFailed()).isEqualTo(2 * flaky); // every flaky record failed twice
    // each failure was a retry, unless it found the breaker open (then it waited, using no attempt)
    assertThat(engine.metrics().retries()).isLessThanOrEqualTo(2 * flaky);
    assertThat(engine.metrics().deadLettered()).isZero();
    assertThat(TestClients.readAll(kafka.bootstrapServers(), topic + ".dlt")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Engines.class)
  void poisonRecordsAndOnlyThoseReachTheDeadLetterTopicWithTheirStory(Engines strategy, KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("poison");
    String group = SharedBroker.uniqueName("poison-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(RECORDS).keys(100).run();
    Set<String> handled = ConcurrentHashMap.newKeySet();
    RecordHandler<String, String> handler = r -> {
      WorkloadRecord w = WorkloadRecord.parse(r.value()).orElseThrow();
      if (picked(w.key(), w.seq(), 0.001, "poison")) {
        throw new IllegalArgumentException("cannot price " + w.key() + "#" + w.seq());
      }
      handled.add(w.key() + "#" + w.seq());
    };
    long before = System.currentTimeMillis();
    ConsumerEngine engine = strategy.build(settings(kafka, topic, group), handler, policy().build());
    engine.start();
    try {
      awaitDrained(kafka, topic, group);
    } finally {
      engine.close(Duration.ofSeconds(20));
    }

    Map<String, ConsumerRecord<byte[], byte[]>> source = new HashMap<>();
    Set<String> poison = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : TestClients.readAll(kafka.bootstrapServers(), topic)) {
      WorkloadRecord w = WorkloadRecord.parse(new String(r.value(), StandardCharsets.UTF_8)).orElseThrow();
      String id = w.key() + "#" + w.seq();
      source.put(id, r);
      if (picked(w.key(), w.seq(), 0.001, "poison")) {
        poison.add(id);
      }
    }
    List<ConsumerRecord<byte[], byte[]>> dead = TestClients.readAll(kafka.bootstrapServers(), topic + ".dlt");
    Set<String> deadIds = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> d : dead) {
      WorkloadRecord w = WorkloadRecord.parse(new String(d.value(), StandardCharsets.UTF_8)).orElseThrow();
      String id = w.key() + "#" + w.seq();
      deadIds.add(id);
      ConsumerRecord<byte[], byte[]> original = source.get(id);
      assertThat(d.key()).isEqualTo(original.key());
      assertThat(d.partition()).isEqualTo(original.partition()); // same partition: the DLT has it
      assertThat(header(d, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(topic);
      assertThat(header(d, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo(Integer.toString(original.partition()));
      assertThat(header(d, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo(Long.toString(original.offset()));
      assertThat(header(d, DeadLetterHeaders.CONSUMER_GROUP)).isEqualTo(group);
      assertThat(header(d, DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(IllegalArgumentException.class.getName());
      assertThat(header(d, DeadLetterHeaders.EXCEPTION_MESSAGE)).isEqualTo("cannot price " + id);
      assertThat(header(d, DeadLetterHeaders.STACKTRACE_DIGEST)).matches("[0-9a-f]{16}");
      assertThat(header(d, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
      long first = Long.parseLong(header(d, DeadLetterHeaders.FIRST_FAILURE));
      long last = Long.parseLong(header(d, DeadLetterHeaders.LAST_FAILURE));
      assertThat(first).isGreaterThanOrEqualTo(before);
      assertThat(last).isGreaterThanOrEqualTo(first + 20 + 40); // two backoffs: 20 ms, then 40 ms
    }
    System.out.printf("POISON %s: %d poison of %d, %d in the DLT, %d handled, digests %s%n", strategy,
        poison.size(), RECORDS, dead.size(), handled.size(),
        dead.stream().map(d -> header(d, DeadLetterHeaders.STACKTRACE_DIGEST)).distinct().toList());
    assertThat(poison).isNotEmpty();
    assertThat(dead).hasSize(poison.size()); // each exactly once
    assertThat(deadIds).isEqualTo(poison);
    assertThat(handled).hasSize(RECORDS - poison.size());
    assertThat(engine.metrics().deadLettered()).isEqualTo(poison.size());
    // awaitDrained above: the committed offsets reached the end of every partition, past the poison
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Engines.class)
  void recordsThatCannotBeDecodedGoToTheDeadLetterTopicAndTheConsumerGoesOn(Engines strategy, KafkaSandbox kafka)
      throws Exception {
    String topic = SharedBroker.uniqueName("malformed");
    String group = SharedBroker.uniqueName("malformed-group");
    kafka.createTopic(topic, 3, 1);
    int total = 300;
    Set<Integer> garbage = Set.of(7, 100, 101, 250);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < total; i++) {
        byte[] value = garbage.contains(i)
            ? new byte[] {(byte) 0xC3, (byte) 0x28, (byte) i} // not UTF-8
            : ("price-" + i).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, i % 3, ("k" + i).getBytes(StandardCharsets.UTF_8), value));
      }
      producer.flush();
    }
    Deserializer<String> strictUtf8 = (t, data) -> {
      try {
        return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(data)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new SerializationException("value is not UTF-8", e);
      }
    };
    Set<String> handled = ConcurrentHashMap.newKeySet();
    ConsumerEngine engine = strategy.build(settings(kafka, topic, group), strictUtf8,
        r -> handled.add(r.value()), policy().build(), OpenTelemetry.noop(), ProducerContext.PARENT);
    engine.start();
    try {
      awaitDrained(kafka, topic, group);
    } finally {
      engine.close(Duration.ofSeconds(20));
    }
    List<ConsumerRecord<byte[], byte[]>> dead = TestClients.readAll(kafka.bootstrapServers(), topic + ".dlt");
    assertThat(handled).hasSize(total - garbage.size());
    assertThat(dead).hasSize(garbage.size());
    assertThat(dead).allSatisfy(d -> {
      assertThat(header(d, DeadLetterHeaders.REASON)).isEqualTo("decode");
      assertThat(header(d, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
      assertThat(header(d, DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(SerializationException.class.getName());
    });
    assertThat(dead.stream().map(d -> new String(d.key(), StandardCharsets.UTF_8)))
        .containsExactlyInAnyOrder("k7", "k100", "k101", "k250");
    assertThat(engine.metrics().retries()).isZero();
  }
}
