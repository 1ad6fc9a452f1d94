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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
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
      "or --until-caught-up. A commit that fails because the group is rebalancing (as it does when a",
      "member joins or leaves) is made again after the next poll. Ctrl-C closes the consumer, so it",
      "leaves the group at once instead of holding its partitions for session.timeout.ms."
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
      description = "Stop (after printing it) at the first observation where every partition it owns is"
          + " read and committed up to its log end (records-lag 0 where reported; an empty topic is caught"
          + " up at once). If the group settles on giving it no partition, it prints one line and stops.")
  boolean untilCaughtUp;

  @Option(names = "--handler-latency", defaultValue = "0ms", converter = DurationConverter.class,
      description = "Time spent on each record, to watch lag go down slowly. Default: ${DEFAULT-VALUE}.")
  Duration handlerLatency;

  @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long one Admin call may take. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--json", description = "One JSON line per partition and observation (snake_case keys).")
  boolean json;

  /** How long closing the consumer (leaving the group) may take. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** Counted down by Ctrl-C (the shutdown hook). */
  private final CountDownLatch stop = new CountDownLatch(1);
  /** A commit to make after the next poll even if it returns nothing (one failed, or a partition is new). */
  private boolean commitPending;
  /** Commits that failed because the group was rebalancing. */
  private long rebalanceCommitFailures;
  /** Whether the group's last rebalance gave this member its assignment (and none began since). */
  private volatile boolean settled;

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
      KafkaConsumer<byte[], byte[]> consumer;
      try {
        consumer = new KafkaConsumer<>(consumerConfig(bootstrap));
      } catch (KafkaException e) {
        throw new CliException("the consumer of group '" + group + "' failed: " + Errors.describe(e), e);
      }
      // Ctrl-C: wake the consumer, let this thread close it (so it leaves the group now rather than
      // after session.timeout.ms) and wait for that, bounded
      CountDownLatch closed = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        stop.countDown();
        consumer.wakeup();
        try {
          closed.await(CLOSE_TIMEOUT.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "kcp-lag-client-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        consumer.subscribe(List.of(topic), new Assignments());
        if (!json) {
          out.printf(FORMAT, "ELAPSED", "PARTITION", "POSITION", "RECORDS-LAG", "RECORDS-LAG-MAX",
              "RECORDS-LEAD-MIN", "COMMITTED-LAG");
          out.flush();
        }
        run(consumer, admin, out, err);
        if (rebalanceCommitFailures > 0) {
          err.println("kcp lag client: " + rebalanceCommitFailures + " commit(s) failed while the group was"
              + " rebalancing and were made again after the next poll");
          err.flush();
        }
      } catch (WakeupException e) {
        if (stop.getCount() > 0) {
          throw e;
        }
        err.println("kcp lag client: stopping: leaving group '" + group + "'");
        err.flush();
      } catch (KafkaException e) {
        throw new CliException("the consumer of group '" + group + "' failed: " + Errors.describe(e), e);
      } finally {
        try {
          consumer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
          err.println("kcp lag client: closing the consumer: " + Errors.describe(e));
          err.flush();
        } finally {
          closed.countDown();
          removeHook(hook);
        }
      }
    }
    return 0;
  }

  private void run(KafkaConsumer<byte[], byte[]> consumer, ConsumerLag admin, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
    long next = start + interval.toNanos();
    while (stop.getCount() > 0) {
      long now = System.nanoTime();
      if (now - next >= 0 || now - end >= 0) {
        Observation o = observe(consumer, admin, out, now - start);
        if (untilCaughtUp && o == Observation.CAUGHT_UP) {
          err.println("kcp lag client: caught up: every partition it owns is read and committed to its log end");
          err.flush();
          return;
        }
        if (untilCaughtUp && o == Observation.OWNS_NONE) {
          return;
        }
        if (now - end >= 0) {
          return;
        }
        next += interval.toNanos() * Math.max(1, (now - next) / interval.toNanos() + 1);
      }
      long wait = Math.max(1, Math.min(next, end) - System.nanoTime());
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(Math.min(wait, 100_000_000L)));
      Map<TopicPartition, OffsetAndMetadata> done = handle(records, end);
      if (done != null) { // cut short by --duration or Ctrl-C: commit what was handled, then end
        commit(consumer, done, err);
        continue;
      }
      if (!records.isEmpty() || commitPending) {
        commit(consumer, null, err);
      }
    }
  }

  /**
   * Spends --handler-latency on each record, checking the --duration deadline and Ctrl-C as it
   * goes; null when every record was handled, else the offsets to commit for those that were.
   */
  private Map<TopicPartition, OffsetAndMetadata> handle(ConsumerRecords<byte[], byte[]> records, long end)
      throws InterruptedException {
    if (handlerLatency.isZero() || records.isEmpty()) {
      return null;
    }
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return done;
        }
        if (left < handlerLatency.toNanos()) {
          stop.await(left, TimeUnit.NANOSECONDS);
          return done; // the deadline came before this record was handled
        }
        if (stop.await(handlerLatency.toNanos(), TimeUnit.NANOSECONDS)) {
          return done;
        }
        done.put(tp, new OffsetAndMetadata(r.offset() + 1));
      }
    }
    return null;
  }

  /**
   * Commits the positions (or {@code offsets}). A rebalance is expected in a live group — this
   * member joining started one — so a commit it fails is committed again after the next poll.
   */
  private void commit(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> offsets,
      PrintWriter err) {
    try {
      if (offsets == null) {
        consumer.commitSync();
      } else if (!offsets.isEmpty()) {
        consumer.commitSync(offsets);
      }
      commitPending = false;
    } catch (RebalanceInProgressException | CommitFailedException | RetriableCommitFailedException e) {
      commitPending = true;
      rebalanceCommitFailures++;
      if (verbosity.verbose) {
        err.println("kcp lag client: a commit failed during a rebalance (committing again after the next poll): "
            + e.getClass().getSimpleName());
        err.flush();
      }
    }
  }

  /** What one observation found. */
  private enum Observation { CAUGHT_UP, OWNS_NONE, BEHIND }

  /**
   * Prints one observation. Caught up: it owns partitions and each one's position is its log end,
   * committed, with records-lag 0 where the client reports it (an empty partition may report
   * none). Owns none: the group settled on giving it no partition.
   */
  private Observation observe(KafkaConsumer<byte[], byte[]> consumer, ConsumerLag admin, PrintWriter out,
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
    Map<TopicPartition, Long> logEnd = owned.isEmpty() ? Map.of() : consumer.endOffsets(owned, timeout);
    boolean caughtUp = !owned.isEmpty();
    for (TopicPartition tp : owned) {
      ClientLagMetrics.Partition m = metrics.get(tp.partition());
      PartitionLag c = committed.get(tp.partition());
      Long lag = m == null || m.recordsLag() == null ? null : Math.round(m.recordsLag());
      Long lagMax = m == null || m.recordsLagMax() == null ? null : Math.round(m.recordsLagMax());
      Long leadMin = m == null || m.recordsLeadMin() == null ? null : Math.round(m.recordsLeadMin());
      Long committedLag = c == null ? null : c.lag().isPresent() ? c.lag().getAsLong() : null;
      long position = consumer.position(tp);
      Long committedOffset = c == null || c.committedOffset().isEmpty() ? null : c.committedOffset().getAsLong();
      if (committedOffset == null || committedOffset != position) {
        commitPending = true; // e.g. an empty partition: nothing polled, so commit its position
      }
      Long end = logEnd.get(tp);
      caughtUp &= end != null && position == end && committedOffset != null && committedOffset == position
          && (lag == null || lag == 0);
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
        putOrNull(line, "committed_offset", committedOffset);
        putOrNull(line, "committed_lag", committedLag);
        out.println(CliJson.line(line));
      } else {
        out.printf(FORMAT, elapsed, tp.toString(), position, dash(lag), dash(lagMax), dash(leadMin),
            dash(committedLag));
      }
    }
    boolean ownsNone = owned.isEmpty() && settled;
    if (ownsNone && untilCaughtUp) {
      // the one line, in --json too (it has no partition line to print)
      out.printf("%-8s (it owns no partition of %s: the group's other members own them all; nothing to"
          + " catch up)%n", elapsed, topic);
    } else if (owned.isEmpty() && !json) {
      out.printf("%-8s (no partitions of %s owned %s)%n", elapsed, topic,
          settled ? "now: the group's other members own them" : "yet: the group is assigning them");
    }
    out.flush();
    return caughtUp ? Observation.CAUGHT_UP : ownsNone ? Observation.OWNS_NONE : Observation.BEHIND;
  }

  /** Tracks whether the assignment settled (classic protocol: revoked, then assigned). */
  private final class Assignments implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      settled = false;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      settled = true;
      commitPending = true; // new partitions: commit their positions, even with nothing to read
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      settled = false;
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is what is running
    }
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
    return BrokerOption.required(bootstrapServer, "kcp lag client", client);
  }

}
