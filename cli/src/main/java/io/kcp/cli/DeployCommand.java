package io.kcp.cli;

import io.kcp.audit.Topics;
import io.kcp.deploy.BlueGreenConfig;
import io.kcp.deploy.BlueGreenDeployment;
import io.kcp.deploy.CanaryConfig;
import io.kcp.deploy.CanaryDeployment;
import io.kcp.deploy.Deployment;
import io.kcp.deploy.DeploymentConfig;
import io.kcp.deploy.DeploymentReport;
import io.kcp.deploy.InstanceLauncher;
import io.kcp.deploy.RollingConfig;
import io.kcp.deploy.RollingDeployment;
import io.kcp.deploy.StopDeployment;
import io.kcp.deploy.Version;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kcp deploy}: a measured deployment of the demo consumer, v1 to v2, under steady traffic. */
@Command(
    name = "deploy",
    header = "Deploy v2 over a v1 fleet under traffic; measure it.",
    mixinStandardHelpOptions = true,
    description = {
      "Deploy v2 of a demo consumer over a running fleet of v1, under steady traffic, and measure",
      "what it cost: lost and duplicated records, the longest gap with nothing consumed (overall",
      "and per partition), the lag peak and its recovery, how long versions mixed, rebalances.",
      "Every figure comes from the audit of what each instance handled and from samples of the",
      "group. Progress per step on stderr, the report on stdout. Without --bootstrap-server it",
      "starts an embedded broker."
    })
final class DeployCommand implements Callable<Integer> {
  /** The strategies {@code --strategy} accepts. */
  enum Strategy {
    STOP("stop"), ROLLING("rolling"), BLUE_GREEN("blue-green"), CANARY("canary");

    final String label;

    Strategy(String label) {
      this.label = label;
    }

    static Strategy parse(String s) {
      for (Strategy v : values()) {
        if (v.label.equals(s.toLowerCase(Locale.ROOT))) {
          return v;
        }
      }
      throw new CliException("--strategy must be stop, rolling, blue-green or canary (got " + s + ")");
    }
  }

  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin BrokerOption broker;
  @Mixin ClientOptions.WithConsumerAlias client;

  @Option(names = "--strategy", defaultValue = "rolling",
      description = "stop (stop every v1, then start v2), rolling (one instance at a time), blue-green (v2 warm"
          + " in a group of its own, then a switch) or canary (v2 on a few whole partitions first, widened while"
          + " its analysis gates pass, rolled back when one fails). Default: ${DEFAULT-VALUE}.")
  String strategyName;

  @Option(names = "--compare",
      description = "Run every strategy and rolling variant one after another on the same workload (each on a"
          + " topic of its own) and print one table; --chart draws their lag side by side.")
  boolean compare;

  @Option(names = "--bad-version",
      description = "v2 is a bad release: its handler fails 20 % of the records (the same ones on every attempt).")
  boolean badVersion;

  @Option(names = "--steps", defaultValue = "1p,25%,50%,100%", split = ",",
      description = "Canary steps: partitions (1p) or shares (25%%) the canary owns; the last must be 100%%."
          + " Default: ${DEFAULT-VALUE}.")
  List<String> steps;

  @Option(names = "--analysis", defaultValue = "10s", converter = DurationConverter.class,
      description = "Canary: how long each step is analysed before it widens. Default: ${DEFAULT-VALUE}.")
  Duration analysis;

  @Option(names = "--variant", defaultValue = "cooperative",
      description = "How the instances join the group: eager, cooperative, static (cooperative + static"
          + " membership) or kip848. Default: ${DEFAULT-VALUE}.")
  String variant;

  @Option(names = "--instances", defaultValue = "3", description = "Instances in the fleet. Default: ${DEFAULT-VALUE}.")
  int instances;

  @Option(names = "--threads", defaultValue = "2",
      description = "Consumer threads per instance. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--partitions", defaultValue = "12",
      description = "Partitions of the topic (created if missing). Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--rate", defaultValue = "2000",
      description = "Steady traffic during the deployment, records/s. Default: ${DEFAULT-VALUE}.")
  int rate;

  @Option(names = "--keys", defaultValue = "1000", description = "Keys of the traffic. Default: ${DEFAULT-VALUE}.")
  int keys;

  @Option(names = "--handler-latency", defaultValue = "1ms", converter = DurationConverter.class,
      description = "Simulated work per record. Default: ${DEFAULT-VALUE}.")
  Duration handlerLatency;

  @Option(names = "--launcher", defaultValue = "in-process",
      description = "in-process (each instance an engine in this JVM) or jvm (each a kcp consume process)."
          + " Default: ${DEFAULT-VALUE}.")
  String launcher;

  @Option(names = "--rollback", description = "Once v2 settled, bring v1 back the same way (rolling: roll back;"
      + " blue-green: switch back). A canary rolls back by itself when a gate fails.")
  boolean rollback;

  @Option(names = "--session-timeout", converter = DurationConverter.class,
      description = "The consumers' session.timeout.ms (Kafka's default: 45s). A static member must be"
          + " back within it.")
  Duration sessionTimeout;


  @Option(names = "--warm-up", defaultValue = "3s", converter = DurationConverter.class,
      description = "Steady time before the first step. Default: ${DEFAULT-VALUE}.")
  Duration warmUp;

  @Option(names = "--settle", defaultValue = "3s", converter = DurationConverter.class,
      description = "Steady time after the last step. Default: ${DEFAULT-VALUE}.")
  Duration settle;

  @Option(names = "--topic", description = "Default: kcp-deploy-<strategy>-<variant>-<time>.")
  String topic;

  @Option(names = "--group", description = "Default: the topic's name.")
  String group;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the instances' audit and event files go. Default: a temporary directory.")
  Path workDir;

  @Option(names = "--json", description = "Print the report as JSON (snake_case keys).")
  boolean json;

  @Option(names = "--chart", paramLabel = "FILE.png",
      description = "Draw the lag and the records/s per version over time, with every step marked.")
  Path chart;

  Strategy strategy;

  @Override
  public Integer call() throws IOException {
    strategy = Strategy.parse(strategyName);
    DeployVersions.Variant v = parseVariant();
    InstanceLauncher.Kind kind = parseLauncher();
    Checks.positive("--instances", instances);
    Checks.positive("--threads", threads);
    Checks.positive("--partitions", partitions);
    Checks.positive("--rate", rate);
    Checks.positive("--keys", keys);
    int consumers = instances * threads;
    if (consumers > partitions) {
      throw new CliException("--instances " + instances + " x --threads " + threads + " = " + consumers
          + " consumers for " + partitions + " partitions: " + (consumers - partitions)
          + " consumer(s) would sit idle (a partition is consumed by one member of a group at a time),"
          + " and the last instance started would own nothing; use more --partitions or fewer instances");
    }
    if (compare) {
      return compare(kind);
    }
    if (strategy == Strategy.STOP && v == DeployVersions.Variant.STATIC) {
      throw new CliException("--strategy stop with --variant static cannot work: a static member stays in"
          + " the group when it stops, so the group empties only after session.timeout.ms; use"
          + " --variant eager, cooperative or kip848 for a stop deployment");
    }
    if ((strategy == Strategy.STOP || strategy == Strategy.CANARY) && rollback) {
      throw new CliException("--rollback applies to --strategy rolling and blue-green (a canary rolls back by itself"
          + " when a gate fails; a stop deployment back is another stop deployment)");
    }
    checkStrategy(strategy, v, kind);
    CanaryConfig canaryConfig = canaryConfig();
    // the consumer properties' mistakes first, before a broker is started
    io.kcp.core.ConsumerSettings.builder().bootstrapServers("localhost:9092").groupId("g").topics("t")
        .properties(client.consumerProperties()).build();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name = topic != null ? topic : "kcp-deploy-" + strategy.label + "-" + v.label() + "-"
        + Long.toHexString(System.currentTimeMillis());
    Path dir = workDir != null ? workDir : Files.createTempDirectory("kcp-deploy-");
    try (BrokerOption.Broker b = broker.open(err, client)) {
      err.printf(Locale.ROOT, "%s deployment of v1 -> v2%s%s: %d instances x %d threads (%s), %d partitions,"
              + " %,d records/s; files in %s%n", strategy.label, badVersion ? " (a bad v2)" : "",
          rollback ? " and back" : "", instances, threads, v.label(), partitions, rate, dir);
      DeploymentReport report = deploy(b.bootstrapServers(), name, group != null ? group : name, dir, strategy, v,
          kind, rollback, badVersion, canaryConfig, err);
      out.println(json ? report.toJson() : report.toText());
      out.flush();
      if (chart != null) {
        DeployChart.writePng(chart, report);
        err.println("chart: " + chart);
      }
      if (report.lost() > 0) {
        throw new CliException("the deployment lost " + report.lost() + " record(s): see the audit files in " + dir);
      }
    }
    return 0;
  }

  /** One measured deployment on {@code topic} (created if missing). */
  DeploymentReport deploy(String bootstrap, String topicName, String groupName, Path dir, Strategy s,
      DeployVersions.Variant v, InstanceLauncher.Kind kind, boolean back, boolean bad, CanaryConfig canaryConfig,
      PrintWriter err) {
    createTopic(bootstrap, topicName);
    DeploymentConfig config = DeploymentConfig.custom(bootstrap, groupName, topicName)
        .clientProperties(client.properties())
        .instances(instances).launcher(kind).workDir(dir).traffic(rate, keys)
        .warmUp(warmUp).settle(settle).variant(v.label())
        .listener((step, running) -> {
          err.printf(Locale.ROOT, "  [%s] %s  (%d running)%n", step.phase(), step.what(), running.size());
          err.flush();
        })
        .build();
    Map<String, String> props = new java.util.LinkedHashMap<>(client.consumerProperties());
    if (sessionTimeout != null) {
      props.put("session.timeout.ms", String.valueOf(sessionTimeout.toMillis()));
    }
    Version v1 = DeployVersions.of("v1", bootstrap, v, threads, handlerLatency, props);
    Version v2 = DeployVersions.of("v2", bootstrap, v, threads, handlerLatency, props, bad ? BAD_SHARE : 0);
    Deployment deployment = switch (s) {
      case STOP -> StopDeployment.of(config);
      case ROLLING -> RollingDeployment.of(config, rollingConfig(v, back));
      case BLUE_GREEN -> BlueGreenDeployment.of(config, BlueGreenConfig.custom().rollback(back).build());
      case CANARY -> CanaryDeployment.of(config, canaryConfig);
    };
    return deployment.run(v1, v2);
  }

  /** The share of records a --bad-version handler fails. */
  static final double BAD_SHARE = 0.2;

  private void checkStrategy(Strategy s, DeployVersions.Variant v, InstanceLauncher.Kind kind) {
    if (s == Strategy.CANARY && v == DeployVersions.Variant.KIP848) {
      throw new CliException("--strategy canary needs the classic protocol: the canary's partitions are chosen by"
          + " a client-side assignor, and KIP-848's consumer protocol assigns on the broker (its server-side"
          + " assignors are broker plugins); use --variant cooperative, eager or static");
    }
    if ((s == Strategy.CANARY || s == Strategy.BLUE_GREEN) && kind == InstanceLauncher.Kind.JVM) {
      throw new CliException("--strategy " + s.label + " runs its instances in this JVM (" + (s == Strategy.CANARY
          ? "its gates read each engine's metrics" : "green waits warm and switches without a restart")
          + "); use --launcher in-process");
    }
  }

  private CanaryConfig canaryConfig() {
    try {
      return CanaryConfig.custom().steps(steps.stream().map(CanaryConfig.Step::parse).toList())
          .analysis(analysis).build();
    } catch (IllegalArgumentException e) {
      throw new CliException("--steps: " + e.getMessage());
    }
  }

  /** {@code --compare}: every strategy and rolling variant, one after another, one table. */
  private Integer compare(InstanceLauncher.Kind kind) throws IOException {
    if (kind != InstanceLauncher.Kind.IN_PROCESS) {
      throw new CliException("--compare runs in-process (blue-green and canary need it); drop --launcher");
    }
    if (topic != null || group != null) {
      throw new CliException("--compare runs each strategy on a topic and group of its own: drop --topic/--group");
    }
    CanaryConfig canaryConfig = canaryConfig();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = workDir != null ? workDir : Files.createTempDirectory("kcp-deploy-compare-");
    List<DeployCompare.Arm> arms = DeployCompare.arms();
    List<DeployCompare.Row> rows = new java.util.ArrayList<>();
    try (BrokerOption.Broker b = broker.open(err, client)) {
      int n = 0;
      for (DeployCompare.Arm arm : arms) {
        n++;
        err.printf(Locale.ROOT, "[%d/%d] %s: %d instances x %d threads, %d partitions, %,d records/s%n", n,
            arms.size(), arm.label(), instances, threads, partitions, rate);
        err.flush();
        String name = "kcp-compare-" + arm.label().replaceAll("[^a-z0-9]+", "-") + "-"
            + Long.toHexString(System.currentTimeMillis());
        Path armDir = dir.resolve(String.format(Locale.ROOT, "%02d-%s", n, arm.label().replaceAll("[^a-z0-9]+", "-")));
        DeploymentReport report = deploy(b.bootstrapServers(), name, name, armDir, arm.strategy(), arm.variant(),
            InstanceLauncher.Kind.IN_PROCESS, arm.rollback(), arm.bad(), canaryConfig, err);
        rows.add(new DeployCompare.Row(arm, report));
      }
    }
    out.println(json ? DeployCompare.json(rows) : DeployCompare.table(rows));
    out.flush();
    if (chart != null) {
      DeployCompare.writePng(chart, rows);
      err.println("chart: " + chart);
    }
    long lost = rows.stream().mapToLong(r -> r.report().lost()).sum();
    if (lost > 0) {
      throw new CliException("the comparison lost " + lost + " record(s): see the audit files in " + dir);
    }
    return 0;
  }

  private RollingConfig rollingConfig(DeployVersions.Variant v, boolean back) {
    // a static member's replacement reuses its group.instance.id: the old one must be gone first
    boolean reuseId = v == DeployVersions.Variant.STATIC;
    return RollingConfig.custom().maxSurge(reuseId ? 0 : 1).maxUnavailable(reuseId ? 1 : 0)
        .rollback(back).build();
  }

  private void createTopic(String bootstrap, String name) {
    Map<String, Object> config = client.clientConfig(bootstrap);
    config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "kcp-deploy-admin");
    try (Admin admin = Admin.create(config)) {
      Topics.createAndAwait(admin, name, partitions, (short) 1);
    } catch (IllegalStateException e) {
      throw new CliException(e.getMessage() + ": give --partitions to match, or another --topic");
    } catch (RuntimeException e) {
      throw new CliException("cannot create topic " + name + " on " + bootstrap + ": " + e.getMessage());
    }
  }

  private DeployVersions.Variant parseVariant() {
    for (DeployVersions.Variant v : DeployVersions.Variant.values()) {
      if (v.label().equals(variant.toLowerCase(Locale.ROOT))) {
        return v;
      }
    }
    throw new CliException("--variant must be eager, cooperative, static or kip848 (got " + variant + ")");
  }

  private InstanceLauncher.Kind parseLauncher() {
    switch (launcher.toLowerCase(Locale.ROOT)) {
      case "in-process":
        return InstanceLauncher.Kind.IN_PROCESS;
      case "jvm":
        return InstanceLauncher.Kind.JVM;
      default:
        throw new CliException("--launcher must be in-process or jvm (got " + launcher + ")");
    }
  }
}
