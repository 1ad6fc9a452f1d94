package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.PartitionOwner;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The scrape the official OpenTelemetry Prometheus exporter renders, read over HTTP. */
class PrometheusEndpointTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The scrape's lines that start with {@code prefix}, in order. */
  private static List<String> lines(String body, String prefix) {
    return Arrays.stream(body.split("\n")).filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
  }

  @Test
  void tenThousandPartitionSeriesAreAllScrapedNoneFoldedIntoOverflow() throws Exception {
    // 100 groups x 100 partitions of kcp lag serve: five times the SDK's default of 2,000 series
    try (PrometheusEndpoint endpoint = PrometheusEndpoint.detached()) {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/metrics", endpoint.handler());
      server.start();
      try {
        AttributeKey<String> group = AttributeKey.stringKey("group");
        AttributeKey<String> partition = AttributeKey.stringKey("partition");
        endpoint.openTelemetry().getMeter("test").gaugeBuilder("kcp.test.lag").ofLongs().buildWithCallback(m -> {
          for (int g = 0; g < 100; g++) {
            for (int p = 0; p < 100; p++) {
              m.record(g * 100L + p, Attributes.of(group, "g" + g, partition, Integer.toString(p)));
            }
          }
        });
        String body = get("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics").body();
        assertThat(lines(body, "kcp_test_lag{")).hasSize(10_000);
        assertThat(body).doesNotContain("otel_metric_overflow");
        assertThat(lines(body, "kcp_test_lag{group=\"g99\",partition=\"99\"}")).containsExactly(
            "kcp_test_lag{group=\"g99\",partition=\"99\"} 9999.0");
      } finally {
        server.stop(0);
      }
    }
  }

  @Test
  void countersHistogramsAndGaugesAppear() throws Exception {
    StringWriter err = new StringWriter();
    try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0, new PrintWriter(err, true))) {
      Matcher url = Pattern.compile("serving lag metrics at (http://127\\.0\\.0\\.1:\\d+/metrics)").matcher(err.toString());
      assertThat(url.find()).as(err.toString()).isTrue();

      Meter meter = endpoint.openTelemetry().getMeter("test");
      Attributes topic = Attributes.of(AttributeKey.stringKey("topic"), "orders");
      LongCounter records = meter.counterBuilder("kcp.test.records").setUnit("{record}")
          .setDescription("Records consumed").build();
      records.add(3, topic);
      records.add(4, topic);
      meter.histogramBuilder("kcp.test.duration").setUnit("s").setDescription("Handling time")
          .setExplicitBucketBoundariesAdvice(List.of(0.1, 1.0)).build().record(0.5, topic);
      meter.gaugeBuilder("kcp.test.depth").ofLongs().setDescription("Queue depth").buildWithCallback(m -> m.record(9));

      HttpResponse<String> r = get(url.group(1));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
          t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
      String body = r.body();
      assertThat(body).contains("# TYPE kcp_test_records_total counter\n")
          .contains("kcp_test_records_total{topic=\"orders\"} 7.0\n")
          .contains("# TYPE kcp_test_duration_seconds histogram\n")
          .contains("kcp_test_duration_seconds_bucket{topic=\"orders\",le=\"0.1\"} 0\n")
          .contains("kcp_test_duration_seconds_bucket{topic=\"orders\",le=\"1.0\"} 1\n")
          .contains("kcp_test_duration_seconds_bucket{topic=\"orders\",le=\"+Inf\"} 1\n")
          .contains("kcp_test_duration_seconds_count{topic=\"orders\"} 1\n")
          .contains("kcp_test_duration_seconds_sum{topic=\"orders\"} 0.5\n")
          .contains("# TYPE kcp_test_depth gauge\n")
          .contains("kcp_test_depth 9.0\n")
          .as("no scope labels, no target_info").doesNotContain("otel_scope").doesNotContain("target_info");
    }
  }

  @Test
  void lagGaugesScrapeInKafkaLagExporterNames() throws Exception {
    try (PrometheusEndpoint endpoint = PrometheusEndpoint.detached();
        LagMonitor monitor = LagMonitor.builder("shop-app").clusterName("prod-eu")
            .openTelemetry(endpoint.openTelemetry()).build()) {
      monitor.observe(new LagSnapshot("shop-app", "STABLE", "CLASSIC", 1, 1000, List.of(
          new PartitionLag("shop", 0, OptionalLong.of(100), 160,
              Optional.of(new PartitionOwner("c-1-uuid", "/10.0.0.7", "c-1")), OptionalLong.of(2500)))));
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/metrics", endpoint.handler());
      server.start();
      String body;
      try {
        body = get("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics").body();
      } finally {
        server.stop(0);
      }
      String partition = "{client_id=\"c-1\",cluster_name=\"prod-eu\",consumer_id=\"c-1-uuid\",group=\"shop-app\","
          + "member_host=\"/10.0.0.7\",partition=\"0\",topic=\"shop\"}";
      String group = "{cluster_name=\"prod-eu\",group=\"shop-app\"}";
      assertThat(lines(body, "kafka_")).containsExactlyInAnyOrder(
          "kafka_consumergroup_group_lag" + partition + " 60.0",
          "kafka_consumergroup_group_lag_seconds" + partition + " 2.5",
          "kafka_consumergroup_group_offset" + partition + " 100.0",
          "kafka_consumergroup_group_max_lag" + group + " 60.0",
          "kafka_consumergroup_group_max_lag_seconds" + group + " 2.5",
          "kafka_consumergroup_group_sum_lag" + group + " 60.0",
          "kafka_consumergroup_group_topic_sum_lag{cluster_name=\"prod-eu\",group=\"shop-app\",topic=\"shop\"} 60.0",
          "kafka_partition_latest_offset{cluster_name=\"prod-eu\",partition=\"0\",topic=\"shop\"} 160.0");
      assertThat(lines(body, "kcp_consumergroup_status")).hasSize(6)
          .contains("kcp_consumergroup_status{cluster_name=\"prod-eu\",group=\"shop-app\",status=\"STALL\"} 1.0",
              "kcp_consumergroup_status{cluster_name=\"prod-eu\",group=\"shop-app\",status=\"OK\"} 0.0");
      assertThat(lines(body, "kcp_consumergroup_partition_status")).hasSize(5);
      assertThat(lines(body, "# TYPE ")).as("every lag series is a gauge, and none is named like a counter")
          .allSatisfy(t -> assertThat(t).endsWith(" gauge").doesNotContain("_total"));
    }
  }

  @Test
  void aPortOutOfRangeIsRefusedInOneLine() {
    assertThatThrownBy(() -> PrometheusEndpoint.start("127.0.0.1", 70000, new PrintWriter(new StringWriter())))
        .isInstanceOf(CliException.class).hasMessage("--prometheus-port must be 0..65535 (got 70000)");
  }
}
