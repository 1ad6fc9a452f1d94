package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class OneLineSpanExporterTest {

  @Test
  void printsOneReadableLinePerSpan() {
    StringWriter out = new StringWriter();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(new OneLineSpanExporter(new PrintWriter(out))))
        .build();
    Tracer tracer = provider.get("test");
    Span parent = tracer.spanBuilder("poll").startSpan();
    Span producer = tracer.spanBuilder("send orders").startSpan();
    Span child = tracer.spanBuilder("process orders")
        .setParent(Context.root().with(parent))
        .setSpanKind(SpanKind.CONSUMER)
        .addLink(producer.getSpanContext())
        .setAttribute("messaging.system", "kafka")
        .setAttribute(AttributeKey.longKey("messaging.kafka.offset"), 42L)
        .startSpan();
    child.setStatus(StatusCode.ERROR, "handler failed");
    child.end();
    parent.end();
    provider.shutdown();

    String[] lines = out.toString().split("\\R");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).isEqualTo(String.format(
        "otel span 'process orders' CONSUMER trace=%s span=%s parent=%s links=1"
            + " status=ERROR(handler failed) %s {messaging.kafka.offset=42, messaging.system=kafka}",
        parent.getSpanContext().getTraceId(), child.getSpanContext().getSpanId(),
        parent.getSpanContext().getSpanId(), durationOf(lines[0])));
    assertThat(durationOf(lines[0])).matches("\\d+\\.\\d{3} ms");
    assertThat(lines[1]).startsWith("otel span 'poll' INTERNAL trace=" + parent.getSpanContext().getTraceId()
        + " span=" + parent.getSpanContext().getSpanId() + " parent=- links=0 status=UNSET ")
        .endsWith(" ms {}");
  }

  @Test
  void printsOneLinePerMetric() {
    StringWriter out = new StringWriter();
    SdkMeterProvider provider = SdkMeterProvider.builder()
        .registerMetricReader(PeriodicMetricReader.create(new OneLineMetricExporter(new PrintWriter(out))))
        .build();
    LongCounter handled = provider.get("test").counterBuilder("kcp.records.handled").setUnit("{record}").build();
    handled.add(3, io.opentelemetry.api.common.Attributes.of(AttributeKey.longKey("partition"), 0L));
    provider.get("test").histogramBuilder("kcp.commit.duration").setUnit("ms").build().record(2.5);
    provider.shutdown(); // the final collect and export

    assertThat(out.toString().split("\\R")).containsExactlyInAnyOrder(
        "otel metric kcp.records.handled LONG_SUM {record}: 3 {partition=0}",
        "otel metric kcp.commit.duration HISTOGRAM ms: count=1 sum=2.500 min=2.500 max=2.500 {}");
  }

  /** The "1.234 ms" part of a line (the one value a test cannot know). */
  private static String durationOf(String line) {
    return line.replaceAll(".* (\\d+\\.\\d{3} ms) \\{.*", "$1");
  }
}
