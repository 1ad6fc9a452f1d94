package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagServer;
import io.kcp.lag.LagStatus;
import io.kcp.sandbox.KafkaSandbox;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lag dashboard embedded in a service through the library alone ({@code kcp-lag-monitor}, no
 * cli): the code between the {@code embed} tags is what chapter 3.8 of the docs quotes. Against
 * the suite's broker, a group whose member committed 40 of 100 and 100 of 100 is served with its
 * lag (60) in Burrow's shape, and the history the chart draws holds it too.
 */
@ExtendWith(SharedBroker.class)
class LagServerEmbeddingTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** GET {@code url} as JSON. */
  static JsonNode getJson(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    return LagServe.JSON.readTree(r.body());
  }

  @Test
  void aServiceEmbedsTheMonitorAndServesItsGroupWithItsLag(KafkaSandbox kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-embed");
    String group = topic + "-g";
    try (KafkaConsumer<String, String> member = LagServeTest.stuckMember(kafka, topic, group)) {
      // tag::embed[]
      try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers(bootstrap).build();
          LagServer server = LagServer.builder(lag)
              .groups(List.of(group))          // none: every consumer group of the cluster
              .port(0)                         // any free port: server.port() says which
              .interval(Duration.ofMillis(300))
              .windowSize(3)
              .start()) {
        String url = server.url() + "/v3/kafka/local/consumer/" + group + "/lag";
        await().atMost(Duration.ofSeconds(30)).until(() -> getJson(url).at("/status/complete").asDouble() == 1.0);
        JsonNode status = getJson(url).get("status");
        assertThat(status.get("totallag").asLong()).isEqualTo(60);
        assertThat(status.get("status").asText()).isEqualTo("ERR"); // a partition is STALL
        assertThat(server.history(group)).last()
            .satisfies(p -> assertThat(p.totalLag()).isEqualTo(60))
            .satisfies(p -> assertThat(p.status()).isEqualTo(LagStatus.STALL));
      }
      // end::embed[]
      assertThat(member.assignment()).as("the member still owns both partitions").hasSize(2);
    }
  }
}
