package io.kcp.cli;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code --otel logging}: prints each ended span as one readable line, e.g.
 *
 * <pre>
 * otel span 'process orders' CONSUMER trace=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7
 *   parent=53995c3f42cd8ad8 links=1 status=OK 1.204 ms {messaging.system=kafka, messaging.kafka.offset=42}
 * </pre>
 *
 * (one line; wrapped here). {@code parent=-} marks a root span. Meant for short runs with a
 * {@code SimpleSpanProcessor}: a span per record at full speed is a lot of lines.
 */
final class OneLineSpanExporter implements SpanExporter {
  private final PrintWriter out;

  OneLineSpanExporter(PrintWriter out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    for (SpanData span : spans) {
      out.println(format(span)); // one println per line: lines of concurrent exports never interleave
    }
    out.flush();
    return CompletableResultCode.ofSuccess();
  }

  /** The one line for {@code span}, without a line break. */
  static String format(SpanData span) {
    SpanContext parent = span.getParentSpanContext();
    StringBuilder line = new StringBuilder(160)
        .append("otel span '").append(span.getName()).append("' ").append(span.getKind())
        .append(" trace=").append(span.getTraceId())
        .append(" span=").append(span.getSpanId())
        .append(" parent=").append(parent.isValid() ? parent.getSpanId() : "-")
        .append(" links=").append(span.getTotalRecordedLinks())
        .append(" status=").append(status(span.getStatus()))
        .append(String.format(Locale.ROOT, " %.3f ms",
            (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6));
    appendAttributes(line.append(' '), span.getAttributes());
    return line.toString();
  }

  private static String status(StatusData status) {
    if (status.getStatusCode() == StatusCode.ERROR && !status.getDescription().isEmpty()) {
      return "ERROR(" + status.getDescription() + ")";
    }
    return status.getStatusCode().name();
  }

  /**
   * {@code {k1=v1, k2=v2}} sorted by key: a span's attributes come in a hash map's order, which
   * differs from run to run, and a line that reads the same every time is easier to compare.
   */
  static StringBuilder appendAttributes(StringBuilder line, Attributes attributes) {
    java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
    attributes.asMap().forEach((k, v) -> sorted.put(k.getKey(), v));
    line.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : sorted.entrySet()) {
      if (!first) {
        line.append(", ");
      }
      first = false;
      line.append(e.getKey()).append('=').append(e.getValue());
    }
    return line.append('}');
  }

  @Override
  public CompletableResultCode flush() {
    out.flush();
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    out.flush(); // not ours to close: it is kcp's stderr
    return CompletableResultCode.ofSuccess();
  }
}
