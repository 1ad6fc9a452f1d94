package io.kcp.cli;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.GroupSnapshots;
import io.kcp.lag.LagException;
import io.kcp.lag.LagJson;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kcp lag}: a group's lag per partition, like kafka-consumer-groups, plus status and time lag. */
@Command(
    name = "lag",
    header = "A consumer group's lag per partition, with its status.",
    mixinStandardHelpOptions = true,
    description = {
      "A consumer group's lag per partition: the columns (and numbers) of",
      "'kafka-consumer-groups --describe' in its order, then TIME-LAG (the age of the",
      "first unconsumed record) and STATUS (Burrow's rules over --samples observations",
      "--interval apart; the window is the samples); the group's summary on stderr.",
      "--all-groups: every consumer group in one table, read in one batched call per",
      "observation; --list: the groups' names. Needs --bootstrap-server."
    },
    subcommands = {LagWatchCommand.class, LagServeCommand.class, LagEvaluateCommand.class})
final class LagCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin LagOptions lag;
  @Mixin ClientOptions client;

  @Option(names = "--samples", defaultValue = "3",
      description = "Observations to take before printing (1 = one instant: too short to judge). Default: ${DEFAULT-VALUE}.")
  int samples;

  @Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class,
      description = "Time between observations. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  @Option(names = "--json", description = "Print the observation as one line of JSON (snake_case keys).")
  boolean json;

  @Option(names = "--list", description = "List the cluster's consumer groups, one per line (as kafka-consumer-groups --list).")
  boolean list;

  @Option(names = "--all-groups",
      description = "Every consumer group in one table, rows grouped by GROUP (as kafka-consumer-groups --describe"
          + " --all-groups), the summaries on stderr; --json: one line per group. All groups are read in one batched"
          + " set of Admin calls per observation.")
  boolean allGroups;

  @Override
  public Integer call() throws InterruptedException {
    if (allGroups && list) {
      throw new CliException("--all-groups and --list contradict each other: --all-groups describes every group,"
          + " --list names them");
    }
    if (allGroups && lag.group != null) {
      throw new CliException("--all-groups and --group contradict each other: --all-groups reads every group,"
          + " --group one");
    }
    if (!allGroups && !list && (lag.group == null || lag.group.isBlank())) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "Missing required option: '--group=GROUP', '--all-groups' or '--list' ('kcp lag' reads one consumer"
              + " group, every group, or lists them)");
    }
    if (allGroups) {
      return allGroups();
    }
    if (list) {
      if (lag.group != null) {
        throw new CliException("--list and --group contradict each other: --list names every group, --group reads one");
      }
      try (ConsumerLag source = lag.open(lag.bootstrap("kcp lag --list", client), client)) {
        PrintWriter out = spec.commandLine().getOut();
        source.groups().forEach(out::println);
        out.flush();
      } catch (LagException e) {
        throw new CliException(e.getMessage(), e);
      }
      return 0;
    }
    lag.check(spec, "kcp lag");
    Checks.positive("--samples", samples);
    String bootstrap = lag.bootstrap("kcp lag", client);
    try (ConsumerLag source = lag.open(bootstrap, client);
        LagMonitor monitor = lag.monitor(source, samples).build()) {
      LagReport r = null;
      for (int i = 0; i < samples; i++) {
        if (i > 0) {
          TimeUnit.MILLISECONDS.sleep(interval.toMillis());
        }
        try {
          r = lag.observe(monitor);
        } catch (CliException e) {
          // not a consumer group: a share group commits no offsets, so say what lag is there instead
          boolean notFound = e.getCause() instanceof LagException le && le.isGroupNotFound();
          java.util.Optional<io.kcp.lag.ShareGroupLag> share =
              notFound ? source.shareGroup(lag.group) : java.util.Optional.empty();
          if (share.isEmpty()) {
            throw e;
          }
          PrintWriter out = spec.commandLine().getOut();
          out.print(json ? ShareLagTable.json(share.get()) + "\n" : ShareLagTable.render(share.get()));
          out.flush();
          return 0;
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.print(LagJson.toJson(r) + "\n");
      } else { // the Kafka tool's table on stdout, the summary on stderr: scripts read the table alone
        out.print(LagTable.table(r, null));
        PrintWriter err = spec.commandLine().getErr();
        err.print(LagTable.summary(r));
        err.flush();
      }
      out.flush();
    }
    return 0;
  }

  /** Every group, one batched read per sample, one monitor per group; one table, summaries on stderr. */
  private int allGroups() throws InterruptedException {
    lag.checkValues();
    Checks.positive("--samples", samples);
    String bootstrap = lag.bootstrap("kcp lag --all-groups", client);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, LagMonitor> monitors = new LinkedHashMap<>();
    try (ConsumerLag source = lag.open(bootstrap, client)) {
      List<String> groups = source.groups();
      if (groups.isEmpty()) {
        err.println("kcp lag: no consumer groups on " + bootstrap);
        err.flush();
        return 0;
      }
      groups.forEach(g -> monitors.put(g, lag.monitor(source, samples, g).build()));
      GroupSnapshots batch = null;
      for (int i = 0; i < samples; i++) {
        if (i > 0) {
          TimeUnit.MILLISECONDS.sleep(interval.toMillis());
        }
        batch = source.snapshots(groups);
        batch.snapshots().forEach((g, s) -> monitors.get(g).observe(s));
        batch.errors().forEach((g, e) -> monitors.get(g).observeFailure(e));
      }
      List<LagReport> reports = new ArrayList<>();
      for (LagMonitor m : monitors.values()) {
        if (batch.errors().containsKey(m.group())) {
          LagException e = batch.errors().get(m.group());
          err.println(e.isGroupNotFound()
              ? "kcp lag: group '" + m.group() + "' is gone (deleted while being read)"
              : "kcp lag: group '" + m.group() + "': " + e.getMessage());
        } else if (m.latest().isPresent() && !m.latest().get().snapshot().partitions().isEmpty()) {
          reports.add(m.latest().get()); // with --topic, a group with nothing on it has no row
        }
      }
      if (json) {
        reports.forEach(r -> out.print(LagJson.toJson(r) + "\n"));
      } else if (!reports.isEmpty()) {
        out.print(LagTable.table(reports));
        reports.forEach(r -> err.print(LagTable.summary(r)));
      }
      out.flush();
      err.flush();
    } catch (LagException e) {
      throw new CliException(e.getMessage(), e);
    } finally {
      monitors.values().forEach(LagMonitor::close);
    }
    return 0;
  }
}
