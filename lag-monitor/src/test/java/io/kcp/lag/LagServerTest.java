package io.kcp.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LagServer}'s life without a broker: a {@link ConsumerLag} pointed at a port nobody
 * listens on, so every round reports that the groups cannot be listed. The endpoints' shapes are
 * in {@code internal.serve.LagHttpTest}; with a broker, in it-tests' LagServeTest and
 * LagServerEmbeddingTest.
 */
class LagServerTest {
  ConsumerLag nowhere;

  @BeforeEach
  void source() {
    nowhere = ConsumerLag.builder().bootstrapServers("127.0.0.1:1").timeout(Duration.ofMillis(300)).timeLag(false)
        .build();
  }

  @AfterEach
  void close() {
    nowhere.close();
  }

  @Test
  void samplesAtOnceAndEveryIntervalTellsTheListenerAndServesTheRoutesUntilClosed() throws Exception {
    List<LagServer.Round> rounds = new CopyOnWriteArrayList<>();
    LagServer server = LagServer.builder(nowhere).port(0).interval(Duration.ofMillis(100)).clusterName("test")
        .route("/extra", x -> {
          x.sendResponseHeaders(200, 5);
          try (OutputStream os = x.getResponseBody()) {
            os.write("extra".getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
        })
        .onRound(rounds::add).start();
    HttpClient client = HttpClient.newHttpClient();
    try (server) {
      assertThat(server.port()).isPositive();
      assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
      await().atMost(Duration.ofSeconds(20)).until(() -> rounds.size() >= 2);
      assertThat(rounds).extracting(LagServer.Round::number).startsWith(1L, 2L);
      assertThat(rounds.get(0).server()).isSameAs(server);
      assertThat(rounds.get(0).error()).as("nobody listens on port 1").hasValueSatisfying(
          m -> assertThat(m).contains("127.0.0.1:1"));
      assertThat(server.watched()).as("no group could be listed").isEmpty();
      assertThat(server.history("any")).isEmpty();
      HttpResponse<String> extra = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/extra")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(extra.body()).isEqualTo("extra");
      HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/v3/kafka")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(list.body()).contains("\"clusters\":[\"test\"]");
      long before = rounds.size();
      LagServer.Round now = server.sampleNow();
      assertThat(now.number()).isGreaterThanOrEqualTo(before + 1);
      assertThat(rounds).contains(now);
    }
    server.close(); // a second close does nothing
    int after = rounds.size();
    assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(server.url() + "/healthz"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()))
        .as("closed: nothing listens").isInstanceOf(java.io.IOException.class);
    // no sampling after close: the count stays where it was over a few intervals
    await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> rounds.size() == after);
  }

  @Test
  void aTakenPortIsAnUncheckedIoExceptionThatNamesTheAddressAndTheFix() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      LagServer.Builder b = LagServer.builder(nowhere).port(taken.getLocalPort());
      assertThatThrownBy(b::start).isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(BindException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (")
          .hasMessageEndingWith("; pick another port, or 0 for any free one)");
    }
  }

  @Test
  void badSettingsAreRefusedWhenGivenNamingTheSetting() {
    LagServer.Builder b = LagServer.builder(nowhere);
    assertThatThrownBy(() -> b.port(70000)).hasMessage("port must be 0..65535, got 70000");
    assertThatThrownBy(() -> b.port(-1)).hasMessage("port must be 0..65535, got -1");
    assertThatThrownBy(() -> b.interval(Duration.ZERO)).hasMessage("interval must be at least 1 ms, got PT0S");
    assertThatThrownBy(() -> b.windowSize(0)).hasMessage("windowSize must be at least 1, got 0");
    assertThatThrownBy(() -> b.history(0)).hasMessage("history must be at least 1, got 0");
    assertThatThrownBy(() -> b.allowedLag(-1)).hasMessage("allowedLag must be >= 0, got -1");
    assertThatThrownBy(() -> b.minimumComplete(1.5)).hasMessage("minimumComplete must be between 0 and 1, got 1.5");
    assertThatThrownBy(() -> b.clusterName("a/b"))
        .hasMessage("clusterName must be a non-empty name without '/', got 'a/b'");
    assertThatThrownBy(() -> b.bind(" ")).hasMessageStartingWith("bind must be an address");
    assertThatThrownBy(() -> b.groups(List.of("ok", " "))).hasMessageStartingWith("groups must not contain");
    assertThatThrownBy(() -> b.route("metrics", x -> {})).hasMessageStartingWith("route path must be like /metrics");
    assertThatThrownBy(() -> b.route("/v3/kafka/x", x -> {}))
        .hasMessage("route path /v3/kafka/x is one of the server's own endpoints");
    assertThatThrownBy(() -> b.route("/healthz", x -> {}))
        .hasMessage("route path /healthz is one of the server's own endpoints");
    b.route("/metrics", x -> {});
    assertThatThrownBy(() -> b.route("/metrics", x -> {})).hasMessage("route path /metrics is already routed");
    assertThatThrownBy(() -> b.openTelemetry(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("openTelemetry");
    assertThatThrownBy(() -> LagServer.builder(null)).hasMessage("source");
  }
}
