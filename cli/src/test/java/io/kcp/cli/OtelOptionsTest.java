package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class OtelOptionsTest {

  @Command(name = "test")
  static final class WithOtel {
    @Mixin OtelOptions otel;
  }

  private static OtelOptions parse(String... args) {
    WithOtel command = new WithOtel();
    new CommandLine(command).parseArgs(args);
    return command.otel;
  }

  @Test
  void defaultsToTheNoopAndPrintsNothing() {
    OtelOptions options = parse();
    assertThat(options.exporter).as("not given: the environment may choose").isNull();
    StringWriter err = new StringWriter();
    try (OtelOptions.Telemetry telemetry = options.open(new PrintWriter(err), Map.of())) {
      assertThat(telemetry.openTelemetry()).isSameAs(OpenTelemetry.noop());
      assertThat(telemetry.enabled()).isFalse();
    }
    // an endpoint alone does not turn exporting on: --otel or OTEL_TRACES_EXPORTER does
    try (OtelOptions.Telemetry telemetry = options.open(new PrintWriter(err),
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))) {
      assertThat(telemetry.openTelemetry()).isSameAs(OpenTelemetry.noop());
    }
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void loggingPrintsSpansAsTheyEndAndMetricsAtClose() {
    StringWriter err = new StringWriter();
    OpenTelemetry otel;
    try (OtelOptions.Telemetry telemetry =
        parse("--otel", "logging", "--otel-service-name", "orders").open(new PrintWriter(err), Map.of())) {
      otel = telemetry.openTelemetry();
      assertThat(otel).isInstanceOf(OpenTelemetrySdk.class);
      assertThat(otel.getPropagators().getTextMapPropagator().fields()).containsExactly("traceparent", "tracestate");
      assertThat(((OpenTelemetrySdk) otel).getSdkTracerProvider().toString()).contains("service.name=\"orders\"");
      otel.getTracer("test").spanBuilder("process orders").startSpan().end();
      assertThat(err.toString()).startsWith("otel span 'process orders' INTERNAL ");
      otel.getMeter("test").counterBuilder("kcp.test.count").build().add(7);
      ((OpenTelemetrySdk) otel).getSdkMeterProvider().forceFlush().join(5, TimeUnit.SECONDS);
      ((OpenTelemetrySdk) otel).getSdkMeterProvider().forceFlush().join(5, TimeUnit.SECONDS);
    }
    // only what the program recorded: no metrics of the SDK about itself
    assertThat(err.toString()).doesNotContain("otel.sdk");
    assertThat(err.toString()).contains("otel metric kcp.test.count LONG_SUM: 7 {}");
    assertThat(err.toString().lines()).hasSize(4); // the span, the metric at two flushes and at close
  }

  @Test
  void otlpToAnUnreachableEndpointClosesWithinABound() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    StringWriter err = new StringWriter();
    OtelOptions.Telemetry telemetry = parse("--otel", "otlp", "--otel-endpoint", "http://127.0.0.1:" + port)
        .open(new PrintWriter(err), Map.of());
    OpenTelemetry otel = telemetry.openTelemetry();
    Span span = otel.getTracer("test").spanBuilder("process orders").startSpan();
    span.end();
    otel.getMeter("test").counterBuilder("kcp.test.count").build().add(1);

    long t0 = System.nanoTime();
    telemetry.close(); // throws nothing
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(took).isLessThan(Duration.ofSeconds(10));
    assertThat(err.toString()).contains("otel: Failed to export").contains("java.net.ConnectException")
        .contains("http://127.0.0.1:" + port).doesNotContain("\tat ");
  }

  /** An OTLP receiver on a free port that keeps each request's path, headers and body. */
  static final class Collector implements AutoCloseable {
    record Request(String path, Map<String, List<String>> headers, byte[] body) {
      boolean bodyContains(String s) {
        return new String(body, StandardCharsets.ISO_8859_1).contains(s);
      }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    Collector() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", exchange -> {
        requests.add(new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
            exchange.getRequestBody().readAllBytes()));
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static String deadUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void otlpTakesEndpointHeadersAndResourceFromTheEnvironment() throws Exception {
    StringWriter err = new StringWriter();
    try (Collector collector = new Collector()) {
      Map<String, String> env = Map.of(
          "OTEL_EXPORTER_OTLP_ENDPOINT", collector.url(),
          "OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=s3cr3t-k3y,x-tenant=shop",
          "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=staging,service.namespace=payments",
          "OTEL_SERVICE_NAME", "orders-consumer");
      try (OtelOptions.Telemetry telemetry = parse("--otel", "otlp").open(new PrintWriter(err), env)) {
        telemetry.openTelemetry().getTracer("test").spanBuilder("process orders").startSpan().end();
      } // close exports the batch
      assertThat(collector.requests).filteredOn(r -> r.path().equals("/v1/traces")).singleElement()
          .satisfies(r -> {
            assertThat(r.headers()).containsEntry("X-api-key", List.of("s3cr3t-k3y"))
                .containsEntry("X-tenant", List.of("shop"));
            assertThat(r.bodyContains("orders-consumer")).as("service.name from OTEL_SERVICE_NAME").isTrue();
            assertThat(r.bodyContains("staging")).as("OTEL_RESOURCE_ATTRIBUTES").isTrue();
            assertThat(r.bodyContains("payments")).isTrue();
            assertThat(r.bodyContains("process orders")).isTrue();
          });
    }
    assertThat(err.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void flagsOverrideTheEnvironment() throws Exception {
    StringWriter err = new StringWriter();
    try (Collector collector = new Collector()) {
      Map<String, String> env = Map.of(
          "OTEL_EXPORTER_OTLP_ENDPOINT", deadUrl(),
          "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", deadUrl() + "/v1/traces",
          "OTEL_SERVICE_NAME", "from-env",
          "OTEL_TRACES_EXPORTER", "console");
      try (OtelOptions.Telemetry telemetry = parse("--otel", "otlp", "--otel-endpoint", collector.url(),
          "--otel-service-name", "from-flag").open(new PrintWriter(err), env)) {
        OpenTelemetrySdk sdk = (OpenTelemetrySdk) telemetry.openTelemetry();
        assertThat(sdk.getSdkTracerProvider().toString()).contains("service.name=\"from-flag\"")
            .doesNotContain("from-env");
        sdk.getTracer("test").spanBuilder("process orders").startSpan().end();
      }
      assertThat(collector.requests).extracting(Collector.Request::path).contains("/v1/traces", "/v1/metrics");
    }
    assertThat(err.toString()).as("--otel otlp, not the console OTEL_TRACES_EXPORTER names")
        .doesNotContain("otel span");
  }

  @Test
  void theEnvironmentAloneCanChooseTheExporterPerSignal() {
    StringWriter err = new StringWriter();
    try (OtelOptions.Telemetry telemetry = parse().open(new PrintWriter(err),
        Map.of("OTEL_TRACES_EXPORTER", "console", "OTEL_RESOURCE_ATTRIBUTES", "service.name=billing"))) {
      assertThat(telemetry.enabled()).isTrue();
      OpenTelemetrySdk sdk = (OpenTelemetrySdk) telemetry.openTelemetry();
      assertThat(sdk.getSdkTracerProvider().toString()).as("service.name from the resource attributes")
          .contains("service.name=\"billing\"");
      sdk.getTracer("test").spanBuilder("process orders").startSpan().end();
      sdk.getMeter("test").counterBuilder("kcp.test.count").build().add(7);
    }
    assertThat(err.toString()).startsWith("otel span 'process orders' INTERNAL ")
        .as("OTEL_METRICS_EXPORTER unset: no metrics").doesNotContain("otel metric");
  }

  @Test
  void anInvalidOtelValueIsOneLineNamingTheVariable() {
    assertThatThrownBy(() -> parse().open(new PrintWriter(new StringWriter()), Map.of("OTEL_TRACES_EXPORTER", "jaeger")))
        .isInstanceOf(CliException.class).hasMessageStartingWith("OTEL_TRACES_EXPORTER='jaeger' is not an exporter");
    assertThatThrownBy(() -> parse("--otel", "logging").open(new PrintWriter(new StringWriter()),
        Map.of("OTEL_METRIC_EXPORT_INTERVAL", "soon")))
        .isInstanceOf(CliException.class).hasMessageContaining("OTEL_METRIC_EXPORT_INTERVAL")
        .hasMessageContaining("soon").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> parse("--otel", "otlp").open(new PrintWriter(new StringWriter()),
        Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization-Bearer-t0p53cret")))
        .isInstanceOf(CliException.class).hasMessageContaining("OTEL_EXPORTER_OTLP_HEADERS")
        .hasMessageNotContaining("t0p53cret").hasMessageNotContaining("\n");
  }

  @Test
  void badValuesAreUsageErrorsNamingTheOption() {
    assertThat(usageError("--otel", "jaeger"))
        .contains("--otel").contains("none, logging, otlp").contains("jaeger");
    assertThat(usageError("--otel-endpoint", "localhost:4318"))
        .contains("--otel-endpoint").contains("http://localhost:4318");
    assertThat(usageError("--otel-service-name", " "))
        .contains("--otel-service-name").contains("blank");
  }

  @Test
  void consumeShowsTheOptions() {
    String help = Kcp.commandLine().getSubcommands().get("consume").getUsageMessage();
    assertThat(help).contains("--otel=EXPORTER", "--otel-endpoint=URL", "--otel-service-name=NAME");
  }

  /** What {@code kcp consume ARGS} prints on stderr, after checking it exits with the usage code. */
  private static String usageError(String... args) {
    CommandLine kcp = Kcp.commandLine();
    StringWriter err = new StringWriter();
    kcp.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "consume";
    System.arraycopy(args, 0, all, 1, args.length);
    assertThat(kcp.execute(all)).isEqualTo(Kcp.EXIT_USAGE);
    return err.toString();
  }
}
