package io.kcp.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The OpenTelemetry gauges a LagMonitor exports, read back through the SDK's in-memory reader. */
class LagGaugesTest {
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
  private final OpenTelemetry otel = new OpenTelemetry() {
    @Override
    public TracerProvider getTracerProvider() {
      return TracerProvider.noop();
    }

    @Override
    public MeterProvider getMeterProvider() {
      return provider;
    }

    @Override
    public ContextPropagators getPropagators() {
      return ContextPropagators.noop();
    }
  };

  private static LagSnapshot snapshot(String group) {
    return new LagSnapshot(group, "STABLE", "CLASSIC", 1, 1000, List.of(
        new PartitionLag("orders", 0, OptionalLong.of(10), 50,
            Optional.of(new PartitionOwner("c-1-uuid", "/10.0.0.7", "c-1")), OptionalLong.of(7000)),
        new PartitionLag("orders", 1, OptionalLong.of(10), 30, Optional.empty(), OptionalLong.of(0)),
        new PartitionLag("audit", 0, OptionalLong.of(0), 5, Optional.empty(), OptionalLong.empty())));
  }

  /** Every point of {@code name}, as "attributes = value", sorted. */
  private static List<String> points(Collection<MetricData> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).flatMap(m -> {
      Stream<? extends PointData> points = m.getType() == MetricDataType.LONG_GAUGE
          ? m.getLongGaugeData().getPoints().stream() : m.getDoubleGaugeData().getPoints().stream();
      return points.map(p -> labels(p.getAttributes()) + " = " + (m.getType() == MetricDataType.LONG_GAUGE
          ? Long.toString(((io.opentelemetry.sdk.metrics.data.LongPointData) p).getValue())
          : Double.toString(((io.opentelemetry.sdk.metrics.data.DoublePointData) p).getValue())));
    }).sorted().collect(Collectors.toList());
  }

  private static String labels(Attributes a) {
    Map<String, String> sorted = new TreeMap<>();
    a.forEach((k, v) -> sorted.put(k.getKey(), String.valueOf(v)));
    return sorted.toString();
  }

  private static MetricData metric(Collection<MetricData> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void kafkaLagExporterShapes() {
    try (LagMonitor m = LagMonitor.builder("g").clusterName("prod-eu").openTelemetry(otel).build()) {
      m.observe(snapshot("g"));
      Collection<MetricData> metrics = reader.collectAllMetrics();
      assertThat(points(metrics, "kafka.consumergroup.group.lag")).containsExactly(
          "{client_id=, cluster_name=prod-eu, consumer_id=, group=g, member_host=, partition=0, topic=audit} = 5",
          "{client_id=, cluster_name=prod-eu, consumer_id=, group=g, member_host=, partition=1, topic=orders} = 20",
          "{client_id=c-1, cluster_name=prod-eu, consumer_id=c-1-uuid, group=g, member_host=/10.0.0.7, partition=0,"
              + " topic=orders} = 40");
      assertThat(points(metrics, "kafka.consumergroup.group.offset")).extracting(p -> p.replaceAll(".* = ", ""))
          .containsExactly("0", "10", "10");
      assertThat(points(metrics, "kafka.consumergroup.group.lag_seconds"))
          .as("seconds, not ms; an unknown time lag is no point, not 0").extracting(p -> p.replaceAll(".* = ", ""))
          .containsExactlyInAnyOrder("0.0", "7.0");
      assertThat(metric(metrics, "kafka.consumergroup.group.lag_seconds").getUnit()).isEqualTo("s");
      assertThat(points(metrics, "kafka.consumergroup.group.sum_lag"))
          .containsExactly("{cluster_name=prod-eu, group=g} = 65");
      assertThat(points(metrics, "kafka.consumergroup.group.topic_sum_lag")).containsExactly(
          "{cluster_name=prod-eu, group=g, topic=audit} = 5",
          "{cluster_name=prod-eu, group=g, topic=orders} = 60");
      assertThat(points(metrics, "kafka.consumergroup.group.max_lag"))
          .containsExactly("{cluster_name=prod-eu, group=g} = 40");
      assertThat(points(metrics, "kafka.consumergroup.group.max_lag_seconds"))
          .containsExactly("{cluster_name=prod-eu, group=g} = 7.0");
      assertThat(points(metrics, "kafka.partition.latest_offset")).containsExactly(
          "{cluster_name=prod-eu, partition=0, topic=audit} = 5",
          "{cluster_name=prod-eu, partition=0, topic=orders} = 50",
          "{cluster_name=prod-eu, partition=1, topic=orders} = 30");
    }
  }

  @Test
  void statusesAreStateSets() {
    try (LagMonitor m = LagMonitor.builder("g").openTelemetry(otel).build()) {
      m.observe(snapshot("g"));
      Collection<MetricData> metrics = reader.collectAllMetrics();
      // one observation of lag: as far as the window knows, the offsets are not moving (Burrow's
      // rules judge a one-commit window; LagMonitor.Builder.minimumComplete holds that back)
      assertThat(points(metrics, "kcp.consumergroup.status")).containsExactly(
          "{cluster_name=local, group=g, status=ERR} = 0",
          "{cluster_name=local, group=g, status=OK} = 0",
          "{cluster_name=local, group=g, status=REWIND} = 0",
          "{cluster_name=local, group=g, status=STALL} = 1",
          "{cluster_name=local, group=g, status=STOP} = 0",
          "{cluster_name=local, group=g, status=WARN} = 0");
      List<String> partitions = points(metrics, "kcp.consumergroup.partition.status");
      assertThat(partitions).as("3 partitions x 5 states (ERR is a group's only)").hasSize(15)
          .noneMatch(p -> p.contains("status=ERR"));
      assertThat(partitions).filteredOn(p -> p.endsWith(" = 1")).hasSize(3);
      assertThat(partitions).filteredOn(p -> p.contains("topic=orders") && p.contains("partition=0,"))
          .filteredOn(p -> p.endsWith(" = 1")).singleElement().asString().contains("status=STALL");
    }
  }

  @Test
  void cardinalityControls() {
    try (LagMonitor m = LagMonitor.builder("g").openTelemetry(otel).perPartitionSeries(false)
        .excludeTopics("aud.*").build()) {
      m.observe(snapshot("g"));
      Collection<MetricData> metrics = reader.collectAllMetrics();
      assertThat(points(metrics, "kafka.consumergroup.group.lag")).as("no per-partition series").isEmpty();
      assertThat(points(metrics, "kafka.partition.latest_offset")).isEmpty();
      assertThat(points(metrics, "kcp.consumergroup.partition.status")).isEmpty();
      assertThat(points(metrics, "kafka.consumergroup.group.sum_lag")).as("audit excluded")
          .containsExactly("{cluster_name=local, group=g} = 60");
      assertThat(points(metrics, "kafka.consumergroup.group.topic_sum_lag"))
          .containsExactly("{cluster_name=local, group=g, topic=orders} = 60");
    }
    try (LagMonitor m = LagMonitor.builder("g2").openTelemetry(otel).includeTopics("audit").build()) {
      m.observe(snapshot("g2"));
      assertThat(points(reader.collectAllMetrics(), "kafka.consumergroup.group.lag")).singleElement()
          .asString().endsWith("topic=audit} = 5");
    }
  }

  @Test
  void groupsReadingOneTopicShareItsLatestOffsets() {
    try (LagMonitor a = LagMonitor.builder("a").openTelemetry(otel).build();
        LagMonitor b = LagMonitor.builder("b").openTelemetry(otel).build()) {
      a.observe(snapshot("a"));
      b.observe(snapshot("b"));
      Collection<MetricData> metrics = reader.collectAllMetrics();
      assertThat(points(metrics, "kafka.partition.latest_offset")).as("one series per partition, not per group")
          .hasSize(3);
      assertThat(points(metrics, "kafka.consumergroup.group.lag")).hasSize(6);
      a.close();
      assertThat(points(reader.collectAllMetrics(), "kafka.partition.latest_offset"))
          .as("still exported while b watches").hasSize(3);
    }
    assertThat(points(reader.collectAllMetrics(), "kafka.partition.latest_offset")).isEmpty();
  }

  @Test
  void clusterNameMustNameSomething() {
    assertThatThrownBy(() -> LagMonitor.builder("g").clusterName(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("clusterName must not be blank");
  }

  @Test
  void aFailingSnapshotExportsErr() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (ConsumerLag dead = ConsumerLag.builder().bootstrapServers("localhost:" + port)
            .timeout(Duration.ofMillis(500)).timeLag(false).build();
        LagMonitor m = LagMonitor.builder("g").source(dead).openTelemetry(otel).build()) {
      m.observe(snapshot("g"));
      assertThatThrownBy(m::observe).isInstanceOf(LagException.class).hasMessageContaining("did not answer");
      assertThat(m.lastError()).isPresent();
      assertThat(points(reader.collectAllMetrics(), "kcp.consumergroup.status")).filteredOn(p -> p.endsWith(" = 1"))
          .containsExactly("{cluster_name=local, group=g, status=ERR} = 1");
      m.observe(snapshot("g"));
      assertThat(m.lastError()).isEmpty();
      assertThat(points(reader.collectAllMetrics(), "kcp.consumergroup.status")).filteredOn(p -> p.endsWith(" = 1"))
          .containsExactly("{cluster_name=local, group=g, status=STALL} = 1");
    }
  }
}
