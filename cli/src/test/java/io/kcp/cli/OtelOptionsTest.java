package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
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
    assertThat(options.exporter).isEqualTo(OtelOptions.Exporter.none);
    assertThat(options.endpoint).isEqualTo(URI.create("http://localhost:4318"));
    assertThat(options.serviceName).isEqualTo("kcp");
    StringWriter err = new StringWriter();
    try (OtelOptions.Telemetry telemetry = options.open(new PrintWriter(err))) {
      assertThat(telemetry.openTelemetry()).isSameAs(OpenTelemetry.noop());
    }
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void loggingPrintsSpansAsTheyEndAndMetricsAtClose() {
    StringWriter err = new StringWriter();
    OpenTelemetry otel;
    try (OtelOptions.Telemetry telemetry =
        parse("--otel", "logging", "--otel-service-name", "orders").open(new PrintWriter(err))) {
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
        .open(new PrintWriter(err));
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
