package io.kcp.cli;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --otel none|logging|otlp}, {@code --otel-endpoint}, {@code --otel-service-name}: where the
 * spans and metrics of the libraries go. The libraries depend on {@code opentelemetry-api} only and
 * take an {@link OpenTelemetry}; this mixin is where kcp, the application, brings the SDK.
 *
 * <p>The SDK is built by {@code opentelemetry-sdk-extension-autoconfigure}, so the standard {@code
 * OTEL_*} environment variables apply as the SDK reads them ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES},
 * the signal-specific endpoints, timeouts, TLS files, ...). Precedence, highest first: kcp's flags,
 * {@code -Dotel.*} system properties, the environment, kcp's defaults (http/protobuf to {@link
 * #DEFAULT_ENDPOINT}, W3C trace context only, {@code service.name} kcp, metrics every {@link
 * #METRIC_INTERVAL}). Without {@code --otel}, {@code OTEL_TRACES_EXPORTER} and {@code
 * OTEL_METRICS_EXPORTER} choose per signal ({@code none}, {@code otlp}, {@code console} or {@code
 * logging}); with neither, nothing is exported, as before.
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

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  @Option(names = "--otel", paramLabel = "EXPORTER",
      description = "Where spans and metrics go: ${COMPLETION-CANDIDATES}. 'logging' prints one line per"
          + " span and per metric on stderr (metrics every 10 s and at the end); 'otlp' sends them"
          + " to --otel-endpoint. Default: none, unless OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER"
          + " name otlp or console.")
  Exporter exporter;

  @Option(names = "--otel-endpoint", paramLabel = "URL", converter = EndpointConverter.class,
      description = {"With --otel otlp: the OTLP http/protobuf base URL; spans go to URL/v1/traces,"
          + " metrics to URL/v1/metrics (overrides OTEL_EXPORTER_OTLP_ENDPOINT and the per-signal ones).",
          "Default: OTEL_EXPORTER_OTLP_ENDPOINT, else " + DEFAULT_ENDPOINT})
  URI endpoint;

  @Option(names = "--otel-service-name", paramLabel = "NAME", converter = ServiceNameConverter.class,
      description = "The service.name resource attribute (overrides OTEL_SERVICE_NAME). Default:"
          + " OTEL_SERVICE_NAME, or service.name in OTEL_RESOURCE_ATTRIBUTES, else kcp.")
  String serviceName;

  /** {@link #open(PrintWriter, Map)} with the process's environment. */
  Telemetry open(PrintWriter err) {
    return open(err, System.getenv());
  }

  /**
   * The OpenTelemetry the options and {@code env} ask for: the no-op when no signal is exported,
   * else a fresh SDK. {@code err} receives the {@code logging} lines and a warning when the last
   * export fails or times out.
   *
   * @param env the environment the {@code OTEL_*} variables are read from; layered over the
   *     process's own (which the SDK also reads), so a test can set variables without it
   * @throws CliException in one line naming the variable, when an {@code OTEL_*} value is invalid
   *     (header values are never shown: they may carry credentials)
   */
  Telemetry open(PrintWriter err, Map<String, String> env) {
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(env, "env");
    Exporter traces = exporter != null ? exporter : fromEnv(env, "OTEL_TRACES_EXPORTER");
    Exporter metrics = exporter != null ? exporter : fromEnv(env, "OTEL_METRICS_EXPORTER");
    if (traces == Exporter.none && metrics == Exporter.none) {
      return new Telemetry(OpenTelemetry.noop(), null, err, null, null);
    }
    Map<String, String> defaults = Map.of(
        "otel.exporter.otlp.protocol", "http/protobuf",
        "otel.exporter.otlp.endpoint", DEFAULT_ENDPOINT,
        "otel.exporter.otlp.timeout", Long.toString(OTLP_TIMEOUT.toMillis()),
        "otel.metric.export.interval", Long.toString(METRIC_INTERVAL.toMillis()),
        "otel.propagators", "tracecontext");
    Map<String, String> overrides = new HashMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("OTEL_")) {
        overrides.put(property(k), v);
      }
    });
    for (String name : System.getProperties().stringPropertyNames()) {
      String key = name.toLowerCase(Locale.ROOT).replace('-', '.');
      if (key.startsWith("otel.")) {
        overrides.put(key, System.getProperty(name));
      }
    }
    overrides.put("otel.traces.exporter", traces == Exporter.otlp ? "otlp" : "none");
    overrides.put("otel.metrics.exporter", metrics == Exporter.otlp ? "otlp" : "none");
    overrides.put("otel.logs.exporter", "none"); // kcp logs through stderr, not OTel
    if (endpoint != null) {
      String base = endpoint.toString().replaceAll("/+$", "");
      overrides.put("otel.exporter.otlp.endpoint", base);
      overrides.put("otel.exporter.otlp.traces.endpoint", base + "/v1/traces");
      overrides.put("otel.exporter.otlp.metrics.endpoint", base + "/v1/metrics");
    }
    if (serviceName != null) {
      overrides.put("otel.service.name", serviceName);
    }
    String target = "stderr";
    if (traces == Exporter.otlp || metrics == Exporter.otlp) {
      String signal = traces == Exporter.otlp ? "traces" : "metrics";
      target = overrides.getOrDefault("otel.exporter.otlp." + signal + ".endpoint",
          overrides.getOrDefault("otel.exporter.otlp.endpoint", DEFAULT_ENDPOINT).replaceAll("/+$", ""));
    }
    // before the build: the SDK's own log lines (an INFO on a failed build) go through it too
    OneLineWarnings warnings = OneLineWarnings.install(err, target);
    OpenTelemetrySdk sdk;
    try {
      sdk = AutoConfiguredOpenTelemetrySdk.builder()
          .disableShutdownHook() // Telemetry.close() shuts down, within a bound
          .addPropertiesSupplier(() -> defaults) // the lowest: under the environment
          .addPropertiesCustomizer(config -> overrides) // over everything the SDK read
          .addResourceCustomizer((resource, config) -> {
            String name = resource.getAttribute(SERVICE_NAME);
            return name == null || name.startsWith("unknown_service")
                ? resource.merge(Resource.builder().put(SERVICE_NAME, "kcp").build()) : resource;
          })
          .addSpanExporterCustomizer((e, config) -> connectTimeout(e))
          .addMetricExporterCustomizer((e, config) -> connectTimeout(e))
          .addTracerProviderCustomizer((b, config) -> traces == Exporter.logging
              ? b.addSpanProcessor(SimpleSpanProcessor.create(new OneLineSpanExporter(err))) : b)
          .addMeterProviderCustomizer((b, config) -> metrics == Exporter.logging
              // LEGACY: the reader records no metrics about itself (LATEST would add
              // otel.sdk.metric_reader.* to every export of an otherwise idle kcp)
              ? b.registerMetricReader(PeriodicMetricReader.builder(new OneLineMetricExporter(err))
                  .setInterval(config.getDuration("otel.metric.export.interval", METRIC_INTERVAL))
                  .setInternalTelemetryVersion(InternalTelemetryVersion.LEGACY).build())
              : b)
          .build()
          .getOpenTelemetrySdk();
    } catch (ConfigurationException e) {
      warnings.uninstall();
      throw new CliException(configurationError(e, env));
    } catch (RuntimeException | Error e) {
      warnings.uninstall();
      throw e;
    }
    return new Telemetry(sdk, sdk, err, target, warnings);
  }

  /** The exporter an {@code OTEL_*_EXPORTER} variable names; unset means none. */
  private static Exporter fromEnv(Map<String, String> env, String variable) {
    String value = env.getOrDefault(variable, "").strip().toLowerCase(Locale.ROOT);
    switch (value) {
      case "":
      case "none":
        return Exporter.none;
      case "otlp":
        return Exporter.otlp;
      case "console":
      case "logging":
        return Exporter.logging;
      default:
        throw new CliException(variable + "='" + env.get(variable) + "' is not an exporter kcp has: write none,"
            + " otlp, or console (one line per item on stderr, like --otel logging)");
    }
  }

  /** The OTLP exporters built from the configuration, with kcp's connect timeout. */
  private static <T> T connectTimeout(T exporter) {
    Object bounded = exporter;
    if (exporter instanceof OtlpHttpSpanExporter e) {
      bounded = e.toBuilder().setConnectTimeout(OTLP_TIMEOUT).build();
      e.shutdown();
    } else if (exporter instanceof OtlpHttpMetricExporter e) {
      bounded = e.toBuilder().setConnectTimeout(OTLP_TIMEOUT).build();
      e.shutdown();
    }
    @SuppressWarnings("unchecked") // the same type, rebuilt
    T t = (T) bounded;
    return t;
  }

  /**
   * One line for an invalid {@code OTEL_*} value: the SDK's message names the property ({@code
   * otel.exporter.otlp.headers}); the line names the variable it came from, and hides every header
   * value (the SDK's message may quote it, and headers carry API keys).
   */
  /** The SDK's property name of an environment variable: {@code OTEL_SERVICE_NAME} is {@code otel.service.name}. */
  static String property(String environmentVariable) {
    return environmentVariable.toLowerCase(Locale.ROOT).replace('_', '.');
  }

  static String configurationError(ConfigurationException e, Map<String, String> env) {
    String message = String.valueOf(e.getMessage());
    if (e.getCause() != null) {
      message += " (" + e.getCause() + ")";
    }
    for (Map.Entry<String, String> v : env.entrySet()) {
      if (v.getKey().startsWith("OTEL_") && v.getKey().contains("HEADERS") && !v.getValue().isBlank()) {
        message = message.replace(v.getValue(), "<hidden>");
      }
    }
    message = message.replaceAll("(?i)(headers[^=]*=)[^,;]*", "$1<hidden>");
    Map<String, String> named = new TreeMap<>();
    for (Map.Entry<String, String> v : env.entrySet()) {
      String property = property(v.getKey());
      if (v.getKey().startsWith("OTEL_") && (message.contains(property) || message.contains(v.getKey()))) {
        named.put(v.getKey(), property);
      }
    }
    List<String> set = env.keySet().stream().filter(k -> k.startsWith("OTEL_")).sorted().collect(Collectors.toList());
    String from = !named.isEmpty() ? String.join(", ", named.keySet())
        : set.isEmpty() ? "the -Dotel.* system properties"
        : set.size() == 1 ? set.get(0) : "one of " + String.join(", ", set);
    return "invalid OpenTelemetry setting in " + from + ": " + message.replace('\n', ' ');
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

    /** Whether anything is exported (an SDK runs), by --otel or the OTEL_* environment. */
    boolean enabled() {
      return sdk != null;
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
