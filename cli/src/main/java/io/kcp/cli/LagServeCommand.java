package io.kcp.cli;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kcp lag serve}: samples groups and serves a live page, Burrow-shaped JSON and Prometheus metrics. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Sample the named groups (or every consumer group) each --interval and serve,",
      "on --bind:--port (127.0.0.1:8080 by default):",
      "  /                                     a live page: status badge and lag chart per group",
      "  /v3/kafka/CLUSTER/consumer            the groups (Burrow's HTTP API shape)",
      "  /v3/kafka/CLUSTER/consumer/G/lag      every partition of G (Burrow's shape)",
      "  /v3/kafka/CLUSTER/consumer/G/status   the partitions of G that are not OK",
      "  /metrics                              the lag gauges in Prometheus text",
      "  /healthz                              'ok'",
      "Every endpoint is a GET that changes nothing. History is kept in memory,",
      "--history observations per group at most."
    })
final class LagServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;

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

  @Option(names = "--no-time-lag", description = "Do not fetch the first unconsumed record of each lagging partition.")
  boolean noTimeLag;

  @Option(names = "--snapshot", paramLabel = "FILE.png",
      description = "After every round, write the chart of every served group to FILE.png (XChart; no browser).")
  Path snapshot;

  @Option(names = "--count", description = "Stop after this many rounds of observations (default: until stopped).")
  Integer count;

  @Override
  public Integer call() {
    if (bootstrapServer == null || bootstrapServer.isBlank()) {
      throw new CliException("--bootstrap-server is required for 'kcp lag serve'"
          + " (start a broker with 'kcp sandbox' and pass the bootstrap.servers it prints)");
    }
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
    try (ConsumerLag source = ConsumerLag.builder().bootstrapServers(bootstrapServer.strip()).timeout(timeout)
            .timeLag(!noTimeLag).build()) {
      LagServer server = null;
      PrometheusEndpoint metrics = null;
      LagBoard board = null;
      try {
        metrics = PrometheusEndpoint.detached();
        board = new LagBoard(source, groups, window, allowedLag, minimumComplete, history, metrics.openTelemetry(),
            System::currentTimeMillis);
        server = LagServer.bind(bind, port, board, clusterName, interval.toMillis());
        metrics.mount(server.httpServer());
        server.start();
        err.printf("kcp lag serve: %s/ (watching %s; every %d ms; Ctrl-C to stop)%n", server.url(),
            groups.isEmpty() ? "every consumer group" : String.join(", ", groups), interval.toMillis());
        err.flush();
        loop(board, err);
      } finally {
        if (server != null) {
          server.close();
        }
        if (board != null) {
          board.close();
        }
        if (metrics != null) {
          metrics.close();
        }
      }
    }
    return 0;
  }

  private void loop(LagBoard board, PrintWriter err) {
    for (int i = 0; count == null || i < count; i++) {
      if (i > 0) {
        try {
          TimeUnit.MILLISECONDS.sleep(interval.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
      Optional<String> listError;
      try {
        listError = board.sample();
      } catch (LagException e) {
        listError = Optional.of(e.getMessage());
      }
      if (snapshot != null) {
        LagChart.writePng(snapshot, board.watched().stream()
            .map(g -> new LagChart.Group(g, board.history(g))).toList());
      }
      listError.ifPresent(m -> {
        err.println("kcp lag serve: cannot list the groups: " + m + " (retrying in " + interval.toMillis() + " ms)");
        err.flush();
      });
    }
    err.println("kcp lag serve: stopped");
    err.flush();
  }
}
