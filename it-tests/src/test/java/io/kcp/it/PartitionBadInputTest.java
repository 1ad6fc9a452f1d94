package io.kcp.it;

import io.kcp.partition.PartitionConfig;
import io.kcp.core.EngineConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineState;
import io.kcp.core.InvalidSettingsException;
import io.kcp.core.MissingTopicPolicy;
import io.kcp.partition.PartitionStrategy;
import io.kcp.partition.PartitionStrategyEngine;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input gives a clear error and leaves no thread behind: a missing topic (fail, or wait and
 * then consume), an unreachable broker, a missing group id, zero threads.
 */
@ExtendWith(SharedBroker.class)
class PartitionBadInputTest {

  private static ConsumerSettings settings(String bootstrap, String group, String topic) {
    return ConsumerSettings.builder().bootstrapServers(bootstrap).groupId(group).topics(topic).build();
  }

  /** No thread of this engine (named after its group) is alive any more. */
  private static void noThreadsLeft(String group) {
    await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("kcp-partition-" + group)));
  }

  @Test
  void aMissingTopicFailsTheEngineWithItsName(KafkaSandbox kafka) {
    String group = SharedBroker.uniqueName("missing-fail");
    PartitionStrategyEngine engine = PartitionStrategy.of(
        EngineConfig.ofDefaults(settings(kafka.bootstrapServers(), group, "no-such-topic")),
        PartitionConfig.ofThreads(3), r -> {});
    engine.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> engine.state() == EngineState.FAILED);
    engine.close(Duration.ofSeconds(10));
    assertThat(engine.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("[no-such-topic] do not exist", "MissingTopicPolicy.WAIT");
    assertThat(engine.metrics().restarts()).isZero();
    noThreadsLeft(group);
  }

  @Test
  void withWaitTheEngineConsumesOnceTheTopicAppears(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("appears-later");
    String group = SharedBroker.uniqueName("missing-wait");
    AtomicLong handled = new AtomicLong();
    PartitionStrategyEngine engine = PartitionStrategy.of(
        EngineConfig.custom(settings(kafka.bootstrapServers(), group, topic))
            .missingTopics(MissingTopicPolicy.WAIT).build(),
        PartitionConfig.ofThreads(2), r -> handled.incrementAndGet());
    engine.start();
    try {
      assertThat(engine.state()).isNotEqualTo(EngineState.FAILED);
      Workload.builder(kafka.bootstrapServers(), topic).partitions(2).records(500).keys(10).run();
      await().atMost(Duration.ofSeconds(60)).until(() -> handled.get() >= 500);
    } finally {
      engine.close(Duration.ofSeconds(10));
    }
    assertThat(engine.state()).isEqualTo(EngineState.CLOSED);
    noThreadsLeft(group);
  }

  @Test
  void anUnreachableBrokerFailsWithinTheStartupTimeout() throws IOException {
    String dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = "127.0.0.1:" + s.getLocalPort();
    }
    String group = SharedBroker.uniqueName("unreachable");
    PartitionStrategyEngine engine = PartitionStrategy.of(
        EngineConfig.custom(settings(dead, group, "t")).startupTimeout(Duration.ofSeconds(3)).build(),
        PartitionConfig.ofThreads(2), r -> {});
    long t0 = System.nanoTime();
    engine.start();
    // wide bound: 3 s startup timeout, then the engine stops by itself
    await().atMost(Duration.ofSeconds(30)).until(() -> engine.state() == EngineState.FAILED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    engine.close(Duration.ofSeconds(5));
    assertThat(engine.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("cannot reach Kafka at " + dead, "within 3 s");
    noThreadsLeft(group);
  }

  @Test
  void missingGroupIdAndZeroThreadsAreRejectedBeforeAnythingStarts() {
    assertThatThrownBy(() -> ConsumerSettings.builder().bootstrapServers("localhost:9092").topics("t").build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("groupId");
    assertThatThrownBy(() -> PartitionConfig.custom().threads(0).build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("threads must be at least 1 (got 0)");
    Cli.Result cli = Cli.run("consume", "-b", "localhost:9092", "--threads", "-1");
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("--threads must be a positive number").doesNotContain("\tat ");
  }
}
