package io.kcp.core.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.CommitPolicy;
import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.spi.DecodingHandler;
import io.kcp.core.spi.PollLoopSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Commits of the single-thread loop through its test component: the commit interval on the
 * engine's own clock (an hour crossed by moving a manual clock), and the final commit of a close
 * that finds the group rebalancing.
 */
class CommitIntervalTest {
  private static final TopicPartition TP = new TopicPartition("orders", 0);

  @Test
  void finishedRecordsAreCommittedWhenTheIntervalPassesOnTheEnginesClock() {
    MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
    mock.updatePartitions("orders", List.of(new PartitionInfo("orders", 0, null, new Node[0], new Node[0])));
    mock.schedulePollTask(() -> {
      mock.rebalance(List.of(TP));
      mock.updateBeginningOffsets(Map.of(TP, 0L));
      for (int i = 0; i < 3; i++) {
        mock.addRecord(new ConsumerRecord<>("orders", 0, i, new byte[0], "v".getBytes(StandardCharsets.UTF_8)));
      }
    });
    AtomicLong now = new AtomicLong(1_000_000_000L);
    EngineConfig config = EngineConfig.custom(ConsumerSettings.builder().bootstrapServers("localhost:9092")
            .groupId("g").topics("orders").pollTimeout(Duration.ofMillis(10)).build())
        .commitPolicy(CommitPolicy.builder().interval(Duration.ofHours(1)).everyRecords(1_000).build())
        .build();
    ConsumerEngine engine = DaggerTestSingleThreadComponent.factory()
        .create(new PollLoopSpec(config, DecodingHandler.ofStrings(r -> { }), "interval-test", 0, Optional.empty()),
            mock, now::get)
        .engine();
    engine.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 3);
      // nothing committed while the engine's clock stands still (three records, an hour's interval)
      await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
          .until(() -> engine.metrics().commits() == 0);
      now.addAndGet(Duration.ofHours(1).toNanos());
      await().atMost(Duration.ofSeconds(5)).until(() -> engine.metrics().commits() == 1);
      assertThat(mock.committed(Set.of(TP)).get(TP).offset()).isEqualTo(3);
    } finally {
      engine.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void theFinalCommitOfACloseGoesThroughARebalanceInProgress() {
    AtomicLong refused = new AtomicLong();
    AtomicLong committedOffset = new AtomicLong(-1);
    MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest") {
      @Override
      public synchronized void commitSync(Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets,
          Duration timeout) {
        if (refused.getAndIncrement() < 2) { // the group is rebalancing: the broker refuses twice
          throw new org.apache.kafka.common.errors.RebalanceInProgressException();
        }
        super.commitSync(offsets, timeout);
        committedOffset.set(offsets.get(TP).offset());
      }
    };
    mock.updatePartitions("orders", List.of(new PartitionInfo("orders", 0, null, new Node[0], new Node[0])));
    mock.schedulePollTask(() -> {
      mock.rebalance(List.of(TP));
      mock.updateBeginningOffsets(Map.of(TP, 0L));
      for (int i = 0; i < 3; i++) {
        mock.addRecord(new ConsumerRecord<>("orders", 0, i, new byte[0], "v".getBytes(StandardCharsets.UTF_8)));
      }
    });
    EngineConfig config = EngineConfig.custom(ConsumerSettings.builder().bootstrapServers("localhost:9092")
            .groupId("g").topics("orders").pollTimeout(Duration.ofMillis(10)).build())
        .commitPolicy(CommitPolicy.builder().interval(Duration.ofHours(1)).everyRecords(1_000).build())
        .build();
    ConsumerEngine engine = DaggerTestSingleThreadComponent.factory()
        .create(new PollLoopSpec(config, DecodingHandler.ofStrings(r -> { }), "final-commit-test", 0,
            Optional.empty()), mock, System::nanoTime)
        .engine();
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 3);
    engine.close(Duration.ofSeconds(5));
    assertThat(refused.get()).isEqualTo(3); // two refusals, then the commit that went through
    assertThat(committedOffset.get()).isEqualTo(3);
    assertThat(engine.metrics().commitFailures()).isEqualTo(2);
    assertThat(engine.state()).isEqualTo(io.kcp.core.EngineState.CLOSED);
  }
}
