package io.kcp.cli;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --otel none|logging|otlp}, {@code --otel-endpoint}, {@code --otel-service-name}: where the
 * spans and metrics of the libraries go. The libraries depend on {@code opentelemetry-api} only and
 * take an {@link OpenTelemetry}; this mixin is where kcp, the application, brings the SDK.
 *
 * <p>{@link #open(PrintWriter)} builds the SDK (or the no-op for {@code none}); close the returned
 * {@link Telemetry} when the command ends: that exports what is still buffered, within {@link
 * #CLOSE_TIMEOUT}, so even a short run exports everything and a dead collector cannot hang kcp.
 */
final class OtelOptions {

  /** Where telemetry goes, as typed after {@code --otel}. */
  enum Exporter { none, logging, otlp }

  /** OTLP http/protobuf's default base URL (an OpenTelemetry Collector on this machine). */
  static final String DEFAULT_ENDPOINT = "http://localhost:4318";

  /** How often metrics are exported (and, with {@code logging}, printed) while kcp runs. */
  static final Duration METRIC_INTERVAL = Duration.ofSeconds(10);

  /** The most {@link Telemetry#close()} waits for the last export. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** The OTLP exporters' bound per request (connect, and the whole export). */
  static final Duration OTLP_TIMEOUT = Duration.ofSeconds(3);

  @Option(names = "--otel", paramLabel = "EXPORTER", defaultValue = "none",
      description = "Where spans and metrics go: ${COMPLETION-CANDIDATES}. 'logging' prints one line per"
          + " span and per metric on stderr (metrics every 10 s and at the end); 'otlp' sends them"
          + " to --otel-endpoint. Default: ${DEFAULT-VALUE}.")
  Exporter exporter;

  @Option(names = "--otel-endpoint", paramLabel = "URL", defaultValue = DEFAULT_ENDPOINT,
      converter = EndpointConverter.class,
      description = {"With --otel otlp: the OTLP http/protobuf base URL; spans go to URL/v1/traces,"
          + " metrics to URL/v1/metrics (like OTEL_EXPORTER_OTLP_ENDPOINT).",
          "Default: ${DEFAULT-VALUE}"})
  URI endpoint;

  @Option(names = "--otel-service-name", paramLabel = "NAME", defaultValue = "kcp",
      converter = ServiceNameConverter.class,
      description = "The service.name resource attribute. Default: ${DEFAULT-VALUE}.")
  String serviceName;

  /**
   * The OpenTelemetry the options ask for: the no-op for {@code none}, else a fresh SDK with W3C
   * trace-context propagation and a {@code service.name} resource. {@code err} receives the
   * {@code logging} lines and a warning when the last export fails or times out.
   */
  Telemetry open(PrintWriter err) {
    Objects.requireNonNull(err, "err");
    if (exporter == Exporter.none) {
      return new Telemetry(OpenTelemetry.noop(), null, err, null, null);
    }
    Resource resource = Resource.getDefault().toBuilder().put("service.name", serviceName).build();
    SpanProcessor spans;
    MetricExporter metrics;
    String target;
    if (exporter == Exporter.logging) {
      spans = SimpleSpanProcessor.create(new OneLineSpanExporter(err));
      metrics = new OneLineMetricExporter(err);
      target = "stderr";
    } else {
      String base = endpoint.toString().replaceAll("/+$", "");
      spans = BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
              .setEndpoint(base + "/v1/traces")
              .setConnectTimeout(OTLP_TIMEOUT).setTimeout(OTLP_TIMEOUT).build())
          .build();
      metrics = OtlpHttpMetricExporter.builder()
          .setEndpoint(base + "/v1/metrics")
          .setConnectTimeout(OTLP_TIMEOUT).setTimeout(OTLP_TIMEOUT).build();
      target = base;
    }
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .setTracerProvider(SdkTracerProvider.builder().setResource(resource).addSpanProcessor(spans).build())
        .setMeterProvider(SdkMeterProvider.builder().setResource(resource)
            // LEGACY: the reader records no metrics about itself (LATEST would add
            // otel.sdk.metric_reader.* to every export of an otherwise idle kcp)
            .registerMetricReader(PeriodicMetricReader.builder(metrics).setInterval(METRIC_INTERVAL)
                .setInternalTelemetryVersion(InternalTelemetryVersion.LEGACY).build())
            .build())
        .build();
    return new Telemetry(sdk, sdk, err, target, OneLineWarnings.install(err, target));
  }

  /**
   * The OpenTelemetry of one command run. {@link #close()} exports what is buffered (spans still
   * in the batch, the final metrics) and shuts the SDK down, waiting at most {@link #CLOSE_TIMEOUT}.
   */
  static final class Telemetry implements AutoCloseable {
    private final OpenTelemetry openTelemetry;
    private final OpenTelemetrySdk sdk; // null for the no-op
    private final PrintWriter err;
    private final String target;
    private final OneLineWarnings warnings; // null for the no-op

    private Telemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, PrintWriter err, String target,
        OneLineWarnings warnings) {
      this.openTelemetry = openTelemetry;
      this.sdk = sdk;
      this.err = err;
      this.target = target;
      this.warnings = warnings;
    }

    /** The instance to hand to the libraries' builders ({@code OpenTelemetry.noop()} for none). */
    OpenTelemetry openTelemetry() {
      return openTelemetry;
    }

    /**
     * Flushes and shuts down within {@link #CLOSE_TIMEOUT}; never throws, and says on stderr when
     * telemetry could not be exported. Shutting down flushes: the span processor exports its queue
     * and the metric reader collects and exports once more (a separate forceFlush before it would
     * print the metrics twice with {@code logging}).
     */
    @Override
    public void close() {
      if (sdk == null) {
        return;
      }
      CompletableResultCode done = sdk.shutdown().join(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!done.isDone()) {
        err.printf(Locale.ROOT, "otel: telemetry not exported to %s within %d s; giving up%n",
            target, CLOSE_TIMEOUT.toSeconds());
      } else if (!done.isSuccess()) {
        err.printf("otel: some telemetry could not be exported to %s%n", target);
      }
      err.flush();
      warnings.uninstall();
    }
  }

  /**
   * While the SDK runs, its own warnings (the OTel SDK logs through java.util.logging: "Failed to
   * export spans ..." with a stack trace per attempt) become one line each on kcp's stderr.
   */
  private static final class OneLineWarnings extends Handler {
    private final PrintWriter err;
    private final Logger logger; // a strong reference: java.util.logging keeps loggers weakly
    private final boolean parentHandlers;
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final String target;

    private OneLineWarnings(PrintWriter err, Logger logger, String target) {
      this.err = err;
      this.target = target;
      this.logger = logger;
      this.parentHandlers = logger.getUseParentHandlers();
      setLevel(Level.WARNING);
    }

    static OneLineWarnings install(PrintWriter err, String target) {
      OneLineWarnings handler = new OneLineWarnings(err, Logger.getLogger("io.opentelemetry"), target);
      handler.logger.addHandler(handler);
      handler.logger.setUseParentHandlers(false);
      return handler;
    }

    void uninstall() {
      logger.removeHandler(this);
      logger.setUseParentHandlers(parentHandlers);
    }

    @Override
    public void publish(LogRecord record) {
      if (!isLoggable(record)) {
        return;
      }
      StringBuilder line = new StringBuilder("otel: ").append(formatter.formatMessage(record));
      if (line.indexOf("Failed to export") >= 0) {
        line.append(" [to ").append(target).append(']'); // the exporter's message does not say where
      }
      if (record.getThrown() != null) {
        line.append(" (").append(record.getThrown()).append(')');
      }
      err.println(line);
      err.flush();
    }

    @Override
    public void flush() {
      err.flush();
    }

    @Override
    public void close() {
      err.flush(); // not ours to close: it is kcp's stderr
    }
  }

  /** An absolute http(s) URL; anything else is a usage error naming the option. */
  static final class EndpointConverter implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      try {
        URI uri = new URI(value.strip());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
            && uri.getQuery() == null && uri.getFragment() == null) {
          return uri;
        }
      } catch (URISyntaxException e) {
        // the message below says what is wanted
      }
      throw new TypeConversionException(
          "'" + value + "' is not an http(s) base URL: write e.g. " + DEFAULT_ENDPOINT);
    }
  }

  /** A non-blank service name. */
  static final class ServiceNameConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (value.isBlank()) {
        throw new TypeConversionException("the service name must not be blank");
      }
      return value.strip();
    }
  }
}
