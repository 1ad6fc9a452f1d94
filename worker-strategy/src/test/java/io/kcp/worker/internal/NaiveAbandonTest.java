package io.kcp.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.CommitPolicy;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.spi.ConsumerTelemetry;
import io.kcp.core.spi.DecodingHandler;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.spi.Workers;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategyEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NAIVE after a revoke: the queued records of the revoked partition are abandoned at once — they
 * do not wait behind the running record for a worker (a fixed pool's queue) or a permit (the
 * unbounded executor of virtual threads, stood in for here by a cached pool, so it runs on 17) —
 * so in-flight drops to the running records right away and polling is not held up by them.
 */
class NaiveAbandonTest {
  private static final TopicPartition TP = new TopicPartition("orders", 0);
  private static final int RECORDS = 10;

  private final MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");

  @ParameterizedTest(name = "bounded pool: {0}")
  @ValueSource(booleans = {true, false})
  void aRevokeDropsInFlightToTheRunningRecordAtOnce(boolean boundedPool) {
    mock.updatePartitions("orders", List.of(new PartitionInfo("orders", 0, null, new Node[0], new Node[0])));
    mock.schedulePollTask(() -> {
      mock.rebalance(List.of(TP));
      mock.updateBeginningOffsets(Map.of(TP, 0L));
    });
    for (int i = 0; i < RECORDS; i++) {
      long offset = i;
      mock.schedulePollTask(() -> mock.addRecord(new ConsumerRecord<>("orders", 0, offset,
          "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8))));
    }
    ConsumerSettings settings = ConsumerSettings.builder()
        .bootstrapServers("localhost:9092").groupId("g").topics("orders")
        .pollTimeout(Duration.ofMillis(10)).build();
    EngineConfig config = EngineConfig.custom(settings).consumerFactory(c -> mock)
        .commitPolicy(CommitPolicy.builder().interval(Duration.ofMillis(10)).build()).build();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    List<Long> began = new CopyOnWriteArrayList<>();
    List<Long> handled = new CopyOnWriteArrayList<>();
    DecodingHandler handler = DecodingHandler.ofStrings(r -> {
      began.add(r.offset());
      started.countDown();
      release.await(30, TimeUnit.SECONDS);
      handled.add(r.offset());
    });
    PollLoopSpec spec = new PollLoopSpec(config, handler, "naive-abandon", 0, Optional.empty());
    EngineLifecycle life = new EngineLifecycle(spec.name());
    RecordRunner runner = RecordRunner.create(handler, config, spec.name(), Optional.empty(),
        ConsumerTelemetry.create(config.openTelemetry(), spec.group(), config.producerContext()),
        life::stopRequested);
    // one record runs at a time: one runs (and waits), the other nine wait their turn. A fixed
    // pool runs offset 0 first; with an unbounded executor whichever thread takes the permit first
    // runs (NAIVE promises no order), so the test asserts on the record that began, not on 0.
    WorkerConfig worker = WorkerConfig.custom().ordering(Ordering.NAIVE).concurrency(1).build();
    WorkerStrategyEngine engine = new NaiveWorkerEngine(spec, worker, runner, c -> mock, life,
        boundedPool ? Workers.platform() : unbounded());
    engine.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> started.getCount() == 0
          && engine.metrics().inFlight() == RECORDS);
      mock.schedulePollTask(() -> mock.rebalance(List.of())); // the partition moves to another member
      // the running record still runs (release not yet counted down): only it is in flight
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().inFlight() == 1);
      assertThat(engine.metrics().assignedPartitions()).isZero();
      assertThat(handled).isEmpty();
      assertThat(began).as("one record runs at a time").hasSize(1);
      if (boundedPool) {
        assertThat(began).as("a fixed pool runs its queue in order").containsExactly(0L);
      }
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().inFlight() == 0);
      assertThat(handled).as("only the running record finished; the nine queued were dropped")
          .containsExactlyElementsOf(began);
    } finally {
      release.countDown();
      engine.close(Duration.ofSeconds(5));
    }
  }

  /** An executor that runs every task at once on a thread of its own, like virtual threads. */
  private static Workers unbounded() {
    return new Workers() {
      @Override
      public ExecutorService start(int concurrency, String name) {
        return Executors.newCachedThreadPool(r -> {
          Thread t = new Thread(r, name + "-worker");
          t.setDaemon(true);
          return t;
        });
      }

      @Override
      public boolean bounded() {
        return false;
      }
    };
  }
}
