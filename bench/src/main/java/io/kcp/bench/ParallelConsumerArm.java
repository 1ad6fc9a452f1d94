package io.kcp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import io.kcp.core.RecordHandler;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The {@code pc-key} arm of {@code kcp bench}: Confluent's Parallel Consumer with KEY ordering, the
 * same audited handler as our arms, run until the group has no lag. Prints the same JSON summary
 * as {@code kcp consume --json}. A benchmark peer only: no library of this project depends on it.
 *
 * <p>Arguments: {@code BOOTSTRAP TOPIC GROUP LATENCY_MS CONCURRENCY AUDIT_FILE [KEY|UNORDERED
 * [IDLE_MS]]}: with an idle time it stops once no record was handled for that long after the first
 * one (a run under live traffic, like {@code kcp consume --until-idle}) instead of when the group
 * has no lag.
 */
public final class ParallelConsumerArm {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ParallelConsumerArm() {}

  /** The client settings file kcp bench wrote for this arm (owner-only; never on the command line). */
  private static Map<String, Object> clientSettings(Path file) throws java.io.IOException {
    java.util.Properties p = new java.util.Properties();
    try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
      p.load(in);
    }
    Map<String, Object> m = new HashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }

  public static void main(String[] argv) throws Exception {
    List<String> argList = new java.util.ArrayList<>(List.of(argv));
    Map<String, Object> settings = new HashMap<>();
    int at = argList.indexOf("--command-config");
    if (at >= 0 && at + 1 < argList.size()) {
      settings.putAll(clientSettings(Path.of(argList.get(at + 1))));
      argList.subList(at, at + 2).clear();
    }
    String[] args = argList.toArray(new String[0]);
    if (args.length < 6 || args.length > 8) {
      System.err.println("usage: ParallelConsumerArm BOOTSTRAP TOPIC GROUP LATENCY_MS CONCURRENCY AUDIT_FILE"
          + " [KEY|UNORDERED [IDLE_MS]] [--command-config FILE]");
      System.exit(2);
    }
    String bootstrap = args[0];
    String topic = args[1];
    String group = args[2];
    long latencyMs = Long.parseLong(args[3]);
    int concurrency = Integer.parseInt(args[4]);
    Path auditFile = Path.of(args[5]);
    ProcessingOrder order = args.length > 6 ? ProcessingOrder.valueOf(args[6]) : ProcessingOrder.KEY;
    long idleNanos = args.length > 7 ? TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[7])) : 0;

    // the user's client settings (security, ...); the arm's group and the Parallel Consumer's
    // own commits (no auto-commit) whatever they say; earliest only where they set no reset
    Map<String, Object> config = new HashMap<>(settings);
    config.put("bootstrap.servers", bootstrap);
    config.put("group.id", group);
    config.put("enable.auto.commit", "false");
    config.putIfAbsent("auto.offset.reset", "earliest");
    Map<String, Object> adminConfig = new HashMap<>(settings);
    adminConfig.put("bootstrap.servers", bootstrap);
    AtomicLong handled = new AtomicLong();
    try (AuditLog log = AuditLog.openBuffered(auditFile);
        Admin admin = Admin.create(adminConfig)) {
      RecordHandler<String, String> work = r -> {
        if (latencyMs > 0) {
          Thread.sleep(latencyMs);
        }
      };
      RecordHandler<String, String> audited = Audit.wrap(work, log);
      KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
      ParallelConsumerOptions<String, String> options = ParallelConsumerOptions.<String, String>builder()
          .consumer(consumer)
          .ordering(order)
          .maxConcurrency(concurrency)
          .commitMode(CommitMode.PERIODIC_CONSUMER_ASYNCHRONOUS)
          .build();
      ParallelStreamProcessor<String, String> pc = ParallelStreamProcessor.createEosStreamProcessor(options);
      long t0 = System.nanoTime();
      long lastChange = t0;
      long last = 0;
      pc.subscribe(List.of(topic));
      pc.poll(context -> {
        try {
          audited.handle(context.getSingleConsumerRecord());
          handled.incrementAndGet();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long lastLagCheck = t0;
      while (true) {
        TimeUnit.MILLISECONDS.sleep(100);
        long now = System.nanoTime();
        if (handled.get() != last) {
          last = handled.get();
          lastChange = now;
        }
        if (idleNanos > 0) {
          if (last > 0 && now - lastChange >= idleNanos) {
            break;
          }
        } else if (now - lastLagCheck >= 1_000_000_000L) {
          lastLagCheck = now;
          if (lag(admin, topic, group) == 0) {
            break;
          }
        }
      }
      pc.close();
      double seconds = (lastChange - t0) / 1e9;
      ObjectNode summary = JSON.createObjectNode()
          .put("strategy", "pc-" + order.name().toLowerCase(Locale.ROOT))
          .put("threads", concurrency)
          .put("records_handled", handled.get())
          .put("records_failed", 0)
          .put("seconds", decimal(seconds, 1))
          .put("records_per_second", decimal(handled.get() / seconds, 1))
          .put("state", "CLOSED")
          .put("cpu_seconds", decimal(cpuSeconds(), 2))
          .put("peak_heap_mb", decimal(peakHeapMb(), 1));
      System.out.println(JSON.writeValueAsString(summary));
    }
  }

  /** As {@code %.Nf} would print it, but a JSON number; null when not finite. */
  private static BigDecimal decimal(double value, int places) {
    return Double.isFinite(value) ? BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP) : null;
  }

  private static double peakHeapMb() {
    long peak = 0;
    for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024.0 * 1024.0);
  }

  private static double cpuSeconds() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return -1;
  }

  /** End offsets minus committed offsets over the topic (uncommitted partitions count fully). */
  private static long lag(Admin admin, String topic, String group) throws Exception {
    int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    var ends = admin.listOffsets(latest).all().get();
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long lag = 0;
    for (TopicPartition tp : latest.keySet()) {
      OffsetAndMetadata c = committed.get(tp);
      lag += Math.max(0, ends.get(tp).offset() - (c == null ? 0 : c.offset()));
    }
    return lag;
  }
}
