package io.kcp.cli;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagJson;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagReport;
import io.kcp.lag.LagServer;
import io.kcp.lag.PartitionLag;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kcp lag watch}: the lag table every interval, with trends, a recording and an export. */
@Command(
    name = "watch",
    header = "Watch a group's lag live, with trends and status.",
    mixinStandardHelpOptions = true,
    description = {
      "Watch a group: the lag table every --interval, with trend arrows (lag up or",
      "down since the last observation) and the status over a sliding --window.",
      "--record appends each observation as a JSON line (replay it with",
      "'kcp lag evaluate'); --prometheus-port serves the OpenTelemetry gauges for",
      "Prometheus to scrape, in kafka-lag-exporter's names (kafka_consumergroup_group_lag ...)."
    })
final class LagWatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin LagOptions lag;
  @Mixin ClientOptions client;

  @Option(names = "--interval", defaultValue = "5s", converter = DurationConverter.class,
      description = "Time between observations. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  @Option(names = "--window", defaultValue = "10",
      description = "Observations per evaluation window. Default: ${DEFAULT-VALUE}.")
  int window;

  @Option(names = "--count", description = "Stop after this many observations (default: until Ctrl-C).")
  Integer count;

  @Option(names = "--record", paramLabel = "FILE", description = "Append each observation to FILE as a JSON line.")
  Path record;

  @Option(names = "--json", description = "Print each observation as a JSON line instead of the table.")
  boolean json;

  @Option(names = "--snapshot", paramLabel = "FILE.png",
      description = "After every observation, write the lag chart (total and per partition) to FILE.png (XChart).")
  Path snapshot;

  @Option(names = "--prometheus-port", paramLabel = "PORT",
      description = "Serve the lag gauges at http://BIND:PORT/metrics (OpenTelemetry's Prometheus exporter; 0 = any"
          + " free port).")
  Integer prometheusPort;

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "Address --prometheus-port listens on. Default: ${DEFAULT-VALUE} (this machine only; 0.0.0.0 for"
          + " every interface, e.g. for a Prometheus elsewhere).")
  String bind;

  @Option(names = "--cluster-name", defaultValue = LagMonitor.DEFAULT_CLUSTER_NAME,
      description = "The cluster_name label of every exported series (as kafka-lag-exporter's), so one Prometheus"
          + " can tell clusters apart. Default: ${DEFAULT-VALUE}.")
  String clusterName;

  @Option(names = "--per-partition-series", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Export one series per partition (--no-per-partition-series: group totals only). Default: ${DEFAULT-VALUE}.")
  boolean perPartitionSeries;

  @Option(names = "--include-topics", paramLabel = "REGEX", description = "Export only topics matching REGEX.")
  String includeTopics;

  @Option(names = "--exclude-topics", paramLabel = "REGEX", description = "Do not export topics matching REGEX.")
  String excludeTopics;

  @Override
  public Integer call() throws InterruptedException {
    lag.check(spec, "kcp lag watch");
    Checks.positive("--window", window);
    if (count != null) {
      Checks.positive("--count", count);
    }
    if (interval.isZero() || interval.isNegative()) {
      throw new CliException("--interval must be positive (got " + interval + ")");
    }
    if (clusterName.isBlank()) {
      throw new CliException("--cluster-name must not be blank");
    }
    Snapshots.check(snapshot);
    String bootstrap = lag.bootstrap("kcp lag watch", client);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean live = System.console() != null && !json;
    try (PrometheusEndpoint prometheus = PrometheusEndpoint.start(bind, prometheusPort, err);
        ConsumerLag source = lag.open(bootstrap, client);
        LagMonitor monitor = monitor(source, prometheus)) {
      Map<String, Long> previous = new HashMap<>();
      Deque<LagServer.Point> history = new ArrayDeque<>();
      for (int i = 0; count == null || i < count; i++) {
        if (i > 0) {
          TimeUnit.MILLISECONDS.sleep(interval.toMillis());
        }
        LagReport r;
        try {
          r = lag.observe(monitor);
        } catch (CliException e) {
          if (i == 0) {
            throw e;
          }
          // keep watching: a cluster that stops answering is what a monitor must report (ERR)
          err.println("kcp lag watch: " + e.getMessage() + " (status ERR; retrying in " + interval.toMillis() + " ms)");
          err.flush();
          continue;
        }
        String line = LagJson.toJson(r);
        if (record != null) {
          append(record, line);
        }
        if (snapshot != null) {
          history.addLast(LagServer.Point.of(r));
          while (history.size() > Snapshots.HISTORY) {
            history.removeFirst();
          }
          LagChart.writePng(snapshot, List.of(new LagChart.Group(lag.group, List.copyOf(history))));
        }
        if (json) {
          out.println(line);
        } else {
          out.print((live ? "\033[H\033[2J" : i > 0 ? "\n" : "")
              + LagTable.render(r, previous));
        }
        out.flush();
        previous.clear();
        for (PartitionLag p : r.snapshot().partitions()) {
          if (p.lag().isPresent()) {
            previous.put(p.name(), p.lag().getAsLong());
          }
        }
      }
    }
    return 0;
  }

  private LagMonitor monitor(ConsumerLag source, PrometheusEndpoint prometheus) {
    LagMonitor.Builder b = lag.monitor(source, window).perPartitionSeries(perPartitionSeries)
        .clusterName(clusterName.strip()).openTelemetry(prometheus.openTelemetry());
    try {
      if (includeTopics != null) {
        b.includeTopics(includeTopics);
      }
      if (excludeTopics != null) {
        b.excludeTopics(excludeTopics);
      }
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new CliException("--include-topics / --exclude-topics is not a regular expression: "
          + e.getDescription() + " in '" + e.getPattern() + "'");
    }
    return b.build();
  }

  private static void append(Path file, String line) {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      w.write(line);
      w.newLine();
    } catch (IOException e) {
      throw new CliException("cannot append to --record file " + file + ": " + e.getMessage(), e);
    }
  }
}
