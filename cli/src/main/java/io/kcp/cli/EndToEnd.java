package io.kcp.cli;

import io.kcp.audit.AuditEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * End-to-end latency of a run under live traffic: for each record the audit shows handled, the
 * time from the record's timestamp (the producer's create time) to the end of its handler call
 * ({@link AuditEntry#endEpochMillis()}), both wall clocks of this machine.
 *
 * <p>Only records produced inside the measuring window count: from one warm-up second after the
 * arm's first handled record (records produced while its JVM started and joined the group waited
 * for the join, which is not the strategy's latency) to the end of the traffic.
 */
final class EndToEnd {
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

  /**
   * The measured latencies.
   *
   * @param records records produced inside the window
   * @param unhandled of those, how many the audit never shows handled (the arm fell behind)
   * @param p50Ms median latency, -1 without records
   * @param p99Ms 99th percentile, -1 without records
   * @param maxMs the slowest, -1 without records
   */
  record Latency(long records, long unhandled, long p50Ms, long p99Ms, long maxMs) {
    static final Latency NONE = new Latency(0, 0, -1, -1, -1);
  }

  private EndToEnd() {}

  /**
   * Every record's timestamp, per partition indexed by offset (the topic's offsets run from 0 with
   * no gaps: a plain producer, no transactions, no compaction).
   */
  static Map<Integer, long[]> timestamps(Map<String, Object> clientConfig, String topic) {
    // the user's settings; kcp's poll size only where unset; never a group member nor committing
    Map<String, Object> p = new HashMap<>(clientConfig);
    p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(topic, READ_TIMEOUT)) {
        tps.add(new TopicPartition(topic, info.partition()));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = c.endOffsets(tps, READ_TIMEOUT);
      Map<Integer, long[]> out = new HashMap<>();
      Set<TopicPartition> left = new HashSet<>();
      for (TopicPartition tp : tps) {
        long[] ts = new long[Math.toIntExact(ends.get(tp))];
        Arrays.fill(ts, -1);
        out.put(tp.partition(), ts);
        if (ts.length > 0) {
          left.add(tp);
        }
      }
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (!left.isEmpty()) {
        if (System.nanoTime() - deadline > 0) {
          throw new CliException("could not read " + topic + " to its end within " + READ_TIMEOUT.toSeconds() + " s");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          long[] ts = out.get(r.partition());
          if (r.offset() < ts.length) {
            ts[(int) r.offset()] = r.timestamp();
          }
        }
        left.removeIf(tp -> c.position(tp) >= ends.get(tp));
      }
      return out;
    }
  }

  /**
   * The latencies of the records produced in {@code [fromMillis, toMillis]}: each counted once, at
   * its first handling (a duplicate's second run is not a delivery).
   */
  static Latency measure(Map<Integer, long[]> timestamps, List<AuditEntry> handled, long fromMillis,
      long toMillis) {
    Map<Integer, long[]> firstEnd = new HashMap<>();
    for (Map.Entry<Integer, long[]> e : timestamps.entrySet()) {
      long[] ends = new long[e.getValue().length];
      Arrays.fill(ends, Long.MAX_VALUE);
      firstEnd.put(e.getKey(), ends);
    }
    for (AuditEntry a : handled) {
      long[] ends = firstEnd.get(a.partition());
      if (ends != null && a.offset() < ends.length) {
        ends[(int) a.offset()] = Math.min(ends[(int) a.offset()], a.endEpochMillis());
      }
    }
    long records = 0;
    long unhandled = 0;
    long[] latencies = new long[16];
    int n = 0;
    for (Map.Entry<Integer, long[]> e : timestamps.entrySet()) {
      long[] ts = e.getValue();
      long[] ends = firstEnd.get(e.getKey());
      for (int o = 0; o < ts.length; o++) {
        if (ts[o] < fromMillis || ts[o] > toMillis) {
          continue;
        }
        records++;
        if (ends[o] == Long.MAX_VALUE) {
          unhandled++;
          continue;
        }
        if (n == latencies.length) {
          latencies = Arrays.copyOf(latencies, n * 2);
        }
        latencies[n++] = Math.max(0, ends[o] - ts[o]);
      }
    }
    if (n == 0) {
      return new Latency(records, unhandled, -1, -1, -1);
    }
    Arrays.sort(latencies, 0, n);
    return new Latency(records, unhandled, percentile(latencies, n, 50), percentile(latencies, n, 99),
        latencies[n - 1]);
  }

  /** The nearest-rank percentile of the first {@code n} sorted values. */
  static long percentile(long[] sorted, int n, int pct) {
    int rank = (int) Math.ceil(pct / 100.0 * n);
    return sorted[Math.max(0, rank - 1)];
  }
}
