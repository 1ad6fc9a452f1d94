package io.kcp.cli;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * The OpenTelemetry metrics SDK read by the official Prometheus exporter ({@code
 * opentelemetry-exporter-prometheus}'s {@link PrometheusMetricReader}) and scraped through the
 * Prometheus client's {@link MetricsHandler}: every instrument kind (gauges, counters with {@code
 * _total}, histograms with {@code _bucket}/{@code _sum}/{@code _count}), the exporter's naming
 * rules (dots to underscores, the unit as a suffix: {@code s} → {@code _seconds}, {@code {offset}}
 * dropped), and the text or OpenMetrics format as the scraper asks.
 *
 * <p>The {@code otel_scope_*} labels and the {@code target_info} series are turned off: kcp's
 * series come from one instrumentation scope, Prometheus names the target by its {@code job} and
 * {@code instance} labels, and the series keep the label sets of kafka-lag-exporter's, which
 * dashboards written for it expect. (The OTLP path, {@link OtelOptions}, keeps scope and resource.)
 */
final class PrometheusEndpoint implements AutoCloseable {
  private final SdkMeterProvider provider; // null: no endpoint, the no-op
  private final HttpServer server; // null: detached, or no endpoint
  private final OpenTelemetry otel;
  private final HttpHandler handler;

  private PrometheusEndpoint(SdkMeterProvider provider, HttpServer server, HttpHandler handler) {
    this.provider = provider;
    this.server = server;
    this.handler = handler;
    this.otel = provider == null ? OpenTelemetry.noop() : new SdkMetricsOnly(provider);
  }

  /**
   * Series per metric before the SDK folds the rest into one {@code otel_metric_overflow="true"}
   * series: {@value}. The SDK's default, 2,000, is reached by the per-partition series of
   * {@code kcp lag serve} over 20 groups of 100 partitions; a lag exporter must not silently drop
   * a partition, so the limit is set far above any cluster this serves (about 1 KB of memory per
   * series in use; a series that stops being reported is forgotten at the next collection).
   */
  static final int SERIES_LIMIT = 100_000;

  /**
   * Serves on {@code bind:port} (0 = any free port); a null port means no endpoint and a no-op
   * OpenTelemetry.
   */
  static PrometheusEndpoint start(String bind, Integer port, PrintWriter err) {
    if (port == null) {
      return new PrometheusEndpoint(null, null, new MetricsHandler(new PrometheusRegistry()));
    }
    if (port < 0 || port > 65535) {
      throw new CliException("--prometheus-port must be 0..65535 (got " + port + ")");
    }
    PrometheusEndpoint sdk = detached();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    } catch (BindException e) {
      sdk.close();
      throw new CliException("cannot listen on " + bind + ":" + port + " for --prometheus-port (" + e.getMessage()
          + "; pick another port, or 0 for any free one)");
    } catch (IOException e) {
      sdk.close();
      throw new CliException("cannot serve --prometheus-port " + port + ": " + e.getMessage(), e);
    }
    server.createContext("/metrics", sdk.handler);
    server.start();
    err.printf("serving lag metrics at http://%s:%d/metrics%n", host(bind), server.getAddress().getPort());
    err.flush();
    return new PrometheusEndpoint(sdk.provider, server, sdk.handler);
  }

  /** How a URL names the bound address (an IPv6 literal in brackets). */
  private static String host(String bind) {
    return bind.contains(":") ? "[" + bind + "]" : bind;
  }

  /**
   * The metrics SDK without a server of its own: {@link #handler()} renders it wherever the caller
   * routes it (and the caller stops its server); closing this closes the SDK only.
   */
  static PrometheusEndpoint detached() {
    PrometheusMetricReader reader = PrometheusMetricReader.builder()
        .setOtelScopeLabelsEnabled(false)
        .setTargetInfoMetricEnabled(false)
        .build();
    SdkMeterProvider provider = SdkMeterProvider.builder()
        .registerMetricReader(reader, type -> SERIES_LIMIT).build();
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(reader);
    return new PrometheusEndpoint(provider, null, new MetricsHandler(registry));
  }

  /**
   * The scrape: a GET renders every metric of this SDK, collected at that moment, in the format
   * the {@code Accept} header asks for (Prometheus text by default). Route {@code /metrics} to it.
   */
  HttpHandler handler() {
    return handler;
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
}
