package io.kcp.worker.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.CommitPolicy;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.EngineListener;
import io.kcp.core.spi.DecodingHandler;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategyEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The revoke drain's bound, on the engine's own clock: a test component binds a manual clock and a
 * {@code MockConsumer}, so a ten-minute drain timeout is tested by moving the clock, not waiting.
 */
class WorkerDrainTest {
  private static final TopicPartition TP0 = new TopicPartition("orders", 0);
  private static final TopicPartition TP1 = new TopicPartition("orders", 1);

  @Test
  void aRevokeWaitsForTheRunningRecordUntilTheDrainTimeoutOnTheEnginesClock() throws Exception {
    MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
    mock.updatePartitions("orders", List.of(
        new PartitionInfo("orders", 0, null, new Node[0], new Node[0]),
        new PartitionInfo("orders", 1, null, new Node[0], new Node[0])));
    mock.schedulePollTask(() -> {
      mock.rebalance(List.of(TP0, TP1));
      mock.updateBeginningOffsets(Map.of(TP0, 0L, TP1, 0L));
      for (int i = 0; i < 5; i++) {
        mock.addRecord(new ConsumerRecord<>("orders", 0, i, ("k" + i).getBytes(StandardCharsets.UTF_8),
            "v".getBytes(StandardCharsets.UTF_8)));
      }
    });
    ManualClock clock = new ManualClock();
    AtomicReference<Duration> drained = new AtomicReference<>();
    Duration drainTimeout = Duration.ofMinutes(10);
    EngineConfig config = EngineConfig.custom(ConsumerSettings.builder().bootstrapServers("localhost:9092")
            .groupId("g").topics("orders").pollTimeout(Duration.ofMillis(10)).build())
        .drainTimeout(drainTimeout)
        .commitPolicy(CommitPolicy.builder().interval(Duration.ofHours(1)).build())
        .listener(new EngineListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions, Duration took) {
            drained.set(took);
          }
        })
        .build();
    CountDownLatch release = new CountDownLatch(1);
    DecodingHandler handler = DecodingHandler.ofStrings(r -> {
      if (r.offset() == 0) {
        release.await(1, TimeUnit.MINUTES); // runs through the whole revoke
      }
    });
    WorkerStrategyEngine engine = DaggerTestWorkerComponent.factory()
        .create(new PollLoopSpec(config, handler, "drain-test", 0, Optional.empty()),
            WorkerConfig.custom().ordering(Ordering.UNORDERED).concurrency(2).build(), mock, clock)
        .engine();
    engine.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 4);
      mock.schedulePollTask(() -> mock.rebalance(List.of(TP1))); // TP0 is revoked
      // the poll thread is in the drain, waiting for offset 0 on a clock that does not move
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> drained.get() == null);
      clock.advance(drainTimeout);
      await().atMost(Duration.ofSeconds(5)).until(() -> drained.get() != null);
      assertThat(drained.get()).isGreaterThanOrEqualTo(drainTimeout);
      // offset 0 never finished: the revoke committed nothing past it
      assertThat(mock.committed(Set.of(TP0)).get(TP0).offset()).isZero();
      assertThat(engine.metrics().inFlight()).isZero();
    } finally {
      release.countDown();
      engine.close(Duration.ofSeconds(5));
    }
  }
}
