package io.kcp.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kcp.core.CommitPolicy;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.RecordHandler;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.EngineState;
import io.kcp.core.InvalidSettingsException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The worker engine on a {@code MockConsumer}: ordering, safe commits, backpressure, naive mode. */
class WorkerStrategyTest {
  private static final TopicPartition TP = new TopicPartition("orders", 0);

  private final MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
  private final ConsumerSettings settings = ConsumerSettings.builder()
      .bootstrapServers("localhost:9092").groupId("g").topics("orders")
      .pollTimeout(Duration.ofMillis(10)).build();

  WorkerStrategyTest() {
    mock.updatePartitions("orders", List.of(new PartitionInfo("orders", 0, null, new Node[0], new Node[0])));
    mock.schedulePollTask(() -> {
      mock.rebalance(List.of(TP));
      mock.updateBeginningOffsets(Map.of(TP, 0L));
    });
  }

  private void add(long offset, String key, String value) {
    mock.schedulePollTask(() -> mock.addRecord(new ConsumerRecord<>("orders", 0, offset,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))));
  }

  private EngineConfig.Builder config() {
    return EngineConfig.custom(settings).consumerFactory(c -> mock)
        .commitPolicy(CommitPolicy.builder().interval(Duration.ofMillis(10)).build());
  }

  private WorkerConfig.Builder worker(Ordering ordering) {
    return WorkerConfig.custom().ordering(ordering).concurrency(8);
  }

  private WorkerStrategyEngine engine(Ordering ordering, RecordHandler<String, String> handler) {
    return WorkerStrategy.of(config().build(), worker(ordering).build(), handler);
  }

  @Test
  void keyOrderingRunsOneRecordPerKeyAtATimeAndKeysInParallel() {
    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    List<String> overlaps = new CopyOnWriteArrayList<>();
    AtomicInteger maxParallel = new AtomicInteger();
    AtomicInteger now = new AtomicInteger();
    List<String> order = new CopyOnWriteArrayList<>();
    WorkerStrategyEngine engine = engine(Ordering.KEY, r -> {
      if (running.computeIfAbsent(r.key(), k -> new AtomicInteger()).incrementAndGet() > 1) {
        overlaps.add(r.key());
      }
      maxParallel.accumulateAndGet(now.incrementAndGet(), Math::max);
      Thread.sleep(5);
      order.add(r.key() + r.value());
      now.decrementAndGet();
      running.get(r.key()).decrementAndGet();
    });
    for (int i = 0; i < 40; i++) {
      add(i, "k" + (i % 4), String.valueOf(i / 4));
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 40);
    engine.close(Duration.ofSeconds(5));

    assertThat(overlaps).as("two records of one key at once").isEmpty();
    assertThat(maxParallel.get()).as("different keys run in parallel").isGreaterThan(1);
    for (int k = 0; k < 4; k++) {
      String key = "k" + k;
      assertThat(order.stream().filter(s -> s.startsWith(key)))
          .containsExactly(key + 0, key + 1, key + 2, key + 3, key + 4, key + 5, key + 6, key + 7, key + 8, key + 9);
    }
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP, 40L);
  }

  @Test
  void neverCommitsPastAnUnfinishedRecord() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    WorkerStrategyEngine engine = engine(Ordering.UNORDERED, r -> {
      if (r.offset() == 0) {
        release.await(10, TimeUnit.SECONDS);
      }
    });
    for (int i = 0; i < 10; i++) {
      add(i, "k" + i, "v");
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 9);
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().commits() >= 1);
    assertThat(mock.committed(Set.of(TP)).get(TP).offset()).as("offset 0 is still running").isZero();
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().committedOffsets().getOrDefault(TP, 0L) == 10L);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.state()).isEqualTo(EngineState.CLOSED);
  }

  @Test
  void aPartitionOverItsBoundIsPausedAndResumedWhenItDrains() {
    CountDownLatch release = new CountDownLatch(1);
    WorkerStrategyEngine engine = WorkerStrategy.of(config().build(),
        worker(Ordering.UNORDERED).maxInFlightPerPartition(5).build(),
        r -> release.await(10, TimeUnit.SECONDS));
    for (int i = 0; i < 50; i++) {
      add(i, "k" + i, "v");
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> mock.paused().contains(TP));
    // the engine pauses first and counts after: the count follows at once
    await().atMost(Duration.ofSeconds(5)).untilAsserted(
        () -> assertThat(engine.workerMetrics().pausedPartitions()).isEqualTo(1));
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 50);
    await().atMost(Duration.ofSeconds(10)).until(() -> !mock.paused().contains(TP));
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP, 50L);
  }

  @Test
  void naiveCommitsRightAfterPollBeforeAnythingIsProcessed() {
    CountDownLatch release = new CountDownLatch(1);
    WorkerStrategyEngine engine = engine(Ordering.NAIVE, r -> release.await(10, TimeUnit.SECONDS));
    for (int i = 0; i < 10; i++) {
      add(i, "k", "v");
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> mock.committed(Set.of(TP)).get(TP) != null
        && mock.committed(Set.of(TP)).get(TP).offset() == 10);
    assertThat(engine.metrics().recordsHandled()).as("committed, yet nothing was processed").isZero();
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 10);
    engine.close(Duration.ofSeconds(5));
  }

  @Test
  void naiveDropsTheQueuedRecordsOfARevokedPartitionWhoseOffsetsItCommitted() {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    List<Long> handled = new CopyOnWriteArrayList<>();
    // one worker: the first record runs (and waits), the other nine wait in the pool's queue
    WorkerStrategyEngine engine = WorkerStrategy.of(config().build(), worker(Ordering.NAIVE).concurrency(1).build(),
        r -> {
          started.countDown();
          release.await(10, TimeUnit.SECONDS);
          handled.add(r.offset());
        });
    for (int i = 0; i < 10; i++) {
      add(i, "k", "v");
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.getCount() == 0
        && mock.committed(Set.of(TP)).get(TP) != null && mock.committed(Set.of(TP)).get(TP).offset() == 10);
    long committed = mock.committed(Set.of(TP)).get(TP).offset(); // all ten, before anything finished
    mock.schedulePollTask(() -> mock.rebalance(List.of())); // the partition moves to another member
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().assignedPartitions() == 0);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().inFlight() == 0);
    engine.close(Duration.ofSeconds(5));
    assertThat(handled).as("only the running record finished; the nine queued were dropped").containsExactly(0L);
    assertThat(committed).as("committed past all ten: 1..9 are lost").isEqualTo(10);
  }

  @Test
  void aFailingHandlerStopsTheEngineWithoutCommittingPastIt() {
    WorkerStrategyEngine engine = WorkerStrategy.of(config().errorPolicy(ErrorPolicy.failFast()).build(),
        worker(Ordering.PARTITION).build(), r -> {
          if (r.offset() == 4) {
            throw new IllegalStateException("boom");
          }
        });
    for (int i = 0; i < 10; i++) {
      add(i, "k", "v");
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.state() == EngineState.FAILED);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP, 4L);
    assertThat(engine.failure()).get().extracting(Throwable::getMessage).asString().contains("offset 4", "boom");
  }

  @Test
  void whenTheErrorPolicyItselfThrowsTheEngineFailsWithThatCause() {
    WorkerStrategyEngine engine = WorkerStrategy.of(
        config().errorPolicy(ErrorPolicy.builder().retryOn(e -> {
          throw new IllegalStateException("the retry predicate broke");
        }).noCircuitBreaker().build()).build(),
        worker(Ordering.KEY).build(), r -> {
          throw new IllegalArgumentException("bad record");
        });
    add(0, "k", "v");
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.state() == EngineState.FAILED);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("the retry predicate broke");
    assertThat(engine.metrics().inFlight()).isZero();
  }

  @Test
  void badSettingsAreListed() {
    assertThatThrownBy(() -> WorkerConfig.custom().concurrency(0).maxInFlight(0).build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("concurrency must be at least 1")
        .hasMessageContaining("maxInFlightPerPartition and maxInFlight must be at least 1");
    if (WorkerStrategy.virtualThreadsAvailable()) {
      assertThat(WorkerConfig.custom().virtualThreads(true).build().virtualThreads()).isTrue();
    } else {
      assertThatThrownBy(() -> WorkerConfig.custom().virtualThreads(true).build())
          .hasMessageContaining("virtualThreads needs a Java 21+ runtime");
    }
  }
}
