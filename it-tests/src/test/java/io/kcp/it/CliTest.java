package io.kcp.it;

import io.kcp.core.EngineConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.SingleThreadConsumer;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import io.kcp.sandbox.KafkaSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kcp} as people use it, against the suite's real broker: the commands work, and bad input
 * gives one clear line on stderr and a non-zero exit, never a stack trace.
 */
@ExtendWith(SharedBroker.class)
class CliTest {
  @TempDir Path dir;

  @Test
  void produceThenAuditAsJson(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("cli-produce");
    Cli.Result produce =
        Cli.run("produce", "-b", kafka.bootstrapServers(), "--topic", topic,
            "--partitions", "4", "--records", "5000", "--keys", "50");
    assertThat(produce.exitCode()).as(produce.err()).isZero();
    assertThat(produce.out()).contains("produced 5,000 records over 50 keys");
    assertThat(produce.err()).contains("produced 5,000 / 5,000");

    Path audit = dir.resolve("audit.tsv");
    try (AuditLog log = AuditLog.open(audit)) {
      ConsumerEngine engine = SingleThreadConsumer.of(EngineConfig.ofDefaults(ConsumerSettings.builder()
              .bootstrapServers(kafka.bootstrapServers()).groupId(topic + "-g").topics(topic).build()),
          Audit.wrap(r -> {}, log));
      engine.start();
      try {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> engine.metrics().recordsHandled() >= 5000);
      } finally {
        engine.close(Duration.ofSeconds(10));
      }
    }

    Cli.Result json = Cli.run("audit", "-b", kafka.bootstrapServers(), "--topic", topic, "--json", audit.toString());
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.out())
        .containsPattern("\"produced\":\\s*5000,")
        .containsPattern("\"handled\":\\s*5000,")
        .containsPattern("\"lost\":\\s*0,")
        .containsPattern("\"duplicates\":\\s*0,")
        .containsPattern("\"order_violations\":\\s*0,");

    Cli.Result strict = Cli.run("audit", "-b", kafka.bootstrapServers(), "--topic", topic, "--strict",
        audit.toString(), audit.toString());
    assertThat(strict.exitCode()).as("the same file twice is 5,000 duplicates").isEqualTo(3);
  }

  @Test
  void unknownOptionIsOneLineAndExitTwo() {
    Cli.Result r = Cli.run("produce", "--topic", "t", "--recrods", "5");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--recrods").doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void invalidValueNamesTheOption() {
    Cli.Result r = Cli.run("produce", "-b", "localhost:1", "--topic", "t", "--records", "-5");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("--records must be a positive number");
  }

  @Test
  void unreachableBrokerIsAClearErrorNotAHang() {
    long t0 = System.nanoTime();
    Cli.Result r = Cli.run("produce", "-b", "127.0.0.1:1", "--topic", "t", "--records", "10");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("127.0.0.1:1").doesNotContain("\tat ");
    assertThat(r.err().lines().count()).isLessThanOrEqualTo(2);
    // a wide bound: the client gives up on its own connect timeout, it does not hang
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(90));
  }

  @Test
  void auditOfAMissingTopicSaysSo(KafkaSandbox kafka) throws Exception {
    Path audit = Files.writeString(dir.resolve("empty.tsv"), "");
    Cli.Result r = Cli.run("audit", "-b", kafka.bootstrapServers(), "--topic", "no-such-topic", audit.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("no-such-topic").contains("does not exist").doesNotContain("\tat ");
  }

  @Test
  void auditOfAMalformedFileNamesTheFile(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("cli-malformed");
    kafka.createTopic(topic, 1, 1);
    Path bad = Files.writeString(dir.resolve("bad.tsv"), "this is not an audit line\nnor this\n");
    Cli.Result r = Cli.run("audit", "-b", kafka.bootstrapServers(), "--topic", topic, bad.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("bad.tsv").doesNotContain("\tat ");
  }

  @Test
  void auditNeedsABrokerAndExistingFiles() {
    Cli.Result noBroker = Cli.run("audit", "--topic", "t", "x.tsv");
    assertThat(noBroker.exitCode()).isEqualTo(1);
    assertThat(noBroker.err()).contains("--bootstrap-server is required");

    Cli.Result noFile = Cli.run("audit", "-b", "localhost:1", "--topic", "t", dir.resolve("nope.tsv").toString());
    assertThat(noFile.exitCode()).isEqualTo(1);
    assertThat(noFile.err()).contains("audit file not found").contains("nope.tsv");
  }
}
