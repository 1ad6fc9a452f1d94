package io.kcp.cli;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagServer;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kcp lag serve}: samples groups and serves a live page, Burrow-shaped JSON and Prometheus metrics. */
@Command(
    name = "serve",
    header = "Serve a lag page, Burrow's HTTP API and /metrics.",
    mixinStandardHelpOptions = true,
    description = {
      "Sample the named groups (or every consumer group) each --interval and serve,",
      "on --bind:--port (127.0.0.1:8080 by default):",
      "  /                                     a live page: status badge and lag chart per group",
      "  /v3/kafka                             the cluster list (Burrow's HTTP API shape)",
      "  /v3/kafka/CLUSTER                     the cluster: its bootstrap servers (Burrow's shape)",
      "  /v3/kafka/CLUSTER/consumer            the groups (Burrow's shape)",
      "  /v3/kafka/CLUSTER/consumer/G          G's offsets per topic and partition (Burrow's shape)",
      "  /v3/kafka/CLUSTER/consumer/G/lag      every partition of G (Burrow's shape)",
      "  /v3/kafka/CLUSTER/consumer/G/status   the partitions of G that are not OK",
      "  /metrics                              the lag gauges in Prometheus text",
      "  /healthz                              'ok'",
      "Every endpoint answers GET and HEAD and changes nothing (other methods: 405).",
      "History is kept in memory, --history observations per group at most."
    })
final class LagServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin ClientOptions client;

  @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (required).")
  String bootstrapServer;

  @Option(names = {"-g", "--group"}, paramLabel = "GROUP", arity = "1..*",
      description = "Groups to watch (repeatable; default: every consumer group, as groups come and go).")
  List<String> groups = new ArrayList<>();

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
  String bind;

  @Option(names = "--port", defaultValue = "8080", description = "Port (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--cluster-name", defaultValue = "local",
      description = "The {cluster} of the /v3/kafka/{cluster}/… paths. Default: ${DEFAULT-VALUE}.")
  String clusterName;

  @Option(names = "--interval", defaultValue = "5s", converter = DurationConverter.class,
      description = "Time between observations. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  @Option(names = "--window", defaultValue = "10",
      description = "Observations per evaluation window. Default: ${DEFAULT-VALUE}.")
  int window;

  @Option(names = "--history", defaultValue = "720",
      description = "Observations kept per group for the chart (older ones are dropped). Default: ${DEFAULT-VALUE}.")
  int history;

  @Option(names = "--allowed-lag", defaultValue = "0",
      description = "Lag at or below this counts as caught up. Default: ${DEFAULT-VALUE}.")
  long allowedLag;

  @Option(names = "--minimum-complete", defaultValue = "0", paramLabel = "0..1",
      description = "Judge a partition only once its window is at least this full (Burrow's minimum-complete)."
          + " Default: ${DEFAULT-VALUE}.")
  double minimumComplete;

  @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long one call to the cluster may take. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--no-time-lag", description = "No time lag (the same as --time-lag none).")
  boolean noTimeLag;

  @Option(names = "--time-lag", paramLabel = "probe|interpolate|none", description = LagOptions.TIME_LAG_HELP)
  String timeLag;

  @Option(names = "--snapshot", paramLabel = "FILE.png",
      description = "After every round, write the chart of every served group to FILE.png (XChart; no browser).")
  Path snapshot;

  @Option(names = "--count", description = "Stop after this many rounds of observations (default: until stopped).")
  Integer count;

  @Override
  public Integer call() {
    bootstrapServer = BrokerOption.required(bootstrapServer, "kcp lag serve", client);
    Checks.positive("--window", window);
    Checks.positive("--history", history);
    if (count != null) {
      Checks.positive("--count", count);
    }
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be 0..65535 (got " + port + ")");
    }
    if (interval.isZero() || interval.isNegative()) {
      throw new CliException("--interval must be positive (got " + interval + ")");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new CliException("--timeout must be positive (got " + timeout + ")");
    }
    if (allowedLag < 0) {
      throw new CliException("--allowed-lag must be 0 or more (got " + allowedLag + ")");
    }
    Checks.fraction("--minimum-complete", minimumComplete);
    if (clusterName.isBlank() || clusterName.contains("/")) {
      throw new CliException("--cluster-name must be a non-empty name without '/' (got '" + clusterName + "')");
    }
    Snapshots.check(snapshot);
    PrintWriter err = spec.commandLine().getErr();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    boolean interrupted = false;
    try (ConsumerLag source = ConsumerLag.builder().properties(client.properties())
            .bootstrapServers(bootstrapServer.strip()).timeout(timeout)
            .timeLag(LagOptions.timeLagMode(timeLag, noTimeLag)).build();
        PrometheusEndpoint metrics = PrometheusEndpoint.detached()) {
      LagServer.Builder builder = LagServer.builder(source).groups(groups).bind(bind).port(port)
          .clusterName(clusterName).bootstrapServers(bootstrapServer.strip())
          .clientProperties(client.properties()) // the cluster detail's client-profile; redacted by the builder
          .interval(interval).windowSize(window)
          .allowedLag(allowedLag).minimumComplete(minimumComplete).history(history)
          .openTelemetry(metrics.openTelemetry()).route("/metrics", metrics.handler())
          .onRound(round -> {
            try {
              onRound(round, err);
            } catch (RuntimeException e) {
              failure.set(e);
              done.countDown();
              return;
            }
            if (count != null && round.number() >= count) {
              done.countDown();
            }
          });
      LagServer server;
      try {
        server = builder.start();
      } catch (UncheckedIOException e) {
        Throwable why = e.getCause() instanceof BindException ? e.getCause() : e;
        throw new CliException("cannot listen on " + bind + ":" + port + " (" + why.getMessage()
            + "; pick another --port, or 0 for any free one)", e);
      }
      try (server) {
        err.printf("kcp lag serve: %s/ (watching %s; every %d ms; Ctrl-C to stop)%n", server.url(),
            groups.isEmpty() ? "every consumer group" : String.join(", ", groups), interval.toMillis());
        err.flush();
        try {
          done.await();
        } catch (InterruptedException e) {
          interrupted = true; // stopped; the flag is set again once the clients are closed
        }
      }
    } finally {
      if (interrupted) {
        // set before, it would make the time-lag probe's KafkaConsumer.close() throw InterruptException
        Thread.currentThread().interrupt();
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    err.println("kcp lag serve: stopped");
    err.flush();
    return 0;
  }

  /** After each round: the --snapshot chart, and the one line that says the groups could not be listed. */
  private void onRound(LagServer.Round round, PrintWriter err) {
    if (snapshot != null) {
      LagServer server = round.server();
      LagChart.writePng(snapshot, server.watched().stream()
          .map(g -> new LagChart.Group(g, server.history(g))).toList());
    }
    round.error().ifPresent(m -> {
      synchronized (err) {
        err.println("kcp lag serve: cannot list the groups: " + m + " (retrying in " + interval.toMillis() + " ms)");
        err.flush();
      }
    });
  }
}
