package io.kcp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The error policy in the single-thread engine, on a {@code MockConsumer} and a {@code MockProducer}. */
class ErrorPolicyEngineTest {
  private static final TopicPartition TP0 = new TopicPartition("orders", 0);
  private static final TopicPartition TP1 = new TopicPartition("orders", 1);

  private final MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
  private final MockProducer<byte[], byte[]> dlt =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final ConsumerSettings settings = ConsumerSettings.builder()
      .bootstrapServers("localhost:9092").groupId("g").topics("orders")
      .pollTimeout(Duration.ofMillis(10)).build();

  {
    mock.updatePartitions("orders", List.of(
        new PartitionInfo("orders", 0, null, new Node[0], new Node[0]),
        new PartitionInfo("orders", 1, null, new Node[0], new Node[0])));
    mock.schedulePollTask(() -> {
      mock.rebalance(List.of(TP0, TP1));
      mock.updateBeginningOffsets(Map.of(TP0, 0L, TP1, 0L));
    });
  }

  private void add(TopicPartition tp, long offset, String value) {
    mock.schedulePollTask(() -> mock.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset,
        ("k" + offset).getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))));
  }

  private ErrorPolicy.Builder policy() {
    return ErrorPolicy.builder()
        .backoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(100))
        .createDeadLetterTopic(false)
        .deadLetterProducer(config -> dlt)
        .noCircuitBreaker();
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void aRecordThatFailsTwiceIsRetriedAndTheOtherPartitionGoesOnMeanwhile() {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    List<String> seen = new CopyOnWriteArrayList<>();
    ConsumerEngine engine = Single.builder(settings)
        .handler(r -> {
          if (r.partition() == 0 && r.offset() == 1 && failuresLeft.getAndDecrement() > 0) {
            throw new IllegalStateException("flaky");
          }
          seen.add(r.partition() + ":" + r.offset());
        })
        // backoffs of 250 + 500 ms: a margin over the few polls partition 1 needs meanwhile
        .errorPolicy(policy().backoff(Duration.ofMillis(250), 2.0, Duration.ofSeconds(1)).build())
        .consumerFactory(c -> mock)
        .build();
    for (int i = 0; i < 3; i++) {
      add(TP0, i, "a" + i);
      add(TP1, i, "b" + i);
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 6);
    engine.close(Duration.ofSeconds(5));

    assertThat(seen.stream().filter(s -> s.startsWith("0:"))).containsExactly("0:0", "0:1", "0:2");
    // partition 1 did not wait for partition 0's backoff: it finished before 0:1's retry did
    assertThat(seen.indexOf("1:2")).isLessThan(seen.indexOf("0:1"));
    assertThat(engine.metrics().retries()).isEqualTo(2);
    assertThat(engine.metrics().recordsFailed()).isEqualTo(2);
    assertThat(engine.metrics().deadLettered()).isZero();
    assertThat(dlt.history()).isEmpty();
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP0, 3L).containsEntry(TP1, 3L);
  }

  @Test
  void aPoisonRecordGoesToTheDeadLetterTopicWithItsStoryAndIsCommittedPast() {
    ConsumerEngine engine = Single.builder(settings)
        .handler(r -> {
          if (r.value().equals("poison")) {
            throw new IllegalArgumentException("cannot price " + r.value());
          }
        })
        .errorPolicy(policy().maxAttempts(3).build())
        .consumerFactory(c -> mock)
        .build();
    add(TP0, 0, "ok");
    add(TP0, 1, "poison");
    add(TP0, 2, "ok");
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().deadLettered() == 1
        && engine.metrics().recordsHandled() == 2);
    engine.close(Duration.ofSeconds(5));

    assertThat(dlt.history()).hasSize(1);
    ProducerRecord<byte[], byte[]> d = dlt.history().get(0);
    assertThat(d.topic()).isEqualTo("orders.dlt");
    assertThat(new String(d.value(), StandardCharsets.UTF_8)).isEqualTo("poison");
    assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo("k1");
    assertThat(header(d, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo("orders");
    assertThat(header(d, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("0");
    assertThat(header(d, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("1");
    assertThat(header(d, DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(IllegalArgumentException.class.getName());
    assertThat(header(d, DeadLetterHeaders.EXCEPTION_MESSAGE)).isEqualTo("cannot price poison");
    assertThat(header(d, DeadLetterHeaders.STACKTRACE_DIGEST)).matches("[0-9a-f]{16}");
    assertThat(header(d, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
    assertThat(header(d, DeadLetterHeaders.REASON)).isEqualTo("handler");
    assertThat(Long.parseLong(header(d, DeadLetterHeaders.LAST_FAILURE)))
        .isGreaterThanOrEqualTo(Long.parseLong(header(d, DeadLetterHeaders.FIRST_FAILURE)) + 20);
    assertThat(engine.metrics().retries()).isEqualTo(2);
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP0, 3L);
  }

  @Test
  void anExceptionThatIsNotRetryableGoesToTheDeadLetterTopicAtOnce() {
    ConsumerEngine engine = Single.builder(settings)
        .handler(r -> {
          throw new IllegalArgumentException("bad input");
        })
        .errorPolicy(policy().maxAttempts(5).noRetryFor(IllegalArgumentException.class).build())
        .consumerFactory(c -> mock)
        .build();
    add(TP0, 0, "x");
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().deadLettered() == 1);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.metrics().retries()).isZero();
    assertThat(header(dlt.history().get(0), DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
  }

  @Test
  void aValueThatCannotBeDecodedIsDeadLetteredWithoutRetriesAndTheConsumerGoesOn() {
    Deserializer<String> strict = (topic, data) -> {
      String s = new String(data, StandardCharsets.UTF_8);
      if (s.startsWith("\u0000")) {
        throw new IllegalArgumentException("not a price: binary garbage");
      }
      return s;
    };
    AtomicInteger handled = new AtomicInteger();
    ConsumerEngine engine = Single.builder(settings, new StringDeserializer(), strict)
        .handler(r -> handled.incrementAndGet())
        .errorPolicy(policy().build())
        .consumerFactory(c -> mock)
        .build();
    add(TP0, 0, "1.50");
    add(TP0, 1, "\u0000\u0001");
    add(TP0, 2, "2.50");
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() == 2);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.state()).isEqualTo(EngineState.CLOSED);
    assertThat(engine.metrics().retries()).isZero();
    assertThat(dlt.history()).singleElement()
        .satisfies(d -> assertThat(header(d, DeadLetterHeaders.REASON)).isEqualTo("decode"));
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP0, 3L);
  }

  @Test
  void whenTheDeadLetterWriteFailsTheEngineStopsAndDoesNotCommitTheRecord() {
    MockProducer<byte[], byte[]> broken =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    ConsumerEngine engine = Single.builder(settings)
        .handler(r -> {
          if (r.offset() == 1) {
            throw new IllegalStateException("down");
          }
        })
        .errorPolicy(policy().maxAttempts(1).deadLetterProducer(c -> broken)
            .deadLetterProducerProperty("delivery.timeout.ms", 1000).build())
        .consumerFactory(c -> mock)
        .build();
    add(TP0, 0, "a");
    add(TP0, 1, "b");
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> !broken.history().isEmpty());
    broken.errorNext(new org.apache.kafka.common.errors.AuthorizationException("no WRITE on orders.dlt"));
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.state() == EngineState.FAILED);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("orders.dlt", "no WRITE");
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP0, 1L);
  }

  @Test
  void anOpenBreakerPausesEveryPartitionAndNoAttemptIsMadeUntilItLetsTrialsThrough() {
    // the breaker hears each record's first failure: with two partitions blocked on their heads,
    // two fresh failures are all it can hear
    CircuitBreaker breaker = CircuitBreaker.of("downstream", CircuitBreakerConfig.custom()
        .slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofMillis(300))
        .automaticTransitionFromOpenToHalfOpenEnabled(true)
        .permittedNumberOfCallsInHalfOpenState(1)
        .build());
    AtomicBoolean down = new AtomicBoolean(true);
    Map<String, Integer> callsWhileOpen = new ConcurrentHashMap<>();
    AtomicBoolean sawPaused = new AtomicBoolean();
    AtomicInteger notPermitted = new AtomicInteger();
    breaker.getEventPublisher().onCallNotPermitted(e -> notPermitted.incrementAndGet());
    ConsumerEngine engine = Single.builder(settings)
        .handler(r -> {
          if (breaker.getState() == CircuitBreaker.State.OPEN) {
            callsWhileOpen.merge("open", 1, Integer::sum);
          }
          if (down.get()) {
            throw new IllegalStateException("503 from the price service");
          }
        })
        .errorPolicy(policy().maxAttempts(100).circuitBreaker(breaker).build())
        .consumerFactory(c -> mock)
        .build();
    for (int i = 0; i < 5; i++) {
      add(TP0, i, "a" + i);
      add(TP1, i, "b" + i);
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      sawPaused.compareAndSet(false, engine.metrics().pausedPartitions() == 2);
      return sawPaused.get();
    });
    down.set(false);
    await().atMost(Duration.ofSeconds(20)).until(() -> engine.metrics().recordsHandled() == 10);
    engine.close(Duration.ofSeconds(5));

    assertThat(callsWhileOpen).isEmpty(); // no attempt burned while OPEN
    assertThat(notPermitted.get()).isPositive(); // records asked, were told to wait, did not run
    assertThat(engine.metrics().deadLettered()).isZero();
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP0, 5L).containsEntry(TP1, 5L);
  }

  @Test
  void aPoisonRecordsRetriesDoNotOpenTheBreaker() {
    CircuitBreaker breaker = CircuitBreaker.of("lone", CircuitBreakerConfig.custom()
        .slidingWindowSize(4).minimumNumberOfCalls(2).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(30)).build());
    ConsumerEngine engine = Single.builder(settings)
        .handler(r -> {
          if (r.value().equals("poison")) {
            throw new IllegalArgumentException("poison");
          }
        })
        .errorPolicy(policy().maxAttempts(5).circuitBreaker(breaker).build())
        .consumerFactory(c -> mock)
        .build();
    add(TP0, 0, "ok");
    add(TP0, 1, "ok");
    add(TP0, 2, "poison"); // the last record: nothing else is left to dilute its failures
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().deadLettered() == 1);
    engine.close(Duration.ofSeconds(5));
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1); // its first failure only
    assertThat(header(dlt.history().get(0), DeadLetterHeaders.ATTEMPTS)).isEqualTo("5");
  }

  @Test
  void failuresWhileTheBreakerIsOpenUseNoAttemptWithinTheGraceThenTheyCount() {
    CircuitBreaker breaker = CircuitBreaker.of("outage", CircuitBreakerConfig.custom()
        .slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofMillis(50))
        .automaticTransitionFromOpenToHalfOpenEnabled(true).build());
    AtomicBoolean down = new AtomicBoolean(true);
    ConsumerEngine engine = Single.builder(settings)
        .handler(r -> {
          if (down.get()) {
            throw new IllegalStateException("503");
          }
        })
        .errorPolicy(policy().maxAttempts(2).circuitBreaker(breaker).outageGrace(Duration.ofMinutes(5)).build())
        .consumerFactory(c -> mock)
        .build();
    add(TP0, 0, "a");
    add(TP1, 0, "b");
    engine.start();
    // two fresh records failed: the breaker opened; their trials keep failing for a while
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsFailed() >= 10);
    assertThat(engine.metrics().deadLettered()).isZero(); // maxAttempts 2, yet nothing dead-lettered
    down.set(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 2);
    // the breaker may still be HALF_OPEN, short of its 10 trial calls: with nothing waiting, the
    // partitions are not held, so fresh records come, are its trials, and close it
    for (int i = 1; i <= 10; i++) {
      add(TP0, i, "fresh");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 12);
    await().atMost(Duration.ofSeconds(10)).until(() -> breaker.getState() == CircuitBreaker.State.CLOSED);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.metrics().deadLettered()).isZero();
  }

  @Test
  void whileTheBreakerIsOpenPartitionsAssignedByARebalanceArePausedTooAndAllResumeWhenItCloses() {
    MockConsumer<byte[], byte[]> fresh = new MockConsumer<>("earliest");
    fresh.updatePartitions("orders", List.of(
        new PartitionInfo("orders", 0, null, new Node[0], new Node[0]),
        new PartitionInfo("orders", 1, null, new Node[0], new Node[0])));
    fresh.schedulePollTask(() -> {
      fresh.rebalance(List.of(TP0));
      fresh.updateBeginningOffsets(Map.of(TP0, 0L, TP1, 0L));
    });
    CircuitBreaker breaker = CircuitBreaker.ofDefaults("shared");
    ConsumerEngine engine = Single.builder(settings)
        .handler(r -> { })
        .errorPolicy(policy().circuitBreaker(breaker).build())
        .consumerFactory(c -> fresh)
        .build();
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().assignedPartitions() == 1);
    breaker.transitionToForcedOpenState(); // e.g. your HTTP client's breaker, shared with the consumer
    await().atMost(Duration.ofSeconds(10)).until(() -> fresh.paused().equals(java.util.Set.of(TP0)));
    fresh.schedulePollTask(() -> fresh.rebalance(List.of(TP0, TP1))); // TP1 arrives while OPEN
    await().atMost(Duration.ofSeconds(10)).until(() -> fresh.paused().equals(java.util.Set.of(TP0, TP1)));
    // the engine pauses first and counts after: the count follows at once
    await().atMost(Duration.ofSeconds(5)).untilAsserted(
        () -> assertThat(engine.metrics().pausedPartitions()).isEqualTo(2));
    breaker.transitionToClosedState();
    await().atMost(Duration.ofSeconds(10)).until(() -> fresh.paused().isEmpty());
    engine.close(Duration.ofSeconds(5));
  }

  @Test
  void badSettingsAreListedWithTheirFix() {
    assertThatThrownBy(() -> ErrorPolicy.builder().maxAttempts(0)
            .backoff(Duration.ofSeconds(2), 0.5, Duration.ofSeconds(1)).build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("maxAttempts must be at least 1")
        .hasMessageContaining("multiplier must be at least 1.0")
        .hasMessageContaining("below the first backoff");
  }
}
