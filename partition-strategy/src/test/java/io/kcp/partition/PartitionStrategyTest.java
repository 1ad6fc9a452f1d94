package io.kcp.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.GroupProtocol;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.EngineState;
import io.kcp.core.InvalidSettingsException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Supervision and validation of the consumer-per-thread engine, on {@code MockConsumer}s. */
class PartitionStrategyTest {
  private final ConsumerSettings settings =
      ConsumerSettings.builder()
          .bootstrapServers("localhost:9092")
          .groupId("g")
          .topics("orders")
          .pollTimeout(Duration.ofMillis(10))
          .build();

  private final List<MockConsumer<byte[], byte[]>> created = new CopyOnWriteArrayList<>();

  /** Each consumer gets one partition (its creation order) holding {@code values}. */
  private MockConsumer<byte[], byte[]> consumerFor(int partition, List<String> values) {
    MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
    mock.updatePartitions("orders",
        List.of(new PartitionInfo("orders", partition, null, new Node[0], new Node[0])));
    TopicPartition tp = new TopicPartition("orders", partition);
    mock.schedulePollTask(() -> {
      mock.rebalance(List.of(tp));
      mock.updateBeginningOffsets(Map.of(tp, 0L));
      for (int i = 0; i < values.size(); i++) {
        mock.addRecord(new ConsumerRecord<>("orders", partition, i, new byte[0],
            values.get(i).getBytes(StandardCharsets.UTF_8)));
      }
    });
    created.add(mock);
    return mock;
  }

  @Test
  void aFailedThreadIsRestartedWhileTheOthersKeepConsuming() {
    AtomicInteger creations = new AtomicInteger();
    List<String> handled = new CopyOnWriteArrayList<>();
    PartitionStrategyEngine engine =
        PartitionStrategy.of(
            EngineConfig.custom(settings)
                .errorPolicy(ErrorPolicy.failFast())
                .consumerFactory(config -> {
                  int n = creations.getAndIncrement();
                  String clientId = (String) config.get("client.id");
                  if (clientId.endsWith("-0")) {
                    // slot 0: first life fails on its second record; second life is healthy
                    return n == 0 ? consumerFor(0, List.of("a", "poison-once", "c"))
                        : consumerFor(0, List.of("fine"));
                  }
                  return consumerFor(1, List.of("x", "y", "z"));
                })
                .build(),
            PartitionConfig.custom().threads(2)
                .restartBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).build(),
            r -> {
              if (r.value().equals("poison-once")) {
                throw new IllegalStateException("downstream down");
              }
              handled.add(r.partition() + ":" + r.value());
            });
    engine.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().restarts() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.state() == EngineState.RUNNING);
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("0:fine"));
    engine.close(Duration.ofSeconds(5));

    assertThat(handled).contains("0:a", "1:x", "1:y", "1:z").doesNotContain("0:c");
    assertThat(engine.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("orders-0 offset 1", "downstream down");
    assertThat(engine.metrics().recordsFailed()).isEqualTo(1);
    assertThat(engine.metrics().recordsHandled()).isEqualTo(5);
    assertThat(engine.threads()).isEqualTo(2);
    assertThat(engine.threadMetrics()).hasSize(2);
    assertThat(engine.state()).isEqualTo(EngineState.CLOSED);
  }

  @Test
  void eachThreadGetsItsOwnClientIdAssignorAndOptionallyInstanceId() {
    List<Map<String, Object>> configs = new CopyOnWriteArrayList<>();
    PartitionStrategyEngine engine =
        PartitionStrategy.of(
            EngineConfig.custom(settings)
                .instanceId("pod-7")
                .consumerFactory(config -> {
                  configs.add(config);
                  return consumerFor(configs.size() - 1, List.of());
                })
                .build(),
            PartitionConfig.ofThreads(3),
            r -> {});
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> configs.size() == 3);
    engine.close(Duration.ofSeconds(5));

    assertThat(configs).extracting(c -> c.get("client.id"))
        .containsExactlyInAnyOrder("kcp-g-0", "kcp-g-1", "kcp-g-2");
    assertThat(configs).extracting(c -> c.get("group.instance.id"))
        .containsExactlyInAnyOrder("pod-7-0", "pod-7-1", "pod-7-2");
    assertThat(configs).extracting(c -> c.get("partition.assignment.strategy"))
        .containsOnly("org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
  }

  @Test
  void theConsumerProtocolSetsGroupProtocolAndNoAssignor() {
    List<Map<String, Object>> configs = new CopyOnWriteArrayList<>();
    PartitionStrategyEngine engine =
        PartitionStrategy.of(
            EngineConfig.custom(settings)
                .groupProtocol(GroupProtocol.CONSUMER)
                .consumerFactory(config -> {
                  configs.add(config);
                  return consumerFor(0, List.of());
                })
                .build(),
            PartitionConfig.ofDefaults(),
            r -> {});
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> configs.size() == 1);
    engine.close(Duration.ofSeconds(5));
    assertThat(configs.get(0)).containsEntry("group.protocol", "consumer")
        .doesNotContainKey("partition.assignment.strategy");
  }

  @Test
  void aStartFailureFailsTheWholeEngineInsteadOfRestarting() {
    PartitionStrategyEngine engine =
        PartitionStrategy.of(
            EngineConfig.custom(settings.toBuilder().topics("missing").build())
                .consumerFactory(config -> consumerFor(0, List.of()))
                .build(),
            PartitionConfig.ofThreads(2),
            r -> {});
    engine.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.state() == EngineState.FAILED);
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.metrics().restarts()).isZero();
    assertThat(engine.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("[missing] do not exist");
  }

  @Test
  void badSettingsAreListedWithTheirFix() {
    assertThatThrownBy(() -> PartitionConfig.custom().threads(0).build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("threads must be at least 1 (got 0)");
    assertThatThrownBy(() -> EngineConfig.custom(settings)
            .groupProtocol(GroupProtocol.CONSUMER).assignor("x.Y").build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("assignor applies to the classic protocol only");
    assertThatThrownBy(() -> EngineConfig.custom(
                settings.toBuilder().property("group.instance.id", "same").build()).build())
        .hasMessageContaining("group.instance.id must differ per consumer");
  }
}
