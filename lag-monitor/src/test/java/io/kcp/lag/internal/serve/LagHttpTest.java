package io.kcp.lag.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpHandler;
import io.kcp.lag.LagException;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagServer;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.LagStatus;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.PartitionOwner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP surface of {@link LagServer} without a broker: a {@link Board} fed with snapshots through
 * monitors that have no source, behind {@link LagHttp} on a free port, read with the JDK's
 * {@link HttpClient}. The shapes are Burrow's ({@code core/internal/httpserver} and
 * {@code core/protocol} of linkedin/Burrow); the broker-backed checks are in it-tests' LagServeTest.
 */
class LagHttpTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int WINDOW = 3;
  static final PartitionOwner OWNER = new PartitionOwner("m-1", "/10.0.0.7", "orders-client");

  final AtomicLong now = new AtomicLong(1_000_000);
  final AtomicReference<LagException> failure = new AtomicReference<>();
  final List<IOException> routeFailures = new CopyOnWriteArrayList<>();
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  Board board;
  LagHttp http;

  /** Group "orders" on topic "orders": partition 0 committed 40 of 100, partition 2 100 of 100, one live member. */
  LagSnapshot orders() {
    return new LagSnapshot("orders", "STABLE", "CLASSIC", 1, now.addAndGet(1000), List.of(
        new PartitionLag("orders", 0, OptionalLong.of(40), 100, Optional.of(OWNER), OptionalLong.of(2500)),
        new PartitionLag("orders", 2, OptionalLong.of(100), 100, Optional.of(OWNER), OptionalLong.of(0))));
  }

  @BeforeEach
  void start() {
    board = new Board(() -> List.of("orders"), List.of("orders", "ghost"),
        g -> LagMonitor.builder(g).windowSize(WINDOW).build(),
        (g, m) -> {
          if (failure.get() != null) {
            throw failure.get();
          }
          if (!g.equals("orders")) {
            throw LagException.groupNotFound("consumer group '" + g + "' does not exist");
          }
          return m.observe(orders());
        }, WINDOW, 4, now::get);
    HttpHandler metrics = x -> {
      byte[] body = "kcp_lag_total 60\n".getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      x.sendResponseHeaders(200, body.length);
      try (OutputStream os = x.getResponseBody()) {
        os.write(body);
      } catch (IOException e) {
        routeFailures.add(e);
        throw e;
      }
    };
    http = LagHttp.start("127.0.0.1", 0, board,
        new LagHttp.Settings("prod-eu", List.of("k1:9092", "k2:9092"), 1500), Map.of("/metrics", metrics));
    http.start();
  }

  @AfterEach
  void stop() {
    http.close();
    board.close();
  }

  HttpResponse<String> send(String method, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(http.url() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode get(String path, int expectedCode) throws Exception {
    HttpResponse<String> r = send("GET", path);
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(expectedCode);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }

  static void assertRequest(JsonNode root, String url) {
    assertThat(root.at("/request/url").asText()).isEqualTo(url);
    assertThat(root.at("/request/host").asText()).isEqualTo("127.0.0.1");
  }

  @Test
  void clusterListAndClusterDetailAreBurrowsShape() throws Exception {
    JsonNode list = get("/v3/kafka", 200);
    assertThat(list.get("error").asBoolean()).isFalse();
    assertThat(list.get("message").asText()).isEqualTo("cluster list returned");
    assertThat(list.get("clusters")).extracting(JsonNode::asText).containsExactly("prod-eu");
    assertRequest(list, "/v3/kafka");

    JsonNode detail = get("/v3/kafka/prod-eu", 200);
    assertThat(detail.get("message").asText()).isEqualTo("cluster module detail returned");
    JsonNode m = detail.get("module");
    assertThat(m.get("class-name").asText()).isEqualTo("kafka");
    assertThat(m.get("servers")).extracting(JsonNode::asText).containsExactly("k1:9092", "k2:9092");
    assertThat(m.get("topic-refresh").asLong()).as("1.5 s, in whole seconds rounded up").isEqualTo(2);
    assertThat(m.get("offset-refresh").asLong()).isEqualTo(2);
    assertThat(m.at("/client-profile/kafka-version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(m.at("/client-profile/tls").isNull()).isTrue();
    assertRequest(detail, "/v3/kafka/prod-eu");

    JsonNode other = get("/v3/kafka/local", 404);
    assertThat(other.get("error").asBoolean()).isTrue();
    assertThat(other.get("message").asText())
        .isEqualTo("cluster 'local' not found (this server serves 'prod-eu'; see --cluster-name)");
  }

  @Test
  void clusterDetailShowsTlsAndSaslTruthfullyButNoSecret() throws Exception {
    String password = "pw-of-alice-7f3a";
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("security.protocol", "SASL_SSL");
    settings.put("sasl.mechanism", "SCRAM-SHA-512");
    settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
        + " username=\"alice\" password=\"" + password + "\";");
    settings.put("ssl.truststore.location", "/etc/kafka/truststore.p12");
    settings.put("ssl.truststore.password", "store-secret-99");
    settings.put("ssl.keystore.location", "/etc/kafka/client.p12");
    settings.put("ssl.keystore.password", "keystore-secret-98");
    settings.put("ssl.key.password", "key-secret-97");
    settings.put("client.id", "kcp-lag-serve");
    LagHttp secured = LagHttp.start("127.0.0.1", 0, board,
        new LagHttp.Settings("prod-eu", List.of("k1:9093"), 1500, settings), Map.of());
    secured.start();
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(secured.url() + "/v3/kafka/prod-eu"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode p = JSON.readTree(r.body()).at("/module/client-profile");
      assertThat(p.get("client-id").asText()).isEqualTo("kcp-lag-serve");
      assertThat(p.at("/tls/cafile").asText()).isEqualTo("/etc/kafka/truststore.p12");
      assertThat(p.at("/tls/certfile").asText()).isEqualTo("/etc/kafka/client.p12");
      assertThat(p.at("/tls/noverify").asBoolean()).isFalse();
      assertThat(p.at("/sasl/username").asText()).isEqualTo("alice");
      assertThat(p.at("/sasl/mechanism").asText()).isEqualTo("SCRAM-SHA-512");
      assertThat(r.body()).doesNotContain(password, "store-secret-99", "keystore-secret-98", "key-secret-97",
          "ScramLoginModule");
    } finally {
      secured.close();
    }
  }

  @Test
  void clusterDetailOfAPlaintextClientHasNoTlsNorSasl() throws Exception {
    LagHttp plain = LagHttp.start("127.0.0.1", 0, board,
        new LagHttp.Settings("prod-eu", List.of("k1:9092"), 1500, Map.of("security.protocol", "PLAINTEXT")),
        Map.of());
    plain.start();
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(plain.url() + "/v3/kafka/prod-eu"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode p = JSON.readTree(r.body()).at("/module/client-profile");
      assertThat(p.get("tls").isNull()).isTrue();
      assertThat(p.get("sasl").isNull()).isTrue();
      assertThat(p.get("client-id").isNull()).isTrue();
    } finally {
      plain.close();
    }
  }

  @Test
  void consumerDetailIsTheOffsetsRingPerTopicIndexedByPartition() throws Exception {
    board.sample();
    JsonNode first = get("/v3/kafka/prod-eu/consumer/orders", 200);
    assertThat(first.get("error").asBoolean()).isFalse();
    assertThat(first.get("message").asText()).isEqualTo("consumer detail returned");
    assertRequest(first, "/v3/kafka/prod-eu/consumer/orders");
    JsonNode parts = first.at("/topics/orders");
    assertThat(parts).as("indexed by partition number: 0, (1 unknown), 2").hasSize(3);
    assertThat(parts.get(1).isNull()).isTrue();
    // Burrow's ring: window-size slots, oldest first, the empty ones (null) before the filled ones
    JsonNode offsets = parts.get(0).get("offsets");
    assertThat(offsets).hasSize(WINDOW);
    assertThat(offsets.get(0).isNull()).isTrue();
    assertThat(offsets.get(1).isNull()).isTrue();
    assertThat(offsets.get(2).get("offset").asLong()).isEqualTo(40);
    assertThat(offsets.get(2).get("lag").asLong()).isEqualTo(60);
    assertThat(offsets.get(2).get("timestamp").asLong()).isEqualTo(1_001_000);
    assertThat(offsets.get(2).get("observedAt").asLong()).isEqualTo(1_001_000);

    board.sample();
    board.sample();
    JsonNode full = get("/v3/kafka/prod-eu/consumer/orders", 200).at("/topics/orders/0");
    assertThat(full.get("offsets")).hasSize(WINDOW).allSatisfy(o -> assertThat(o.get("offset").asLong()).isEqualTo(40));
    assertThat(full.get("offsets")).extracting(o -> o.get("timestamp").asLong())
        .containsExactly(1_001_000L, 1_002_000L, 1_003_000L);
    assertThat(full.get("owner").asText()).isEqualTo("/10.0.0.7");
    assertThat(full.get("client_id").asText()).isEqualTo("orders-client");
    assertThat(full.get("current-lag").asLong()).as("Burrow's detail spells it with a hyphen").isEqualTo(60);
    assertThat(get("/v3/kafka/prod-eu/consumer/orders", 200).at("/topics/orders/2/current-lag").asLong()).isZero();
  }

  @Test
  void lagListsEveryPartitionAndStatusOnlyThoseNotOk() throws Exception {
    for (int i = 0; i < WINDOW; i++) {
      board.sample();
    }
    JsonNode lag = get("/v3/kafka/prod-eu/consumer/orders/lag", 200);
    assertThat(lag.get("message").asText()).as("Burrow's message for /lag too").isEqualTo("consumer status returned");
    JsonNode s = lag.get("status");
    assertThat(s.get("cluster").asText()).isEqualTo("prod-eu");
    assertThat(s.get("group").asText()).isEqualTo("orders");
    assertThat(s.get("status").asText()).as("a STALL partition makes the group ERR").isEqualTo("ERR");
    assertThat(s.get("complete").asDouble()).isEqualTo(1.0);
    assertThat(s.get("partition_count").asInt()).isEqualTo(2);
    assertThat(s.get("totallag").asLong()).isEqualTo(60);
    assertThat(s.at("/maxlag/partition").asInt()).isZero();
    assertThat(s.at("/maxlag/current_lag").asLong()).isEqualTo(60);
    assertThat(s.get("partitions")).extracting(p -> p.get("partition").asInt()).containsExactly(0, 2);
    JsonNode p0 = s.at("/partitions/0");
    assertThat(p0.get("status").asText()).isEqualTo("STALL");
    assertThat(p0.get("owner").asText()).isEqualTo("/10.0.0.7");
    assertThat(p0.get("client_id").asText()).isEqualTo("orders-client");
    assertThat(p0.at("/start/timestamp").asLong()).isEqualTo(1_001_000);
    assertThat(p0.at("/end/timestamp").asLong()).isEqualTo(1_003_000);
    assertThat(p0.at("/end/offset").asLong()).isEqualTo(40);
    assertThat(p0.get("complete").asDouble()).isEqualTo(1.0);
    assertThat(s.at("/partitions/1/status").asText()).isEqualTo("OK");

    JsonNode status = get("/v3/kafka/prod-eu/consumer/orders/status", 200);
    assertThat(status.get("message").asText()).isEqualTo("consumer status returned");
    assertThat(status.at("/status/partitions")).singleElement()
        .satisfies(p -> assertThat(p.get("partition").asInt()).isZero());
    assertThat(status.at("/status/totallag").asLong()).isEqualTo(60);

    assertThat(get("/v3/kafka/prod-eu/consumer", 200).get("consumers")).extracting(JsonNode::asText)
        .as("'ghost' is watched but the cluster does not know it").containsExactly("orders");
  }

  @Test
  void unknownGroupsAndPathsAre404JsonThatSaysWhy() throws Exception {
    board.sample();
    String ghost = "consumer group 'ghost' not found on cluster 'prod-eu'"
        + " (watched, but the cluster does not know it: check the name)";
    // the offsets detail: Burrow's error
    JsonNode detail = get("/v3/kafka/prod-eu/consumer/ghost", 404);
    assertThat(detail.get("error").asBoolean()).isTrue();
    assertThat(detail.get("message").asText()).isEqualTo(ghost);
    assertThat(get("/v3/kafka/prod-eu/consumer/elsewhere", 404).get("message").asText())
        .startsWith("consumer group 'elsewhere' not found on cluster 'prod-eu' (not watched");
    // lag and status: as Burrow, a status whose group status is NOTFOUND, with a 404
    for (String tail : List.of("/lag", "/status")) {
      JsonNode n = get("/v3/kafka/prod-eu/consumer/ghost" + tail, 404);
      assertThat(n.get("error").asBoolean()).isFalse();
      assertThat(n.get("message").asText()).isEqualTo("consumer status returned (" + ghost + ")");
      assertThat(n.at("/status/status").asText()).isEqualTo("NOTFOUND");
      assertThat(n.at("/status/group").asText()).isEqualTo("ghost");
      assertThat(n.at("/status/cluster").asText()).isEqualTo("prod-eu");
      assertThat(n.at("/status/partition_count").asInt()).isZero();
      assertThat(n.at("/status/totallag").asLong()).isZero();
      assertThat(n.at("/status/maxlag").isNull()).isTrue();
      assertThat(get("/v3/kafka/prod-eu/consumer/elsewhere" + tail, 404).get("message").asText())
          .startsWith("consumer status returned (consumer group 'elsewhere' not found on cluster 'prod-eu' (not watched");
    }
    for (String path : List.of("/v2/nothing", "/v3/kafka/prod-eu/topic", "/v3/kafka/prod-eu/consumer/orders/x",
        "/webjars/elsewhere.js")) {
      JsonNode e = get(path, 404);
      assertThat(e.get("error").asBoolean()).as(path).isTrue();
      assertRequest(e, path);
    }
    assertThat(get("/v2/nothing", 404).get("message").asText())
        .startsWith("no such endpoint: /v2/nothing (the endpoints are /, /healthz, /api/history, /v3/kafka,")
        .contains("/v3/kafka/prod-eu/consumer/GROUP/status", "/metrics");
  }

  @Test
  void everyEndpointAnswersHeadWithoutABody() throws Exception {
    board.sample();
    for (String path : List.of("/", "/healthz", "/api/history", "/v3/kafka", "/v3/kafka/prod-eu",
        "/v3/kafka/prod-eu/consumer", "/v3/kafka/prod-eu/consumer/orders", "/v3/kafka/prod-eu/consumer/orders/lag",
        "/v3/kafka/prod-eu/consumer/orders/status", "/metrics", "/webjars/uplot/" + LagHttp.uplotVersion()
            + "/dist/uPlot.iife.min.js", "/v2/nothing")) {
      HttpResponse<String> get = send("GET", path);
      HttpResponse<String> head = send("HEAD", path);
      assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode());
      assertThat(head.headers().firstValue("Content-Type")).as(path).isEqualTo(get.headers().firstValue("Content-Type"));
      assertThat(get.body()).as(path).isNotEmpty();
      assertThat(head.body()).as(path).isEmpty();
    }
    assertThat(send("GET", "/metrics").body()).isEqualTo("kcp_lag_total 60\n");
    assertThat(routeFailures).as("a route written for GET runs unchanged for HEAD (its body is dropped)").isEmpty();
  }

  @Test
  void everyOtherMethodIs405WithAllowAndBurrowShapedJson() throws Exception {
    for (String path : List.of("/", "/v3/kafka/prod-eu/consumer/orders", "/metrics", "/v2/nothing")) {
      for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
        HttpResponse<String> r = send(method, path);
        assertThat(r.statusCode()).as("%s %s", method, path).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.get("error").asBoolean()).isTrue();
        assertThat(e.get("message").asText()).isEqualTo("only GET: this server changes nothing");
        assertRequest(e, path);
      }
    }
  }

  @Test
  void historyIsBoundedAndAFailedObservationIsErrInTheStatusAndTheHistory() throws Exception {
    for (int i = 0; i < 6; i++) {
      board.sample();
    }
    JsonNode h = get("/api/history", 200);
    assertThat(h.get("cluster").asText()).isEqualTo("prod-eu");
    assertThat(h.get("interval_ms").asLong()).isEqualTo(1500);
    JsonNode orders = h.get("groups").get(1);
    assertThat(orders.get("group").asText()).isEqualTo("orders");
    assertThat(orders.get("t")).as("history 4 keeps the last 4 of 6").hasSize(4);
    assertThat(orders.get("t").get(0).asLong()).isEqualTo(1_003_000);
    assertThat(orders.get("total")).allSatisfy(t -> assertThat(t.asLong()).isEqualTo(60));
    assertThat(orders.at("/partitions/orders-0")).hasSize(4);
    assertThat(orders.get("time_lag_ms").asLong()).isEqualTo(2500);
    assertThat(h.at("/groups/0/group").asText()).isEqualTo("ghost");
    assertThat(h.at("/groups/0/status").asText()).isEqualTo("NOTFOUND");

    failure.set(new LagException("Kafka at k1:9092 did not answer within 10000 ms"));
    board.sample();
    JsonNode s = get("/v3/kafka/prod-eu/consumer/orders/lag", 200);
    assertThat(s.get("message").asText())
        .isEqualTo("consumer status returned (last observation failed: Kafka at k1:9092 did not answer within 10000 ms)");
    assertThat(s.at("/status/status").asText()).as("LagStatus ERR is Burrow's NOTFOUND").isEqualTo("NOTFOUND");
    List<LagServer.Point> points = board.history("orders");
    assertThat(points).hasSize(4);
    assertThat(points.get(3).status()).isEqualTo(LagStatus.ERR);
    assertThat(points.get(3).totalLag()).as("the last known total").isEqualTo(60);
    assertThat(get("/api/history", 200).at("/groups/1/error").asText()).contains("did not answer");
  }

  @Test
  void thePageLoadsUplotFromTheWebJarOnTheClasspath() throws Exception {
    HttpResponse<String> page = send("GET", "/");
    assertThat(page.statusCode()).isEqualTo(200);
    String js = "/webjars/uplot/" + LagHttp.uplotVersion() + "/dist/uPlot.iife.min.js";
    assertThat(page.body()).contains("src=\"" + js + "\"").doesNotContain("{{UPLOT}}");
    HttpResponse<String> lib = send("GET", js);
    assertThat(lib.statusCode()).isEqualTo(200);
    assertThat(lib.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(lib.body()).contains("uPlot");
  }
}
