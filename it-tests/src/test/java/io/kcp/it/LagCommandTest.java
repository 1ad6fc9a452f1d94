package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.sandbox.KafkaSandbox;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kcp lag}, {@code kcp lag watch} and {@code kcp lag evaluate} against the suite's broker:
 * the table and JSON carry the Kafka tool's numbers, a recording replays, the Prometheus endpoint
 * serves the gauges, and bad input is one line on stderr with a non-zero exit.
 */
@ExtendWith(SharedBroker.class)
class LagCommandTest {
  @TempDir Path dir;

  /** A group with no members that committed 40 of 100 records on partition 0 and 100 of 100 on 1. */
  static String restingGroup(KafkaSandbox kafka, String topic) throws Exception {
    String group = topic + "-g";
    kafka.createTopic(topic, 2, 1);
    LagClients.produce(kafka.bootstrapServers(), topic, 2, 100);
    kafka.admin().alterConsumerGroupOffsets(group, Map.of(
            new TopicPartition(topic, 0), new OffsetAndMetadata(40),
            new TopicPartition(topic, 1), new OffsetAndMetadata(100)))
        .all().get();
    return group;
  }

  @Test
  void tableHasTheToolsColumnsPlusTimeLagAndStatusAndJsonHasTheContractKeys(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-cli");
    String group = restingGroup(kafka, topic);

    Cli.Result table = Cli.run("lag", "-b", b, "--group", group, "--samples", "1");
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out().lines().findFirst().orElseThrow().split("\\s+")).containsExactly(
        "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST",
        "CLIENT-ID", "TIME-LAG", "STATUS");
    // one observation of a lagging partition: a one-commit window, STALL by Burrow's rules
    assertThat(table.out()).containsPattern(group + "\\s+" + topic + "\\s+0\\s+40\\s+100\\s+60\\s+-\\s+-\\s+-\\s+\\d+(ms|\\.\\ds)\\s+STALL")
        .containsPattern(group + "\\s+" + topic + "\\s+1\\s+100\\s+100\\s+0\\s+-\\s+-\\s+-\\s+0ms\\s+OK");
    // the Kafka tool's rows and nothing else on stdout; the group's summary on stderr
    assertThat(table.out().strip().lines()).hasSize(3);
    assertThat(table.err()).contains("group " + group + ": EMPTY", "status STALL", "totallag 60");
    Map<String, String> tool = LagClients.describe(b, group);
    assertThat(tool.get(topic + "-0")).isEqualTo("40 100 60 - - -");

    Cli.Result json = Cli.run("lag", "-b", b, "--group", group, "--samples", "2", "--interval", "300ms", "--json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.out()).contains("\"group\":\"" + group + "\"", "\"status\":\"STOP\"", "\"totallag\":60",
        "\"maxlag\":60", "\"complete\":")
        .containsPattern("\"topic\":\"" + topic + "\",\"partition\":0,\"committed_offset\":40,\"log_end_offset\":100,"
            + "\"lag\":60,\"time_lag_ms\":\\d+,.*\"status\":\"STOP\",\"rule\":\"stopped\"")
        .contains("\"partition\":1,\"committed_offset\":100,\"log_end_offset\":100,\"lag\":0,\"time_lag_ms\":0");
  }

  @Test
  void watchRecordsJsonLinesThatEvaluateReplays(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-cli-watch");
    String group = restingGroup(kafka, topic);
    Path rec = dir.resolve("lag.jsonl");

    Cli.Result watch = Cli.run("lag", "watch", "-b", b, "--group", group, "--interval", "300ms", "--count", "3",
        "--window", "3", "--record", rec.toString());
    assertThat(watch.exitCode()).as(watch.err()).isZero();
    assertThat(watch.out()).contains("TREND", "→").containsPattern("status STOP");
    List<String> lines = Files.readAllLines(rec);
    assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("{\"group\":\"" + group + "\""));

    Cli.Result replay = Cli.run("lag", "evaluate", "--window", "3", rec.toString());
    assertThat(replay.exitCode()).as(replay.err()).isZero();
    assertThat(replay.out()).startsWith("{\"status\":\"STOP\"").contains("\"totallag\":60", "\"rule\":\"stopped\"");
    Cli.Result tuned = Cli.run("lag", "evaluate", "--window", "3", "--allowed-lag", "60", rec.toString());
    assertThat(tuned.out()).as("a higher allowed lag calls the same recording OK").startsWith("{\"status\":\"OK\"");
  }

  @Test
  void evaluateReadsAHandWrittenWindow() throws Exception {
    Path w = dir.resolve("window.json");
    Files.writeString(w, "{\"now_ms\": 4000, \"allowed_lag\": 0, \"partitions\": ["
        + "{\"topic\":\"t\",\"partition\":0,\"window\":[{\"offset\":10,\"timestamp_ms\":1000,\"lag\":5},"
        + "{\"offset\":20,\"timestamp_ms\":2000,\"lag\":9},{\"offset\":30,\"timestamp_ms\":3000,\"lag\":12}],"
        + "\"broker_offsets\":[15,29,42]},"
        + "{\"topic\":\"t\",\"partition\":1,\"window\":[{\"offset\":7,\"timestamp_ms\":1000,\"lag\":null}]}]}");
    Cli.Result r = Cli.run("lag", "evaluate", w.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo("{\"status\":\"WARN\",\"complete\":0.5,\"totallag\":12,\"maxlag\":12,\"partitions\":["
        + "{\"topic\":\"t\",\"partition\":0,\"status\":\"WARN\",\"rule\":\"lag_not_decreasing\",\"current_lag\":12,"
        + "\"complete\":true,\"hot\":false,\"hot_reason\":null},"
        + "{\"topic\":\"t\",\"partition\":1,\"status\":\"OK\",\"rule\":\"lag_unknown\",\"current_lag\":null,"
        + "\"complete\":false,\"hot\":false,\"hot_reason\":null}]}");
  }

  @Test
  void theDocsHotPartitionExampleIsHot() {
    // docs/03-consumer-lag.md shows this file's evaluation; keep the two in step
    Cli.Result r = Cli.run("lag", "evaluate", "../docs/examples/hot-partition-window.json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("{\"status\":\"WARN\",\"complete\":1.0,\"totallag\":2105,\"maxlag\":2050")
        .contains("\"partition\":2,\"status\":\"WARN\",\"rule\":\"lag_not_decreasing\",\"current_lag\":2050,"
            + "\"complete\":true,\"hot\":true,\"hot_reason\":\"lag grew from 150 to 2050 over the window")
        .contains("input +2400 records vs a median of +2385 on the others");
  }

  @Test
  void listNamesEveryConsumerGroupOnePerLine(KafkaSandbox kafka) throws Exception {
    String group = restingGroup(kafka, SharedBroker.uniqueName("lag-cli-list"));
    Cli.Result r = Cli.run("lag", "-b", kafka.bootstrapServers(), "--list");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines()).contains(group).allSatisfy(l -> assertThat(l).doesNotContain(" "));
    assertThat(r.out().lines().toList()).isSorted();
  }

  @Test
  void watchServesTheGaugesForPrometheus(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String group = restingGroup(kafka, SharedBroker.uniqueName("lag-cli-prom"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CompletableFuture<Cli.Result> watch = CompletableFuture.supplyAsync(() -> Cli.run("lag", "watch", "-b", b,
        "--group", group, "--interval", "200ms", "--count", "15", "--json", "--prometheus-port", Integer.toString(port),
        "--cluster-name", "it"));
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build();
    String[] body = {""};
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
      body[0] = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
      return body[0].contains("kafka_consumergroup_group_sum_lag");
    });
    // kafka-lag-exporter's names and labels, time lag in seconds, the status as a state set
    String g = "cluster_name=\"it\",group=\"" + group + "\"";
    assertThat(body[0])
        .contains("# TYPE kafka_consumergroup_group_lag gauge")
        .containsPattern("kafka_consumergroup_group_lag\\{[^}]*cluster_name=\"it\"[^}]*group=\"" + group
            + "\"[^}]*partition=\"0\"[^}]*\\} 60\\.0\n")
        .contains("kafka_consumergroup_group_sum_lag{" + g + "} 60.0\n")
        .contains("kafka_consumergroup_group_max_lag{" + g + "} 60.0\n")
        .containsPattern("kafka_consumergroup_group_max_lag_seconds\\{" + g + "\\} \\d+\\.\\d+")
        .containsPattern("kafka_partition_latest_offset\\{cluster_name=\"it\",partition=\"0\",topic=\"[^\"]+\"\\} \\d")
        .contains("kcp_consumergroup_status{" + g + ",status=\"ERR\"} 0.0\n")
        .doesNotContain("_total");
    assertThat(body[0].lines().filter(l -> l.startsWith("kcp_consumergroup_status{"))
        .filter(l -> l.endsWith(" 1.0"))).as("one status at a time").hasSize(1);
    Cli.Result r = watch.get();
    assertThat(r.exitCode()).as(r.err()).isZero();
    // on the loopback address only, unless --bind says otherwise
    assertThat(r.err()).contains("serving lag metrics at http://127.0.0.1:" + port + "/metrics");
  }

  @Test
  void badInputIsOneLineAndNonZero(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    Cli.Result unknown = Cli.run("lag", "-b", b, "--group", "no-such-group-" + System.nanoTime(), "--samples", "1");
    assertOneLine(unknown, 1, "does not exist");

    String group = restingGroup(kafka, SharedBroker.uniqueName("lag-cli-bad"));
    Cli.Result topic = Cli.run("lag", "-b", b, "--group", group, "--topic", "no-such-topic", "--samples", "1");
    assertOneLine(topic, 1, "no such topic 'no-such-topic'");

    Cli.Result unreachable;
    try (ServerSocket s = new ServerSocket(0)) {
      unreachable = Cli.run("lag", "-b", "localhost:" + s.getLocalPort(), "--group", "g", "--timeout", "2s", "--samples", "1");
    }
    assertOneLine(unreachable, 1, "did not answer within 2000 ms");

    assertOneLine(Cli.run("lag", "-b", b, "--group", group, "--minimum-complete", "2"), 1,
        "--minimum-complete must be between 0 and 1 (got 2.0)");

    assertOneLine(Cli.run("lag", "-b", b, "--list", "--group", group), 1, "--list and --group contradict each other");

    Cli.Result noBroker = Cli.run("lag", "--group", "g");
    assertOneLine(noBroker, 1, "--bootstrap-server is required for 'kcp lag'");

    Cli.Result noGroup = Cli.run("lag", "-b", b);
    assertThat(noGroup.exitCode()).isEqualTo(2);
    assertThat(noGroup.err()).contains("--group").doesNotContain("\tat ");

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"now_ms\": 1, \"partitions\": [ {\"topic\": \"t\", ]}");
    assertOneLine(Cli.run("lag", "evaluate", bad.toString()), 1,
        bad + ": line 1, column 46: unexpected character (']' (code 93)): was expecting double-quote to start field name");
    Path rec = dir.resolve("bad.jsonl");
    Files.writeString(rec, "{\"group\":\"g\",\"taken_at_ms\":1,\"partitions\":[]}\n"
        + "{\"group\":\"g\",\"taken_at_ms\":2,\"partitions\":[]}\n"
        + "{\"group\":\"g\",\"taken_at_ms\":3,\"partitions\":[\"a\\x\"]}\n");
    assertOneLine(Cli.run("lag", "evaluate", rec.toString()), 1,
        rec + ": line 3, column 47: unrecognized character escape 'x' (code 120)");
    assertOneLine(Cli.run("lag", "evaluate", dir.resolve("missing.json").toString()), 1, "file not found");
  }

  private static void assertOneLine(Cli.Result r, int exit, String text) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(exit);
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).contains(text).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void clientMetricsSeeThePositionNotTheCommitAndFreezeWhenTheConsumerCloses(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-client-metrics");
    String group = topic + "-g";
    kafka.createTopic(topic, 1, 1);
    LagClients.produce(b, topic, 1, 1000);
    KafkaConsumer<String, String> c = LagClients.consumer(b, group, "classic", 100);
    List<io.kcp.lag.ClientLagMetrics.Partition> metrics;
    try {
      c.subscribe(List.of(topic));
      LagClients.awaitAssigned(c, 1);
      c.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(100)));
      // read on to offset 1000 without committing: the position runs ahead of the commit
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        c.poll(Duration.ofMillis(100));
        return c.position(new TopicPartition(topic, 0)) == 1000;
      });
      metrics = io.kcp.lag.ClientLagMetrics.read(c.metrics());
      try (io.kcp.lag.ConsumerLag lag = io.kcp.lag.ConsumerLag.builder().bootstrapServers(b).timeLag(false).build()) {
        long committedLag = lag.snapshot(group).totalLag();
        System.out.println("METRICS while running: records-lag " + metrics.get(0).recordsLag()
            + ", records-lag-max " + metrics.get(0).recordsLagMax() + ", records-lead-min " + metrics.get(0).recordsLeadMin()
            + "; committed lag (Admin) " + committedLag);
        assertThat(committedLag).isEqualTo(900);
      }
    } finally {
      c.close();
    }
    assertThat(metrics).singleElement().satisfies(p -> {
      assertThat(p.topic()).isEqualTo(topic);
      assertThat(p.recordsLag()).as("position-based: nothing left to fetch").isEqualTo(0.0);
      assertThat(p.recordsLagMax()).isNotNull().isGreaterThan(0.0);
      assertThat(p.recordsLeadMin()).isNotNull();
    });
    // the consumer is gone; more input arrives: its last metrics are frozen, the committed lag grows
    LagClients.produce(b, topic, 1, 500);
    List<io.kcp.lag.ClientLagMetrics.Partition> afterClose = io.kcp.lag.ClientLagMetrics.read(c.metrics());
    try (io.kcp.lag.ConsumerLag lag = io.kcp.lag.ConsumerLag.builder().bootstrapServers(b).timeLag(false).build()) {
      long committedLag = lag.snapshot(group).totalLag();
      System.out.println("METRICS after close and 500 more records: records-lag " + afterClose.get(0).recordsLag()
          + "; committed lag (Admin) " + committedLag);
      assertThat(committedLag).isEqualTo(1400);
    }
    assertThat(afterClose).singleElement().extracting(io.kcp.lag.ClientLagMetrics.Partition::recordsLag)
        .as("a closed consumer's records-lag is frozen at its last value").isEqualTo(0.0);
  }
}
