package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcp.sandbox.KafkaSandbox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Way 2 as a command: {@code kcp lag client} joins the group, consumes and commits, and prints the
 * lag its own {@code KafkaConsumer.metrics()} report next to the committed lag the Admin API reads.
 * On a real broker: the client's first reported lag is within what was produced, its records-lag
 * never exceeds the committed lag (it measures the fetch position, which is at or ahead of the
 * committed one), and both end at exactly 0, with the group's offsets at the log end.
 */
@ExtendWith(SharedBroker.class)
class LagClientCommandTest {
  private static final int PARTITIONS = 4;
  private static final int PER_PARTITION = 500;
  private static final int RECORDS = PARTITIONS * PER_PARTITION;

  @Test
  void theClientsOwnLagGoesToZeroAndMatchesTheCommittedLag(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-client");
    String group = topic + "-g";
    kafka.createTopic(topic, PARTITIONS, 1);
    LagClients.produce(b, topic, PARTITIONS, PER_PARTITION);
    // small fetches (about 20 records each) so the fetch position does not run to the log end at
    // once; --duration only ends a run that never catches up (the assertions then fail)
    Cli.Result r = Cli.run("lag", "client", "-b", b, "--topic", topic, "--group", group, "--interval", "200ms",
        "--until-caught-up", "--duration", "60s", "--handler-latency", "1ms", "--json",
        "--command-property", "max.poll.records=20", "--command-property", "max.partition.fetch.bytes=600");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("kcp lag client: joining group '" + group + "' as a member");

    ObjectMapper json = new ObjectMapper();
    Map<Long, List<JsonNode>> observations = new LinkedHashMap<>();
    for (String line : r.out().split("\n")) {
      JsonNode n = json.readTree(line);
      assertThat(n.get("group").asText()).isEqualTo(group);
      assertThat(n.get("topic").asText()).isEqualTo(topic);
      observations.computeIfAbsent(n.get("elapsed_ms").asLong(), k -> new ArrayList<>()).add(n);
    }
    List<List<JsonNode>> seen = new ArrayList<>(observations.values());
    List<JsonNode> firstReported = seen.stream()
        .filter(o -> o.stream().anyMatch(n -> !n.get("records_lag").isNull())).findFirst().orElseThrow();
    long firstSum = firstReported.stream().filter(n -> !n.get("records_lag").isNull())
        .mapToLong(n -> n.get("records_lag").asLong()).sum();
    List<JsonNode> last = seen.get(seen.size() - 1);
    System.out.printf("LAG-CLIENT %d records, %d observations: first reported records-lag sum %d, last: %s%n",
        RECORDS, seen.size(), firstSum, last);
    assertThat(firstSum).as("the first records-lag reported, summed").isPositive().isLessThanOrEqualTo(RECORDS);

    for (List<JsonNode> o : seen) {
      for (JsonNode n : o) {
        if (!n.get("committed_offset").isNull()) {
          // the command commits after every poll, before it observes: the commit is the position
          assertThat(n.get("committed_offset").asLong()).as(n.toString()).isEqualTo(n.get("position").asLong());
        }
        if (!n.get("records_lag").isNull() && !n.get("committed_lag").isNull()) {
          assertThat(n.get("records_lag").asLong()).as("fetch position at or ahead of the commit: " + n)
              .isLessThanOrEqualTo(n.get("committed_lag").asLong());
          assertThat(n.get("records_lag_max").asLong()).as(n.toString())
              .isGreaterThanOrEqualTo(n.get("records_lag").asLong());
        }
      }
    }
    assertThat(last).hasSize(PARTITIONS).allSatisfy(n -> {
      assertThat(n.get("records_lag").isIntegralNumber()).as(n.toString()).isTrue();
      assertThat(n.get("committed_lag").isIntegralNumber()).as(n.toString()).isTrue();
      assertThat(n.get("records_lag").asLong()).as(n.toString()).isZero();
      assertThat(n.get("committed_lag").asLong()).as(n.toString()).isZero();
      assertThat(n.get("position").asLong()).as(n.toString()).isEqualTo(PER_PARTITION);
    });
    // and the cluster agrees once the command left the group: committed at the log end, exactly
    Map<TopicPartition, Long> end = TestClients.endOffsets(b, topic);
    assertThat(TestClients.committed(b, group)).isEqualTo(end);
    assertThat(end.values()).containsOnly((long) PER_PARTITION);
  }

  @Test
  void badOptionsAreOneLineNamingTheOption(KafkaSandbox kafka) {
    String b = kafka.bootstrapServers();
    Cli.Result noTopic = Cli.run("lag", "client", "-b", b, "--group", "g");
    assertThat(noTopic.exitCode()).isEqualTo(2);
    assertThat(noTopic.err()).contains("Missing required option: '--topic=TOPIC'");
    Cli.Result missing = Cli.run("lag", "client", "-b", b, "--group", "g", "--topic", "no-such-topic-lc");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err().strip())
        .isEqualTo("kcp lag client: no such topic 'no-such-topic-lc' on " + b + " (check --topic)");
    Cli.Result interval = Cli.run("lag", "client", "-b", b, "--group", "g", "--topic", "t", "--interval", "0s");
    assertThat(interval.exitCode()).isEqualTo(1);
    assertThat(interval.err()).contains("--interval must be positive");
    Cli.Result noBroker = Cli.run("lag", "client", "--group", "g", "--topic", "t");
    assertThat(noBroker.exitCode()).isEqualTo(1);
    assertThat(noBroker.err()).contains("--bootstrap-server is required for 'kcp lag client'");
  }
}
