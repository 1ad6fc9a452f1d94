package io.kcp.deploy.internal;

import io.kcp.deploy.DeploymentException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands a topic's committed offsets from one consumer group to another with the Admin API: what
 * a blue/green switch does between the colours' groups. The broker writes a group's offsets only
 * while the group has no member, and a write of many partitions can fail for some and succeed
 * for others; {@link #transfer} reports every partition that did not end at the offset asked,
 * after reading the offsets back.
 */
public final class OffsetHandOff implements AutoCloseable {
  private static final long TIMEOUT_S = 30;

  private final Admin admin;
  private final String topic;

  OffsetHandOff(Map<String, ?> clientConfig, String topic) {
    Map<String, Object> config = new java.util.HashMap<>(clientConfig);
    config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "kcp-deploy-handoff");
    this.admin = Admin.create(config);
    this.topic = topic;
  }

  /** What a transfer left undone: partition → why (empty when every partition was written). */
  public record Result(Map<Integer, String> failed) {
    /** Whether every partition now has the offset asked. */
    public boolean complete() {
      return failed.isEmpty();
    }
  }

  /**
   * {@code group}'s committed offset for every partition of the topic; a partition it never
   * committed gets the log-start offset (where a group starting with {@code
   * auto.offset.reset=earliest} begins).
   */
  public Map<Integer, Long> committed(String group) {
    List<TopicPartition> partitions = partitions();
    Map<TopicPartition, OffsetAndMetadata> committed = read(group, partitions);
    Map<Integer, Long> out = new TreeMap<>();
    List<TopicPartition> missing = partitions.stream().filter(tp -> committed.get(tp) == null).toList();
    Map<TopicPartition, Long> starts = missing.isEmpty() ? Map.of() : get(admin.listOffsets(
        missing.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.earliest()))).all()).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata o = committed.get(tp);
      out.put(tp.partition(), o != null ? o.offset() : starts.get(tp));
    }
    return out;
  }

  /**
   * Writes {@code offsets} as {@code group}'s committed offsets and reads them back. Never throws
   * for the broker's refusals: every partition not at its offset afterwards is in the result.
   */
  public Result transfer(String group, Map<Integer, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> asked = new java.util.HashMap<>();
    offsets.forEach((p, o) -> asked.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
    Map<Integer, String> failed = new TreeMap<>();
    AlterConsumerGroupOffsetsResult result = admin.alterConsumerGroupOffsets(group, asked);
    for (TopicPartition tp : asked.keySet()) {
      try {
        result.partitionResult(tp).get(TIMEOUT_S, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        failed.put(tp.partition(), e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
      } catch (TimeoutException e) {
        failed.put(tp.partition(), "no answer within " + TIMEOUT_S + " s");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.put(tp.partition(), "interrupted");
      }
    }
    if (failed.size() < asked.size()) { // read back what the broker says it holds
      Map<TopicPartition, OffsetAndMetadata> now = read(group, List.copyOf(asked.keySet()));
      asked.forEach((tp, o) -> {
        OffsetAndMetadata held = now.get(tp);
        if (!failed.containsKey(tp.partition()) && (held == null || held.offset() != o.offset())) {
          failed.put(tp.partition(), "reads back " + (held == null ? "no offset" : held.offset()) + ", not " + o.offset());
        }
      });
    }
    return new Result(failed);
  }

  private List<TopicPartition> partitions() {
    Map<String, TopicDescription> d = get(admin.describeTopics(List.of(topic)).allTopicNames());
    return d.get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  private Map<TopicPartition, OffsetAndMetadata> read(String group, List<TopicPartition> partitions) {
    ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(partitions);
    Map<TopicPartition, OffsetAndMetadata> m = get(admin.listConsumerGroupOffsets(Map.of(group, spec))
        .partitionsToOffsetAndMetadata(group));
    return m == null ? Map.of() : m;
  }

  private static <T> T get(KafkaFuture<T> future) {
    try {
      return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new DeploymentException("the Admin API failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new DeploymentException("the Admin API did not answer within " + TIMEOUT_S + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException("interrupted", e);
    }
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(5));
  }
}
