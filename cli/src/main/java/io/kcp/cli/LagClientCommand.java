package io.kcp.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcp.lag.ClientLagMetrics;
import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagException;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.TimeLagMode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kcp lag client}: the note's way 2 — lag as a running consumer measures it itself, in
 * {@code KafkaConsumer.metrics()} ({@code records-lag}, {@code records-lag-max}, {@code
 * records-lead-min} per partition, read with {@link ClientLagMetrics}). To have those numbers it
 * must be that consumer: it joins the group, takes partitions, consumes and commits. Next to them,
 * the committed lag the Admin API reads (way 1), for contrast.
 */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    header = "Join a group and print lag from the consumer's own metrics().",
    description = {
      "Way 2 of reading lag: joins --group as a member (so it takes partitions of --topic from the",
      "group's other members), consumes and commits after each poll, and every --interval prints",
      "one line per partition it owns with records-lag, records-lag-max and records-lead-min as its",
      "own KafkaConsumer.metrics() report them (they measure its fetch position), and COMMITTED-LAG,",
      "the group's committed lag read through the Admin API (way 1). Runs until Ctrl-C, --duration",
      "or --until-caught-up."
    })
final class LagClientCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin ClientOptions client;

  @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (required: lag is read from a running cluster).")
  String bootstrapServer;

  @Option(names = {"-g", "--group"}, paramLabel = "GROUP", required = true,
      description = "The consumer group to join.")
  String group;

  @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic to consume.")
  String topic;

  @Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class,
      description = "Time between two printed observations. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  @Option(names = "--duration", converter = DurationConverter.class,
      description = "Stop after this long (e.g. 10s); default: until Ctrl-C or --until-caught-up.")
  Duration duration;

  @Option(names = "--until-caught-up",
      description = "Stop (after printing it) at the first observation where every partition it owns has"
          + " records-lag 0 and committed lag 0.")
  boolean untilCaughtUp;

  @Option(names = "--handler-latency", defaultValue = "0ms", converter = DurationConverter.class,
      description = "Time spent on each record, to watch lag go down slowly. Default: ${DEFAULT-VALUE}.")
  Duration handlerLatency;

  @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long one Admin call may take. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--json", description = "One JSON line per partition and observation (snake_case keys).")
  boolean json;

  private static final String FORMAT = "%-8s %-20s %9s %11s %15s %16s %13s%n";

  @Override
  public Integer call() throws InterruptedException {
    if (interval.isZero() || interval.isNegative()) {
      throw new CliException("--interval must be positive (got " + interval + "), e.g. --interval 1s");
    }
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw new CliException("--duration must be positive (got " + duration + "), e.g. --duration 10s");
    }
    if (handlerLatency.isNegative()) {
      throw new CliException("--handler-latency must be 0 or more (got " + handlerLatency + ")");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new CliException("--timeout must be positive (got " + timeout + ")");
    }
    String bootstrap = bootstrap();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ConsumerLag admin = ConsumerLag.builder().properties(client.properties()).bootstrapServers(bootstrap)
        .timeout(timeout).timeLag(TimeLagMode.NONE).build()) {
      checkTopic(admin, bootstrap);
      err.println("kcp lag client: joining group '" + group + "' as a member: it takes partitions of '" + topic
          + "' and consumes them (committing after each poll); RECORDS-LAG* are its own KafkaConsumer.metrics()");
      err.flush();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(bootstrap))) {
        consumer.subscribe(List.of(topic));
        if (!json) {
          out.printf(FORMAT, "ELAPSED", "PARTITION", "POSITION", "RECORDS-LAG", "RECORDS-LAG-MAX",
              "RECORDS-LEAD-MIN", "COMMITTED-LAG");
          out.flush();
        }
        run(consumer, admin, out);
      } catch (KafkaException e) {
        throw new CliException("the consumer of group '" + group + "' failed: " + Errors.describe(e), e);
      }
    }
    return 0;
  }

  private void run(KafkaConsumer<byte[], byte[]> consumer, ConsumerLag admin, PrintWriter out)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
    long next = start + interval.toNanos();
    while (true) {
      long now = System.nanoTime();
      if (now - next >= 0 || now - end >= 0) {
        boolean caughtUp = observe(consumer, admin, out, now - start);
        if ((untilCaughtUp && caughtUp) || now - end >= 0) {
          return;
        }
        next += interval.toNanos() * Math.max(1, (now - next) / interval.toNanos() + 1);
      }
      long wait = Math.max(1, Math.min(next, end) - System.nanoTime());
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(Math.min(wait, 100_000_000L)));
      if (!records.isEmpty()) {
        if (!handlerLatency.isZero()) {
          for (int i = 0; i < records.count(); i++) {
            TimeUnit.NANOSECONDS.sleep(handlerLatency.toNanos());
          }
        }
        consumer.commitSync();
      }
    }
  }

  /** Prints one observation; whether every partition the consumer owns is caught up. */
  private boolean observe(KafkaConsumer<byte[], byte[]> consumer, ConsumerLag admin, PrintWriter out,
      long elapsedNanos) {
    Map<Integer, ClientLagMetrics.Partition> metrics = new HashMap<>();
    for (ClientLagMetrics.Partition p : ClientLagMetrics.read(consumer.metrics())) {
      if (p.topic().equals(topic)) {
        metrics.put(p.partition(), p);
      }
    }
    Map<Integer, PartitionLag> committed = new HashMap<>();
    LagSnapshot snapshot;
    try {
      snapshot = admin.snapshot(group, Set.of(topic));
    } catch (LagException e) {
      throw new CliException("reading the committed lag of group '" + group + "': " + e.getMessage(), e);
    }
    for (PartitionLag p : snapshot.partitions()) {
      if (p.topic().equals(topic)) {
        committed.put(p.partition(), p);
      }
    }
    List<TopicPartition> owned = consumer.assignment().stream()
        .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    String elapsed = String.format(java.util.Locale.ROOT, "%.1fs", elapsedNanos / 1e9);
    boolean caughtUp = !owned.isEmpty();
    for (TopicPartition tp : owned) {
      ClientLagMetrics.Partition m = metrics.get(tp.partition());
      PartitionLag c = committed.get(tp.partition());
      Long lag = m == null || m.recordsLag() == null ? null : Math.round(m.recordsLag());
      Long lagMax = m == null || m.recordsLagMax() == null ? null : Math.round(m.recordsLagMax());
      Long leadMin = m == null || m.recordsLeadMin() == null ? null : Math.round(m.recordsLeadMin());
      Long committedLag = c == null ? null : c.lag().isPresent() ? c.lag().getAsLong() : null;
      long position = consumer.position(tp);
      caughtUp &= lag != null && lag == 0 && committedLag != null && committedLag == 0;
      if (json) {
        ObjectNode line = CliJson.object();
        line.put("elapsed_ms", elapsedNanos / 1_000_000);
        line.put("group", group);
        line.put("topic", tp.topic());
        line.put("partition", tp.partition());
        line.put("position", position);
        putOrNull(line, "records_lag", lag);
        putOrNull(line, "records_lag_max", lagMax);
        putOrNull(line, "records_lead_min", leadMin);
        putOrNull(line, "committed_offset", c == null || c.committedOffset().isEmpty()
            ? null : c.committedOffset().getAsLong());
        putOrNull(line, "committed_lag", committedLag);
        out.println(CliJson.line(line));
      } else {
        out.printf(FORMAT, elapsed, tp.toString(), position, dash(lag), dash(lagMax), dash(leadMin),
            dash(committedLag));
      }
    }
    if (owned.isEmpty() && !json) {
      out.printf("%-8s (no partitions of %s owned yet: the group is assigning them)%n", elapsed, topic);
    }
    out.flush();
    return caughtUp;
  }

  private static void putOrNull(ObjectNode line, String key, Long value) {
    if (value == null) {
      line.putNull(key);
    } else {
      line.put(key, value.longValue());
    }
  }

  private static String dash(Long v) {
    return v == null ? "-" : Long.toString(v);
  }

  private Map<String, Object> consumerConfig(String bootstrap) {
    Map<String, Object> c = new HashMap<>(client.properties());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "kcp-lag-client-" + group);
    c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return c;
  }

  private void checkTopic(ConsumerLag admin, String bootstrap) {
    try {
      if (!admin.topicExists(topic)) {
        throw new CliException("no such topic '" + topic + "' on " + bootstrap + " (check --topic)");
      }
    } catch (LagException e) {
      throw new CliException("--topic " + topic + ": " + e.getMessage(), e);
    }
  }

  private String bootstrap() {
    if ((bootstrapServer == null || bootstrapServer.isBlank()) && client.bootstrapServers().isPresent()) {
      return client.bootstrapServers().get();
    }
    if (bootstrapServer == null || bootstrapServer.isBlank()) {
      throw new CliException("--bootstrap-server is required for 'kcp lag client' (start a broker with"
          + " 'kcp sandbox' and pass the bootstrap.servers it prints)");
    }
    return bootstrapServer.strip();
  }
}
