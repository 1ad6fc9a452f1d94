package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagReport;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.sandbox.KafkaSandbox;
import java.awt.image.BufferedImage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kcp lag serve} against the suite's broker: the Burrow-shaped JSON carries, field by field,
 * what a {@link LagMonitor} of the same group sees; unknown groups and clusters are 404 JSON with a
 * message; the offsets detail and the cluster endpoints carry Burrow's shapes; every endpoint answers
 * HEAD and refuses other methods with 405; {@code /metrics} parses as Prometheus text; the history stays within {@code --history};
 * without {@code --group} every group is served; and nothing can be changed over HTTP.
 */
@ExtendWith(SharedBroker.class)
class LagServeTest {
  static final int WINDOW = 3;
  static final String INTERVAL = "300ms";

  /**
   * A group whose one live member owns both partitions of {@code topic} (100 records each) and
   * committed 40 on partition 0 and 100 on partition 1, then stopped committing: lag 60 and 0.
   */
  static KafkaConsumer<String, String> stuckMember(KafkaSandbox kafka, String topic, String group) throws Exception {
    kafka.createTopic(topic, 2, 1);
    LagClients.produce(kafka.bootstrapServers(), topic, 2, 100);
    KafkaConsumer<String, String> c = LagClients.consumer(kafka.bootstrapServers(), group, "classic", 10);
    c.subscribe(List.of(topic));
    LagClients.awaitAssigned(c, 2);
    c.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(40),
        new TopicPartition(topic, 1), new OffsetAndMetadata(100)));
    return c;
  }

  @Test
  void lagAndStatusMatchTheMonitorFieldByField(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-serve");
    String group = topic + "-g";
    try (KafkaConsumer<String, String> member = stuckMember(kafka, topic, group);
        LagServe serve = new LagServe("-b", b, "--group", group, "--interval", INTERVAL, "--window",
            Integer.toString(WINDOW), "--no-time-lag");
        ConsumerLag lag = ConsumerLag.builder().bootstrapServers(b).timeLag(false).build();
        LagMonitor monitor = LagMonitor.builder(group).source(lag).windowSize(WINDOW).build()) {
      // the server's window fills: an owned partition whose offset does not move is STALL
      JsonNode[] status = new JsonNode[1];
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
        LagServe.Response r = serve.get("/v3/kafka/local/consumer/" + group + "/lag");
        status[0] = r.code() == 200 ? r.json() : null;
        return status[0] != null && status[0].at("/status/complete").asDouble() == 1.0;
      });
      // the monitor's own window, over the same group
      LagReport mine = null;
      for (int i = 0; i < WINDOW; i++) {
        mine = monitor.observe();
      }
      LagSnapshot snap = mine.snapshot();
      JsonNode root = serve.get("/v3/kafka/local/consumer/" + group + "/lag").json();
      assertThat(root.get("error").asBoolean()).isFalse();
      assertThat(root.get("message").asText()).isEqualTo("consumer status returned"); // Burrow's, for /lag too
      assertThat(root.at("/request/url").asText()).isEqualTo("/v3/kafka/local/consumer/" + group + "/lag");
      JsonNode s = root.get("status");
      assertThat(s.get("cluster").asText()).isEqualTo("local");
      assertThat(s.get("group").asText()).isEqualTo(group);
      // Burrow's group status: a STALL partition makes the group ERR; the partition keeps STALL
      assertThat(s.get("status").asText()).isEqualTo(mine.evaluation().burrowStatus().name()).isEqualTo("ERR");
      assertThat(s.get("complete").asDouble()).isEqualTo(mine.evaluation().complete()).isEqualTo(1.0);
      assertThat(s.get("partition_count").asInt()).isEqualTo(snap.partitions().size()).isEqualTo(2);
      assertThat(s.get("totallag").asLong()).isEqualTo(snap.totalLag()).isEqualTo(60);
      assertThat(s.at("/maxlag/current_lag").asLong()).isEqualTo(snap.maxLag()).isEqualTo(60);
      assertThat(s.at("/maxlag/partition").asInt()).isZero();
      assertThat(s.get("partitions")).hasSize(2);
      for (int i = 0; i < 2; i++) {
        JsonNode p = s.get("partitions").get(i);
        PartitionLag expected = snap.partitions().get(i);
        assertThat(p.get("topic").asText()).isEqualTo(expected.topic());
        assertThat(p.get("partition").asInt()).isEqualTo(expected.partition());
        assertThat(p.get("owner").asText()).isEqualTo(expected.owner().orElseThrow().host()).startsWith("/");
        assertThat(p.get("client_id").asText()).isEqualTo(expected.owner().orElseThrow().clientId())
            .isEqualTo(group + "-client");
        assertThat(p.get("current_lag").asLong()).isEqualTo(expected.lag().getAsLong());
        assertThat(p.get("status").asText())
            .isEqualTo(mine.verdict(expected.topic(), expected.partition()).orElseThrow().status().name());
        assertThat(p.at("/end/offset").asLong()).isEqualTo(expected.committedOffset().getAsLong());
        assertThat(p.at("/end/lag").asLong()).isEqualTo(expected.lag().getAsLong());
        assertThat(p.at("/start/offset").asLong()).isEqualTo(expected.committedOffset().getAsLong());
        assertThat(p.at("/start/timestamp").asLong()).as("a full window spans the interval")
            .isLessThan(p.at("/end/timestamp").asLong());
        assertThat(p.get("complete").asDouble()).isEqualTo(1.0);
      }
      assertThat(s.at("/partitions/0/status").asText()).isEqualTo("STALL");
      assertThat(s.at("/partitions/1/status").asText()).isEqualTo("OK");

      // /status lists only the partitions that are not OK, as Burrow does, with the same totals
      JsonNode st = serve.get("/v3/kafka/local/consumer/" + group + "/status").json();
      assertThat(st.get("message").asText()).isEqualTo("consumer status returned");
      assertThat(st.at("/status/partitions")).hasSize(1);
      assertThat(st.at("/status/partitions/0/partition").asInt()).isZero();
      assertThat(st.at("/status/partition_count").asInt()).isEqualTo(2);
      assertThat(st.at("/status/totallag").asLong()).isEqualTo(60);

      JsonNode list = serve.get("/v3/kafka/local/consumer").json();
      assertThat(list.get("error").asBoolean()).isFalse();
      assertThat(list.get("consumers")).extracting(JsonNode::asText).containsExactly(group);

      // the offsets detail: per topic, per partition (indexed by number) the window as Burrow's ring
      JsonNode detail = serve.get("/v3/kafka/local/consumer/" + group).json();
      assertThat(detail.get("message").asText()).isEqualTo("consumer detail returned");
      assertThat(detail.at("/request/url").asText()).isEqualTo("/v3/kafka/local/consumer/" + group);
      assertThat(detail.get("topics").size()).isEqualTo(1);
      JsonNode parts = detail.at("/topics/" + topic);
      assertThat(parts).hasSize(2);
      for (int i = 0; i < 2; i++) {
        PartitionLag expected = snap.partitions().get(i);
        JsonNode p = parts.get(i);
        assertThat(p.get("offsets")).as("a full window: %d entries, none null", WINDOW).hasSize(WINDOW)
            .allSatisfy(o -> assertThat(o.get("offset").asLong()).isEqualTo(expected.committedOffset().getAsLong()));
        assertThat(p.get("owner").asText()).isEqualTo(expected.owner().orElseThrow().host());
        assertThat(p.get("client_id").asText()).isEqualTo(group + "-client");
        assertThat(p.get("current-lag").asLong()).isEqualTo(expected.lag().getAsLong());
      }
      assertThat(parts.at("/0/offsets/" + (WINDOW - 1) + "/lag").asLong()).isEqualTo(60);

      // the cluster list and the cluster detail
      assertThat(serve.get("/v3/kafka").json().get("clusters")).extracting(JsonNode::asText).containsExactly("local");
      JsonNode cluster = serve.get("/v3/kafka/local").json();
      assertThat(cluster.get("message").asText()).isEqualTo("cluster module detail returned");
      assertThat(cluster.at("/module/class-name").asText()).isEqualTo("kafka");
      assertThat(cluster.at("/module/servers")).extracting(JsonNode::asText).containsExactly(b);
      assertThat(cluster.at("/module/offset-refresh").asLong()).as("300 ms, in whole seconds rounded up").isEqualTo(1);

      // HEAD: the same status and headers, no body
      for (String path : List.of("/", "/v3/kafka", "/v3/kafka/local", "/v3/kafka/local/consumer/" + group,
          "/v3/kafka/local/consumer/" + group + "/lag", "/metrics", "/healthz")) {
        LagServe.Response head = serve.send("HEAD", path);
        assertThat(head.code()).as(path).isEqualTo(200);
        assertThat(head.contentType()).as(path).isEqualTo(serve.get(path).contentType());
        assertThat(head.body()).as(path).isEmpty();
      }
      assertThat(member.assignment()).as("the owner the JSON names is still the member").hasSize(2);
      Cli.Result r = serve.stop();
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.err()).contains("kcp lag serve: http://127.0.0.1:" + serve.port + "/", "kcp lag serve: stopped");
    }
  }

  @Test
  void unknownGroupOrClusterIs404JsonWithAMessageAndNothingChangesOverHttp(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-serve-404");
    String group = topic + "-g";
    String missing = "no-such-group-" + System.nanoTime();
    try (KafkaConsumer<String, String> member = stuckMember(kafka, topic, group);
        LagServe serve = new LagServe("-b", b, "--group", group, "--group", missing, "--interval", INTERVAL,
            "--cluster-name", "prod-eu", "--no-time-lag")) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> serve.get("/v3/kafka/prod-eu/consumer/" + group + "/lag").code() == 200);

      LagServe.Response unknown = serve.get("/v3/kafka/prod-eu/consumer/" + missing + "/lag");
      assertThat(unknown.code()).isEqualTo(404);
      assertThat(unknown.contentType()).startsWith("application/json");
      // as Burrow: a 404 whose body is a status, not an error, with the group status NOTFOUND
      assertThat(unknown.json().get("error").asBoolean()).isFalse();
      assertThat(unknown.json().at("/status/status").asText()).isEqualTo("NOTFOUND");
      assertThat(unknown.json().at("/status/group").asText()).isEqualTo(missing);
      assertThat(unknown.json().at("/status/cluster").asText()).isEqualTo("prod-eu");
      assertThat(unknown.json().at("/status/partition_count").asInt()).isZero();
      assertThat(unknown.json().at("/status/partitions")).isEmpty();
      assertThat(unknown.json().get("message").asText())
          .isEqualTo("consumer status returned (consumer group '" + missing + "' not found on cluster 'prod-eu'"
              + " (watched, but the cluster does not know it: check the name))");
      assertThat(serve.get("/v3/kafka/prod-eu/consumer/elsewhere/lag").json().get("message").asText())
          .isEqualTo("consumer status returned (consumer group 'elsewhere' not found on cluster 'prod-eu'"
              + " (not watched: name it with --group, or give no --group to serve every group))");
      assertThat(serve.get("/v3/kafka/prod-eu/consumer").json().get("consumers"))
          .extracting(JsonNode::asText).containsExactly(group);
      assertThat(serve.get("/v3/kafka/prod-eu/consumer/" + missing + "/status").code()).isEqualTo(404);

      LagServe.Response cluster = serve.get("/v3/kafka/local/consumer/" + group + "/lag");
      assertThat(cluster.code()).isEqualTo(404);
      assertThat(cluster.json().get("message").asText())
          .isEqualTo("cluster 'local' not found (this server serves 'prod-eu'; see --cluster-name)");
      LagServe.Response nowhere = serve.get("/v2/nothing");
      assertThat(nowhere.code()).isEqualTo(404);
      assertThat(nowhere.json().get("message").asText()).startsWith("no such endpoint: /v2/nothing");

      assertThat(nowhere.json().get("message").asText())
          .contains("/v3/kafka, /v3/kafka/prod-eu, /v3/kafka/prod-eu/consumer, /v3/kafka/prod-eu/consumer/GROUP,");
      assertThat(serve.send("HEAD", "/v2/nothing").code()).isEqualTo(404);
      LagServe.Response detail = serve.get("/v3/kafka/prod-eu/consumer/" + missing);
      assertThat(detail.code()).isEqualTo(404);
      assertThat(detail.json().get("message").asText()).startsWith("consumer group '" + missing + "' not found");
      assertThat(serve.get("/v3/kafka/local").code()).as("another cluster's detail").isEqualTo(404);

      for (String path : List.of("/v3/kafka/prod-eu/consumer/" + group, "/v3/kafka", "/metrics", "/")) {
        for (String method : List.of("POST", "PUT", "DELETE")) {
          LagServe.Response r = serve.send(method, path);
          assertThat(r.code()).as("%s %s", method, path).isEqualTo(405);
          assertThat(r.allow()).as("%s %s", method, path).isEqualTo("GET, HEAD");
          assertThat(r.json().get("message").asText()).isEqualTo("only GET: this server changes nothing");
          assertThat(r.json().at("/request/url").asText()).isEqualTo(path);
        }
      }
      assertThat(serve.get("/healthz").body()).isEqualTo("ok\n");
      assertThat(member.assignment()).as("the served group has its member").hasSize(2);
    }
  }

  /** One sample line of the Prometheus text format: name, optional labels, value. */
  static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (-?[0-9.eE+]+|NaN)");
  static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  record Sample(String name, Map<String, String> labels, double value) {}

  /** Parses Prometheus text; every line must be a comment (HELP/TYPE) or a sample. */
  static List<Sample> parsePrometheus(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("a Prometheus sample line: '%s'", line).isTrue();
      Map<String, String> labels = new HashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
    return out;
  }

  @Test
  void everyGroupWithoutGroupOptionMetricsParseAndHistoryIsBounded(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-serve-all");
    String group = topic + "-g";
    int history = 4;
    try (KafkaConsumer<String, String> member = stuckMember(kafka, topic, group);
        LagServe serve = new LagServe("-b", b, "--interval", "200ms", "--history", Integer.toString(history),
            "--no-time-lag")) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
          serve.get("/v3/kafka/local/consumer").json().get("consumers").toString().contains("\"" + group + "\""));

      // more rounds than --history: the chart keeps the last 4 observations only
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
        JsonNode g = groupHistory(serve, group);
        return g != null && g.get("t").size() == history && g.at("/partitions/" + topic + "-0").size() == history;
      });
      JsonNode g = groupHistory(serve, group);
      long first = g.get("t").get(0).asLong();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> groupHistory(serve, group).get("t").get(0).asLong() > first);
      g = groupHistory(serve, group);
      assertThat(g.get("t")).hasSize(history);
      assertThat(g.get("total")).hasSize(history).allSatisfy(t -> assertThat(t.asLong()).isEqualTo(60));
      assertThat(g.at("/partitions/" + topic + "-0")).allSatisfy(t -> assertThat(t.asLong()).isEqualTo(60));
      assertThat(g.at("/partitions/" + topic + "-1")).allSatisfy(t -> assertThat(t.asLong()).isZero());

      LagServe.Response metrics = serve.get("/metrics");
      assertThat(metrics.code()).isEqualTo(200);
      assertThat(metrics.contentType()).startsWith("text/plain; version=0.0.4");
      List<Sample> samples = parsePrometheus(metrics.body());
      assertThat(samples).filteredOn(x -> x.name().equals("kafka_consumergroup_group_sum_lag")
              && group.equals(x.labels().get("group")))
          .singleElement().extracting(Sample::value).isEqualTo(60.0);
      assertThat(samples).filteredOn(x -> x.name().equals("kafka_consumergroup_group_lag")
              && group.equals(x.labels().get("group")) && "0".equals(x.labels().get("partition")))
          .singleElement().extracting(Sample::value).isEqualTo(60.0);
      assertThat(member.assignment()).hasSize(2);
      // the group status is a state set: one series per status, exactly one of them 1
      assertThat(samples).filteredOn(x -> x.name().equals("kcp_consumergroup_status")
              && group.equals(x.labels().get("group")))
          .hasSize(6).filteredOn(x -> x.value() == 1.0).hasSize(1);
    }
  }

  static JsonNode groupHistory(LagServe serve, String group) {
    for (JsonNode g : serve.get("/api/history").json().get("groups")) {
      if (g.get("group").asText().equals(group)) {
        return g;
      }
    }
    return null;
  }

  @Test
  void snapshotWritesThePngOfTheChartForServeAndWatch(KafkaSandbox kafka, @TempDir Path dir) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-serve-png");
    String group = topic + "-g";
    try (KafkaConsumer<String, String> member = stuckMember(kafka, topic, group)) {
      Path served = dir.resolve("serve.png");
      Cli.Result serve = Cli.run("lag", "serve", "-b", b, "--group", group, "--port", "0", "--interval", "200ms",
          "--count", "3", "--no-time-lag", "--snapshot", served.toString());
      assertThat(serve.exitCode()).as(serve.err()).isZero();
      Path watched = dir.resolve("watch.png");
      Cli.Result watch = Cli.run("lag", "watch", "-b", b, "--group", group, "--interval", "200ms", "--count", "3",
          "--no-time-lag", "--json", "--snapshot", watched.toString());
      assertThat(watch.exitCode()).as(watch.err()).isZero();
      for (Path png : List.of(served, watched)) {
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("%s is a PNG", png).isNotNull();
        assertThat(img.getWidth()).isEqualTo(900);
        assertThat(img.getHeight()).as("one chart: one group").isEqualTo(360);
        assertThat(distinctColours(img)).as("lines, axes and text, not a blank image").isGreaterThan(20);
      }
      assertThat(member.assignment()).hasSize(2);
    }
    assertOneLine(Cli.run("lag", "serve", "-b", b, "--snapshot", dir.resolve("chart.svg").toString()),
        "--snapshot writes a PNG: give a file name ending in .png");
  }

  static long distinctColours(BufferedImage img) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int x = 0; x < img.getWidth(); x += 3) {
      for (int y = 0; y < img.getHeight(); y += 3) {
        colours.add(img.getRGB(x, y));
      }
    }
    return colours.size();
  }

  @Test
  void badOptionsAreOneLineAndNonZero(KafkaSandbox kafka) throws Exception {
    assertOneLine(Cli.run("lag", "serve", "-b", kafka.bootstrapServers(), "--port", "70000"),
        "--port must be 0..65535 (got 70000)");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertOneLine(Cli.run("lag", "serve", "-b", kafka.bootstrapServers(), "--port",
          Integer.toString(taken.getLocalPort()), "--count", "1"),
          "cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
    assertOneLine(Cli.run("lag", "serve"), "--bootstrap-server is required for 'kcp lag serve'");
    assertOneLine(Cli.run("lag", "serve", "-b", kafka.bootstrapServers(), "--history", "0"), "--history");
  }

  private static void assertOneLine(Cli.Result r, String text) {
    assertThat(r.exitCode()).as(r.err()).isNotZero();
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).contains(text).doesNotContain("\tat ").doesNotContain("Exception");
  }
}
