package io.kcp.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.core.ProducerContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ConsumerTelemetryTest {

  @Test
  void processingTimesOfMillisecondsLandInBucketsOfTheirOwn() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build()) {
      ConsumerTelemetry t = ConsumerTelemetry.create(sdk, "g", ProducerContext.PARENT);
      TopicPartition tp = new TopicPartition("t", 0);
      t.endProcess(Span.getInvalid(), tp, 2_000_000L, null); // 2 ms
      t.endProcess(Span.getInvalid(), tp, 40_000_000L, null); // 40 ms
      MetricData m = reader.collectAllMetrics().stream()
          .filter(d -> d.getName().equals("messaging.process.duration")).findFirst().orElseThrow();
      HistogramPointData p = m.getHistogramData().getPoints().iterator().next();
      assertThat(p.getBoundaries()).isEqualTo(ConsumerTelemetry.DURATION_BUCKETS);
      // 2 ms and 40 ms are told apart (the SDK's default buckets put both below 5 s, in one)
      int twoMs = ConsumerTelemetry.DURATION_BUCKETS.indexOf(0.0025);
      int fortyMs = ConsumerTelemetry.DURATION_BUCKETS.indexOf(0.05);
      assertThat(p.getCounts().get(twoMs)).isEqualTo(1);
      assertThat(p.getCounts().get(fortyMs)).isEqualTo(1);
    }
  }
}
