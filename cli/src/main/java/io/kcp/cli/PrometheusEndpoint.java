package io.kcp.cli;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The OpenTelemetry metrics SDK with a pull reader that renders the gauges in the Prometheus text
 * exposition format at {@code /metrics}. (The SDK's own Prometheus exporter,
 * {@code opentelemetry-exporter-prometheus}, is not yet used here;
 * published on Maven Central, and our gauges need nothing beyond the text format.)
 */
final class PrometheusEndpoint implements AutoCloseable {
  private final SdkMeterProvider provider;
  private final HttpServer server;
  private final OpenTelemetry otel;
  private final Reader reader;

  private PrometheusEndpoint(SdkMeterProvider provider, HttpServer server, Reader reader) {
    this.provider = provider;
    this.server = server;
    this.reader = reader;
    this.otel = provider == null ? OpenTelemetry.noop() : new SdkMetricsOnly(provider);
  }

  /**
   * Serves on {@code bind:port} (0 = any free port); a null port means no endpoint and a no-op
   * OpenTelemetry.
   */
  static PrometheusEndpoint start(String bind, Integer port, PrintWriter err) {
    if (port == null) {
      return new PrometheusEndpoint(null, null, null);
    }
    if (port < 0 || port > 65535) {
      throw new CliException("--prometheus-port must be 0..65535 (got " + port + ")");
    }
    Reader reader = new Reader();
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    } catch (BindException e) {
      provider.close();
      throw new CliException("cannot listen on " + bind + ":" + port + " for --prometheus-port (" + e.getMessage()
          + "; pick another port, or 0 for any free one)");
    } catch (IOException e) {
      provider.close();
      throw new CliException("cannot serve --prometheus-port " + port + ": " + e.getMessage(), e);
    }
    mount(server, reader);
    server.start();
    err.printf("serving lag metrics at http://%s:%d/metrics%n", host(bind), server.getAddress().getPort());
    err.flush();
    return new PrometheusEndpoint(provider, server, reader);
  }

  /** How a URL names the bound address (an IPv6 literal in brackets). */
  private static String host(String bind) {
    return bind.contains(":") ? "[" + bind + "]" : bind;
  }

  /**
   * The metrics SDK without a server of its own: {@link #handler()} renders it for a server the
   * caller runs (and stops); closing it closes the SDK only.
   */
  static PrometheusEndpoint detached() {
    Reader reader = new Reader();
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    return new PrometheusEndpoint(provider, null, reader);
  }

  /** A handler that answers with this SDK's gauges in Prometheus text (e.g. a {@code LagServer} route). */
  HttpHandler handler() {
    return handler(reader);
  }

  private static void mount(HttpServer server, Reader reader) {
    server.createContext("/metrics", handler(reader));
  }

  private static HttpHandler handler(Reader reader) {
    return exchange -> {
      byte[] body = reader.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(body);
      }
    };
  }

  OpenTelemetry openTelemetry() {
    return otel;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    if (provider != null) {
      provider.close();
    }
  }

  /** An OpenTelemetry that has metrics only (no traces, no propagation). */
  private static final class SdkMetricsOnly implements OpenTelemetry {
    private final SdkMeterProvider provider;

    SdkMetricsOnly(SdkMeterProvider provider) {
      this.provider = provider;
    }

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
  }

  /** Collects on each scrape and renders long gauges as Prometheus text. */
  static final class Reader implements MetricReader {
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
      this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }

    String scrape() {
      List<MetricData> metrics = new ArrayList<>(registration.collectAllMetrics());
      metrics.sort(Comparator.comparing(MetricData::getName));
      StringBuilder b = new StringBuilder();
      for (MetricData m : metrics) {
        if (m.getType() != MetricDataType.LONG_GAUGE) {
          continue;
        }
        String name = name(m);
        b.append("# HELP ").append(name).append(' ').append(m.getDescription().replace("\n", " ")).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n");
        for (LongPointData p : m.getLongGaugeData().getPoints()) {
          b.append(name);
          List<String> labels = new ArrayList<>();
          p.getAttributes().forEach((k, v) -> labels.add(
              k.getKey().replaceAll("[^A-Za-z0-9_]", "_") + "=\"" + escape(String.valueOf(v)) + "\""));
          if (!labels.isEmpty()) {
            b.append('{').append(String.join(",", labels)).append('}');
          }
          b.append(' ').append(p.getValue()).append('\n');
        }
      }
      return b.toString();
    }

    private static String name(MetricData m) {
      String n = m.getName().replaceAll("[^A-Za-z0-9_]", "_");
      return "ms".equals(m.getUnit()) ? n + "_milliseconds" : n;
    }

    private static String escape(String v) {
      return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
  }
}
