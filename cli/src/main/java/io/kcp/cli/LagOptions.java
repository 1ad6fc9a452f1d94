package io.kcp.cli;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagException;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagReport;
import io.kcp.lag.TimeLagMode;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** What {@code kcp lag} and {@code kcp lag watch} share: the group, the window and the cluster. */
final class LagOptions {
  @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (required: lag is read from a running cluster).")
  String bootstrapServer;

  @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "The consumer group.")
  String group;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Only this topic's partitions.")
  String topic;

  @Option(names = "--allowed-lag", defaultValue = "0",
      description = "Lag at or below this counts as caught up. Default: ${DEFAULT-VALUE}.")
  long allowedLag;

  @Option(names = "--minimum-complete", defaultValue = "0", paramLabel = "0..1",
      description = "Judge a partition only once its window is at least this full (Burrow's minimum-complete;"
          + " 1 = full windows only). Default: ${DEFAULT-VALUE}.")
  double minimumComplete;

  @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long one call to the cluster may take. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  static final String TIME_LAG_HELP = "How to read TIME-LAG: probe (fetch the first unconsumed record of each"
      + " lagging partition: exact, needs READ on the topic), interpolate (over the log-end offsets sampled at each"
      + " observation: reads no data, known from the second observation that saw the log end move, approximate under"
      + " bursty traffic), none. Default: probe.";

  @Option(names = "--no-time-lag", description = "No time lag (the same as --time-lag none).")
  boolean noTimeLag;

  @Option(names = "--time-lag", paramLabel = "probe|interpolate|none", description = TIME_LAG_HELP)
  String timeLag;

  void check(CommandSpec spec, String command) {
    if (group == null || group.isBlank()) {
      throw new ParameterException(spec.commandLine(),
          "Missing required option: '--group=GROUP' ('" + command + "' reads one consumer group)");
    }
    checkValues();
  }

  /** The numeric options, whichever groups are read. */
  void checkValues() {
    timeLagMode();
    if (allowedLag < 0) {
      throw new CliException("--allowed-lag must be 0 or more (got " + allowedLag + ")");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new CliException("--timeout must be positive (got " + timeout + ")");
    }
    Checks.fraction("--minimum-complete", minimumComplete);
  }

  /** {@code --time-lag}, with {@code --no-time-lag} as {@code none}; one line when they contradict. */
  TimeLagMode timeLagMode() {
    return timeLagMode(timeLag, noTimeLag);
  }

  /** {@code --time-lag} and {@code --no-time-lag} of any lag command. */
  static TimeLagMode timeLagMode(String timeLag, boolean noTimeLag) {
    TimeLagMode mode;
    if (timeLag == null) {
      mode = TimeLagMode.PROBE;
    } else {
      mode = switch (timeLag.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "probe" -> TimeLagMode.PROBE;
        case "interpolate" -> TimeLagMode.INTERPOLATE;
        case "none" -> TimeLagMode.NONE;
        default -> throw new CliException("--time-lag must be probe, interpolate or none (got '" + timeLag + "')");
      };
    }
    if (noTimeLag && timeLag != null && mode != TimeLagMode.NONE) {
      throw new CliException("--no-time-lag and --time-lag " + timeLag.strip()
          + " contradict each other (give one: --no-time-lag is --time-lag none)");
    }
    return noTimeLag ? TimeLagMode.NONE : mode;
  }

  /** A lag reader of {@code bootstrap} with the user's client settings (kcp's timeouts only where unset). */
  ConsumerLag open(String bootstrap, ClientSettings client) {
    ConsumerLag lag = ConsumerLag.builder().properties(client.properties()).bootstrapServers(bootstrap)
        .timeout(timeout).timeLag(timeLagMode()).build();
    if (topic != null) {
      try {
        if (!lag.topicExists(topic)) {
          lag.close();
          throw new CliException("no such topic '" + topic + "' on " + bootstrap + " (check --topic)");
        }
      } catch (LagException e) {
        lag.close();
        throw new CliException("--topic " + topic + ": " + e.getMessage(), e);
      }
    }
    return lag;
  }

  /**
   * The given bootstrap servers, else the {@code bootstrap.servers} of the client settings, or an
   * error naming the option and how to get a broker.
   */
  String bootstrap(String command, ClientSettings client) {
    return BrokerOption.required(bootstrapServer, command, client);
  }


  LagMonitor.Builder monitor(ConsumerLag source, int window) {
    return monitor(source, window, group);
  }

  /** A monitor of {@code group} with these options (for commands that read many groups). */
  LagMonitor.Builder monitor(ConsumerLag source, int window, String group) {
    LagMonitor.Builder b = LagMonitor.builder(group).source(source).windowSize(window).allowedLag(allowedLag)
        .minimumComplete(minimumComplete);
    return topic == null ? b : b.topic(topic);
  }

  /** One observation, with lag-monitor failures as one-line CLI errors. */
  LagReport observe(LagMonitor monitor) {
    LagReport r;
    try {
      r = monitor.observe();
    } catch (LagException e) {
      throw new CliException(e.getMessage(), e);
    }
    if (topic != null && r.snapshot().partitions().isEmpty()) {
      throw new CliException("group '" + group + "' has no committed or assigned partition of topic '"
          + topic + "' (drop --topic to see what it consumes)");
    }
    return r;
  }
}
