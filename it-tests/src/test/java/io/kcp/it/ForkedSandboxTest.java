package io.kcp.it;

import io.kcp.sandbox.ForkedKafkaSandbox;
import io.kcp.sandbox.KafkaSandbox;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One broker in a child JVM: SIGKILL, restart on the same ports and data, stop, close. */
class ForkedSandboxTest {

  @Test
  void recordsSurviveAKillAndTheBrokerNeverOutlivesTheSandbox() throws Exception {
    long t0 = System.nanoTime();
    ForkedKafkaSandbox kafka = KafkaSandbox.builder().startForked();
    Path dir = kafka.dataDir();
    try {
      TestClients.timing("forked start", t0);
      String bootstrap = kafka.bootstrapServers();
      long firstPid = kafka.pid();
      assertThat(firstPid).isNotEqualTo(ProcessHandle.current().pid());
      assertThat(kafka.isAlive()).isTrue();
      assertThat(kafka.exitCode()).isEmpty();

      kafka.createTopic("durable", 3, 1);
      Map<String, String> sent = TestClients.records(1_000);
      TestClients.produce(bootstrap, "durable", sent);

      kafka.kill();
      assertThat(kafka.isAlive()).isFalse();
      assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(kafka.exitCode()).hasValue(137); // 128 + SIGKILL

      long t1 = System.nanoTime();
      kafka.restart();
      TestClients.timing("forked restart after kill", t1);
      assertThat(kafka.isAlive()).isTrue();
      assertThat(kafka.pid()).isNotEqualTo(firstPid);
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      assertThat(TestClients.consume(bootstrap, "durable", 1_000))
          .containsExactlyInAnyOrderEntriesOf(sent);

      kafka.stop();
      assertThat(kafka.isAlive()).isFalse();
      assertThat(kafka.exitCode()).isPresent();
      assertThat(kafka.exitCode().getAsInt()).isIn(0, 143); // graceful, or 128 + SIGTERM
      String log = Files.readString(dir.resolve("broker.log"), StandardCharsets.UTF_8);
      assertThat(log).contains("Kafka Server started");

      long t2 = System.nanoTime();
      kafka.restart();
      TestClients.timing("forked restart after stop", t2);
      assertThat(kafka.isAlive()).isTrue();
    } finally {
      long lastPid = kafka.pid();
      kafka.close();
      assertThat(ProcessHandle.of(lastPid).filter(ProcessHandle::isAlive))
          .as("close() ends the broker JVM")
          .isEmpty();
    }
    assertThat(dir).doesNotExist();
  }
}
