package io.kcp.cli;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code --otel logging}: prints each metric as one line (cumulative values), e.g.
 *
 * <pre>
 * otel metric kcp.records.handled LONG_SUM {record}: 1200 {partition=0}; 1187 {partition=1}
 * otel metric kcp.commit.duration HISTOGRAM ms: count=12 sum=30.500 min=1.200 max=5.100 {}
 * </pre>
 */
final class OneLineMetricExporter implements MetricExporter {
  private final PrintWriter out;

  OneLineMetricExporter(PrintWriter out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    for (MetricData metric : metrics) {
      out.println(format(metric));
    }
    out.flush();
    return CompletableResultCode.ofSuccess();
  }

  /** The one line for {@code metric}, without a line break. */
  static String format(MetricData metric) {
    StringBuilder line = new StringBuilder(120)
        .append("otel metric ").append(metric.getName()).append(' ').append(metric.getType());
    if (!metric.getUnit().isEmpty()) {
      line.append(' ').append(metric.getUnit());
    }
    line.append(':');
    String separator = " ";
    for (PointData point : metric.getData().getPoints()) {
      line.append(separator).append(value(point)).append(' ');
      OneLineSpanExporter.appendAttributes(line, point.getAttributes());
      separator = "; ";
    }
    return line.toString();
  }

  private static String value(PointData point) {
    if (point instanceof LongPointData) {
      return Long.toString(((LongPointData) point).getValue());
    }
    if (point instanceof DoublePointData) {
      return String.format(Locale.ROOT, "%.3f", ((DoublePointData) point).getValue());
    }
    if (point instanceof HistogramPointData) {
      HistogramPointData h = (HistogramPointData) point;
      return String.format(Locale.ROOT, "count=%d sum=%.3f min=%s max=%s", h.getCount(), h.getSum(),
          h.hasMin() ? String.format(Locale.ROOT, "%.3f", h.getMin()) : "-",
          h.hasMax() ? String.format(Locale.ROOT, "%.3f", h.getMax()) : "-");
    }
    if (point instanceof ExponentialHistogramPointData) {
      ExponentialHistogramPointData h = (ExponentialHistogramPointData) point;
      return String.format(Locale.ROOT, "count=%d sum=%.3f min=%.3f max=%.3f",
          h.getCount(), h.getSum(), h.getMin(), h.getMax());
    }
    if (point instanceof SummaryPointData) {
      SummaryPointData s = (SummaryPointData) point;
      return String.format(Locale.ROOT, "count=%d sum=%.3f", s.getCount(), s.getSum());
    }
    return point.toString();
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
