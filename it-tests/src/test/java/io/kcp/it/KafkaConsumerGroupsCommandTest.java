package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.sandbox.KafkaSandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Way 1 with nothing installed: {@code kcp kafka-consumer-groups ARGS...} runs Kafka's own
 * {@code ConsumerGroupCommand} with the arguments unchanged. Its {@code --describe} table has the
 * same rows as {@code kcp lag}'s first nine columns; the tool's own errors and exit codes come
 * through, and its {@code Exit.exit} does not end the JVM (this test runs in it).
 */
@ExtendWith(SharedBroker.class)
class KafkaConsumerGroupsCommandTest {
  private static final int PARTITIONS = 4;


  @Test
  void describeHasTheSameRowsAsKcpLagForALiveGroupAndTheSameGroupAtRest(KafkaSandbox kafka) {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("kcg");
    String group = topic + "-g";
    kafka.createTopic(topic, PARTITIONS, 1);
    LagClients.produce(b, topic, PARTITIONS, 300);
    try (KafkaConsumer<String, String> c = LagClients.consumer(b, group, "classic", 100)) {
      c.subscribe(List.of(topic));
      LagClients.awaitAssigned(c, PARTITIONS);
      for (int i = 0; i < 3; i++) {
        c.poll(Duration.ofMillis(500));
        c.commitSync();
      }
      assertSameRows(b, group, true);
    }
    assertSameRows(b, group, false);
  }

  private static void assertSameRows(String b, String group, boolean live) {
    Cli.Result tool = Cli.run("kafka-consumer-groups", "--bootstrap-server", b, "--describe", "--group", group);
    Cli.Result lag = Cli.run("lag", "-b", b, "--group", group, "--samples", "1", "--time-lag", "none");
    System.out.printf("KAFKA-CONSUMER-GROUPS %s:%n%s%nKCP-LAG:%n%s%n", live ? "live" : "at rest", tool.out(), lag.out());
    assertThat(tool.exitCode()).as(tool.err()).isZero();
    assertThat(lag.exitCode()).as(lag.err()).isZero();
    Map<String, String> toolRows = LagClients.rows(tool.out(), group);
    assertThat(toolRows).hasSize(PARTITIONS);
    assertThat(toolRows.values()).allSatisfy(row -> assertThat(row.startsWith("- ")).isFalse());
    if (live) {
      assertThat(toolRows.values()).allSatisfy(row -> assertThat(row).doesNotEndWith("- - -"));
    } else {
      assertThat(toolRows.values()).allSatisfy(row -> assertThat(row).endsWith("- - -"));
      assertThat(tool.err()).contains("Consumer group '" + group + "' has no active members.");
    }
    assertThat(LagClients.rows(lag.out(), group)).isEqualTo(toolRows);
  }

  @Test
  void theToolsOwnErrorsAndExitCodesComeThrough(KafkaSandbox kafka) {
    String b = kafka.bootstrapServers();
    // a missing option: the tool's message and its usage, exit 1 (Exit.exit(1)), and this JVM lives on
    Cli.Result noGroup = Cli.run("kafka-consumer-groups", "--bootstrap-server", b, "--describe");
    assertThat(noGroup.exitCode()).isEqualTo(1);
    assertThat(noGroup.err()).contains("Option [describe] takes one of these options: [")
        .contains("--bootstrap-server <String: server to");
    // an option the tool does not know: its parser's message on one line, with where to look
    Cli.Result unknown = Cli.run("kafka-consumer-groups", "--bootstrap-server", b, "--list", "--no-such-option");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err().strip()).isEqualTo("kcp kafka-consumer-groups: no-such-option is not a recognized"
        + " option: see 'kcp kafka-consumer-groups --help' for the tool's options");
    // --help is the tool's own (which ends with exit code 1, as kafka-consumer-groups.sh does)
    Cli.Result help = Cli.run("kafka-consumer-groups", "--help");
    assertThat(help.exitCode()).isEqualTo(1);
    assertThat(help.err()).contains("This tool helps to list all consumer groups, describe a consumer group")
        .contains("--reset-offsets").doesNotContain("Usage: kcp");
    // a failed action: the tool prints "Error: ..." and returns; kcp says so with exit code 1
    String missing = SharedBroker.uniqueName("kcg-no-such-group");
    Cli.Result notFound = Cli.run("kafka-consumer-groups", "--bootstrap-server", b, "--describe", "--group", missing);
    assertThat(notFound.exitCode()).isEqualTo(1);
    assertThat(notFound.out()).contains("Error: Executing consumer group command failed due to"
        + " org.apache.kafka.common.errors.GroupIdNotFoundException: Group " + missing + " not found.");
    // and the next run works: the exit procedure was put back in between
    Cli.Result list = Cli.run("kafka-consumer-groups", "--bootstrap-server", b, "--list");
    assertThat(list.exitCode()).as(list.err()).isZero();
  }
}
