package io.kcp.cli;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagException;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagReport;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** What {@code kcp lag} and {@code kcp lag watch} share: the group, the window and the cluster. */
final class LagOptions {
  @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "The consumer group.")
  String group;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Only this topic's partitions.")
  String topic;

  @Option(names = "--window", defaultValue = "10",
      description = "Observations per evaluation window. Default: ${DEFAULT-VALUE}.")
  int window;

  @Option(names = "--allowed-lag", defaultValue = "0",
      description = "Lag at or below this counts as caught up. Default: ${DEFAULT-VALUE}.")
  long allowedLag;

  @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long one call to the cluster may take. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--no-time-lag", description = "Do not fetch the first unconsumed record of each lagging partition.")
  boolean noTimeLag;

  void check(CommandSpec spec, String command) {
    if (group == null || group.isBlank()) {
      throw new ParameterException(spec.commandLine(),
          "Missing required option: '--group=GROUP' ('" + command + "' reads one consumer group)");
    }
    Checks.positive("--window", window);
    if (allowedLag < 0) {
      throw new CliException("--allowed-lag must be 0 or more (got " + allowedLag + ")");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new CliException("--timeout must be positive (got " + timeout + ")");
    }
  }

  ConsumerLag open(String bootstrap) {
    ConsumerLag lag = ConsumerLag.builder().bootstrapServers(bootstrap).timeout(timeout)
        .timeLag(!noTimeLag).build();
    if (topic != null) {
      try {
        if (!lag.topicExists(topic)) {
          lag.close();
          throw new CliException("no such topic '" + topic + "' on " + bootstrap + " (check --topic)");
        }
      } catch (LagException e) {
        lag.close();
        throw new CliException(e.getMessage(), e);
      }
    }
    return lag;
  }

  LagMonitor.Builder monitor(ConsumerLag source) {
    LagMonitor.Builder b = LagMonitor.builder(group).source(source).windowSize(window).allowedLag(allowedLag);
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
