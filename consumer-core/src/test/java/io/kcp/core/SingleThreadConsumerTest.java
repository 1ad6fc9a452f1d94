package io.kcp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The baseline engine on a {@code MockConsumer}: order, commit-after-processing, failure. */
class SingleThreadConsumerTest {
  private static final TopicPartition TP0 = new TopicPartition("orders", 0);
  private static final TopicPartition TP1 = new TopicPartition("orders", 1);

  private final MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
  private final ConsumerSettings settings =
      ConsumerSettings.builder()
          .bootstrapServers("localhost:9092")
          .groupId("g")
          .topics("orders")
          .pollTimeout(Duration.ofMillis(10))
          .build();

  {
    mock.updatePartitions(
        "orders",
        List.of(
            new PartitionInfo("orders", 0, null, new Node[0], new Node[0]),
            new PartitionInfo("orders", 1, null, new Node[0], new Node[0])));
  }

  private void assign(TopicPartition... tps) {
    mock.schedulePollTask(
        () -> {
          mock.rebalance(List.of(tps));
          for (TopicPartition tp : tps) {
            mock.updateBeginningOffsets(Map.of(tp, 0L));
          }
        });
  }

  private void add(TopicPartition tp, long offset, String value) {
    mock.schedulePollTask(
        () ->
            mock.addRecord(
                new ConsumerRecord<>(
                    tp.topic(),
                    tp.partition(),
                    offset,
                    ("k" + offset).getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void handlesInPollOrderAndCommitsTheNextOffsetOnClose() {
    List<String> seen = new CopyOnWriteArrayList<>();
    ConsumerEngine engine =
        Single.builder(settings)
            .handler(r -> seen.add(r.partition() + ":" + r.value()))
            .consumerFactory(config -> mock)
            .build();
    assign(TP0, TP1);
    for (int i = 0; i < 5; i++) {
      add(TP0, i, "a" + i);
      add(TP1, i, "b" + i);
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 10);
    engine.close(Duration.ofSeconds(5));

    assertThat(engine.state()).isEqualTo(EngineState.CLOSED);
    assertThat(seen.stream().filter(s -> s.startsWith("0:")))
        .containsExactly("0:a0", "0:a1", "0:a2", "0:a3", "0:a4");
    assertThat(seen.stream().filter(s -> s.startsWith("1:")))
        .containsExactly("1:b0", "1:b1", "1:b2", "1:b3", "1:b4");
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP0, 5L).containsEntry(TP1, 5L);
    assertThat(engine.metrics().inFlight()).isZero();
  }

  @Test
  void aFailingRecordStopsTheEngineWithoutCommittingPastIt() {
    ConsumerEngine engine =
        Single.builder(settings)
            .handler(
                r -> {
                  if (r.offset() == 3) {
                    throw new IllegalStateException("downstream refused " + r.value());
                  }
                })
            .errorPolicy(ErrorPolicy.failFast())
            .consumerFactory(config -> mock)
            .build();
    assign(TP0);
    for (int i = 0; i < 6; i++) {
      add(TP0, i, "v" + i);
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.state() == EngineState.FAILED);
    engine.close(Duration.ofSeconds(5));

    assertThat(engine.metrics().recordsHandled()).isEqualTo(3);
    assertThat(engine.metrics().recordsFailed()).isEqualTo(1);
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP0, 3L);
    assertThat(engine.metrics().inFlight()).as("the failed record is not in flight any more").isZero();
    assertThat(engine.failure())
        .get()
        .extracting(Throwable::getMessage)
        .asString()
        .contains("orders-0 offset 3", "downstream refused v3");
  }

  @Test
  void aValueThatCannotBeDecodedFailsThatRecordNotThePoll() {
    Deserializer<String> picky =
        (topic, data) -> {
          String s = new String(data, StandardCharsets.UTF_8);
          if (s.equals("garbage")) {
            throw new IllegalArgumentException("cannot decode");
          }
          return s;
        };
    ConsumerEngine engine =
        Single.builder(settings, new StringDeserializer(), picky)
            .handler(r -> {})
            .errorPolicy(ErrorPolicy.failFast())
            .consumerFactory(config -> mock)
            .build();
    assign(TP0);
    add(TP0, 0, "ok");
    add(TP0, 1, "garbage");
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.state() == EngineState.FAILED);
    engine.close(Duration.ofSeconds(5));

    assertThat(engine.metrics().committedOffsets()).containsEntry(TP0, 1L);
    assertThat(engine.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("offset 1", "cannot decode");
  }

  @Test
  void lifecycleMisuseIsReportedClearly() {
    assertThatThrownBy(() -> SingleThreadConsumer.of(EngineConfig.ofDefaults(settings), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("handler");
    assertThatThrownBy(() -> EngineConfig.custom(settings).startupTimeout(Duration.ZERO).build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("startupTimeout must be positive");

    ConsumerEngine engine =
        Single.builder(settings).handler(r -> {}).consumerFactory(c -> mock).build();
    assertThat(engine.state()).isEqualTo(EngineState.NEW);
    engine.start();
    assertThatThrownBy(engine::start).isInstanceOf(IllegalStateException.class);
    engine.close(Duration.ofSeconds(5));
    engine.close(Duration.ofSeconds(5)); // idempotent
    assertThat(engine.state()).isEqualTo(EngineState.CLOSED);

    ConsumerEngine never = Single.builder(settings).handler(r -> {}).build();
    never.close();
    assertThat(never.state()).isEqualTo(EngineState.CLOSED);
  }

  @Test
  void aMissingTopicFailsAtStartNamingIt() {
    ConsumerSettings other = settings.toBuilder().topics("orderz").build();
    ConsumerEngine engine =
        Single.builder(other).handler(r -> {}).consumerFactory(c -> mock).build();
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.state() == EngineState.FAILED);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("[orderz] do not exist", "MissingTopicPolicy.WAIT");
  }

  @Test
  void withWaitAMissingTopicIsAwaitedThenConsumed() {
    ConsumerSettings other = settings.toBuilder().topics("later").build();
    TopicPartition later = new TopicPartition("later", 0);
    ConsumerEngine engine =
        Single.builder(other)
            .handler(r -> {})
            .missingTopics(MissingTopicPolicy.WAIT)
            .consumerFactory(c -> mock)
            .build();
    engine.start();
    assertThat(engine.state()).isIn(EngineState.STARTING, EngineState.RUNNING);
    mock.updatePartitions("later", List.of(new PartitionInfo("later", 0, null, new Node[0], new Node[0])));
    assign(later);
    add(later, 0, "x");
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 1);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.metrics().committedOffsets()).containsEntry(later, 1L);
    assertThat(engine.metrics().topicPartitions()).isEqualTo(1);
  }

  @Test
  void theRecordCountTriggersCommitsBetweenIntervals() {
    ConsumerEngine engine =
        Single.builder(settings)
            .handler(r -> {})
            .commitPolicy(CommitPolicy.builder().interval(Duration.ofHours(1)).everyRecords(10).build())
            .consumerFactory(c -> mock)
            .build();
    assign(TP0);
    for (int i = 0; i < 35; i++) {
      add(TP0, i, "v" + i);
    }
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().recordsHandled() == 35);
    // the interval never fires: only the count did, at 10, 20 and 30 (30 is the last committed)
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().commits() >= 3);
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP0, 30L);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.metrics().committedOffsets()).containsEntry(TP0, 35L);
  }
}
