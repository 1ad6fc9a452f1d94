package io.kcp.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
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

  private static LagSnapshot snapshot() {
    return new LagSnapshot("g", "EMPTY", "CLASSIC", 0, 1000, List.of(
        new PartitionLag("orders", 0, OptionalLong.of(10), 50, Optional.empty(), OptionalLong.of(7000)),
        new PartitionLag("orders", 1, OptionalLong.of(10), 30, Optional.empty(), OptionalLong.of(0)),
        new PartitionLag("audit", 0, OptionalLong.of(0), 5, Optional.empty(), OptionalLong.empty())));
  }

  private List<Long> values(Collection<MetricData> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongGaugeData().getPoints().stream()).map(LongPointData::getValue).sorted()
        .collect(Collectors.toList());
  }

  @Test
  void perPartitionTotalsTimeLagAndStatus() {
    try (LagMonitor m = LagMonitor.builder("g").openTelemetry(otel).build()) {
      m.observe(snapshot());
      Collection<MetricData> metrics = reader.collectAllMetrics();
      assertThat(values(metrics, "kcp.lag")).containsExactly(5L, 20L, 40L);
      assertThat(values(metrics, "kcp.lag.total")).containsExactly(65L);
      assertThat(values(metrics, "kcp.lag.max")).containsExactly(40L);
      assertThat(values(metrics, "kcp.lag.time_lag")).as("unknown time lag is no point, not 0").containsExactly(0L, 7000L);
      assertThat(values(metrics, "kcp.lag.time_lag.max")).containsExactly(7000L);
      // one observation of lag: as far as the window knows, the offsets are not moving (Burrow's
      // rules judge a one-commit window; LagMonitor.Builder.minimumComplete holds that back)
      assertThat(values(metrics, "kcp.lag.status")).containsExactly((long) LagStatus.STALL.ordinal());
    }
  }

  @Test
  void cardinalityControls() {
    try (LagMonitor m = LagMonitor.builder("g").openTelemetry(otel).perPartitionSeries(false)
        .excludeTopics("aud.*").build()) {
      m.observe(snapshot());
      Collection<MetricData> metrics = reader.collectAllMetrics();
      assertThat(values(metrics, "kcp.lag")).as("no per-partition series").isEmpty();
      assertThat(values(metrics, "kcp.lag.total")).as("audit excluded").containsExactly(60L);
    }
    try (LagMonitor m = LagMonitor.builder("g2").openTelemetry(otel).includeTopics("audit").build()) {
      m.observe(snapshot());
      assertThat(values(reader.collectAllMetrics(), "kcp.lag")).containsExactly(5L);
    }
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
      m.observe(snapshot());
      assertThatThrownBy(m::observe).isInstanceOf(LagException.class).hasMessageContaining("did not answer");
      assertThat(m.lastError()).isPresent();
      assertThat(values(reader.collectAllMetrics(), "kcp.lag.status")).containsExactly((long) LagStatus.ERR.ordinal());
      m.observe(snapshot());
      assertThat(m.lastError()).isEmpty();
    }
  }
}
