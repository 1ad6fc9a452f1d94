package io.kcp.lag.internal;

import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.TimeLagMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Time lag from the first unconsumed record: for each partition with lag, fetch the record at the
 * committed offset and take now minus its timestamp. One groupless consumer (it never joins or
 * commits), reused across snapshots.
 */
public final class TimeLagProbe implements AutoCloseable {
  private final Map<String, Object> props;
  private final Duration timeout;
  private KafkaConsumer<byte[], byte[]> consumer;

  public TimeLagProbe(Map<String, Object> clientProps, Duration timeout) {
    this.props = new HashMap<>(clientProps);
    this.timeout = timeout;
  }

  public LagSnapshot addTimeLag(LagSnapshot s) {
    return addTimeLag(List.of(s)).get(0);
  }

  /**
   * The snapshots with their time lag. Groups at the same committed offset of a partition share
   * one fetch; partitions are fetched together, in as many rounds as the most distinct committed
   * offsets any one partition has among the snapshots (one round when each partition is read by
   * one group, or all its groups are at the same offset).
   */
  public List<LagSnapshot> addTimeLag(List<LagSnapshot> snapshots) {
    Map<TopicPartition, java.util.TreeSet<Long>> wanted = new HashMap<>();
    for (LagSnapshot s : snapshots) {
      for (PartitionLag p : s.partitions()) {
        if (p.lag().isPresent() && p.lag().getAsLong() > 0) {
          wanted.computeIfAbsent(new TopicPartition(p.topic(), p.partition()), k -> new java.util.TreeSet<>())
              .add(p.committedOffset().getAsLong());
        }
      }
    }
    Map<TopicPartition, Map<Long, Long>> timestamps = new HashMap<>();
    while (!wanted.isEmpty()) {
      Map<TopicPartition, Long> round = new HashMap<>();
      wanted.forEach((tp, offsets) -> round.put(tp, offsets.pollFirst()));
      wanted.values().removeIf(java.util.TreeSet::isEmpty);
      firstTimestamps(round).forEach((tp, ts) ->
          timestamps.computeIfAbsent(tp, k -> new HashMap<>()).put(round.get(tp), ts));
    }
    long now = System.currentTimeMillis();
    List<LagSnapshot> out = new ArrayList<>(snapshots.size());
    for (LagSnapshot s : snapshots) {
      List<PartitionLag> rows = new ArrayList<>();
      for (PartitionLag p : s.partitions()) {
        OptionalLong t;
        if (p.lag().isEmpty()) {
          t = OptionalLong.empty();
        } else if (p.lag().getAsLong() == 0) {
          t = OptionalLong.of(0);
        } else {
          Map<Long, Long> byOffset = timestamps.getOrDefault(new TopicPartition(p.topic(), p.partition()), Map.of());
          t = TimeLag.since(now, byOffset.get(p.committedOffset().getAsLong()));
        }
        rows.add(p.withTimeLag(t, TimeLagMode.PROBE));
      }
      out.add(new LagSnapshot(s.group(), s.state(), s.type(), s.members(), s.takenAtMs(), rows));
    }
    return out;
  }

  private Map<TopicPartition, Long> firstTimestamps(Map<TopicPartition, Long> offsets) {
    KafkaConsumer<byte[], byte[]> c = consumer();
    Map<TopicPartition, Long> found = new HashMap<>();
    List<TopicPartition> pending = new ArrayList<>(offsets.keySet());
    c.assign(pending);
    offsets.forEach(c::seek);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      try {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (!found.containsKey(tp) && r.offset() >= offsets.get(tp)) {
            found.put(tp, r.timestamp());
            pending.remove(tp);
            c.pause(List.of(tp));
          }
        }
      } catch (OffsetOutOfRangeException e) {
        // the first unconsumed record is gone (retention): its time lag is unknowable
        pending.removeAll(e.partitions());
        c.pause(e.partitions());
      } catch (KafkaException e) {
        break;
      }
    }
    c.assign(List.of());
    return found;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    if (consumer == null) {
      consumer = new KafkaConsumer<>(consumerConfig(props));
    }
    return consumer;
  }

  /**
   * The probe consumer's configuration: the user's client properties; kcp's client id and small
   * fetches only where they set none; and what the probe needs to be right whatever they say: no
   * group (it never joins or commits), no auto-commit, {@code auto.offset.reset=none} (a missing
   * offset is unknown time lag, not the log start's) and byte-array deserializers.
   */
  public static Map<String, Object> consumerConfig(Map<String, Object> clientProps) {
    Map<String, Object> p = new HashMap<>(clientProps);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "kcp-lag-time");
    p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024);
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return p;
  }

  @Override
  public void close() {
    if (consumer != null) {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
    }
  }
}
