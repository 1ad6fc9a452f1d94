package io.kcp.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A group's lag on one topic, the way {@code kafka-consumer-groups --describe} computes it: log
 * end offset minus committed offset, per partition; a partition with no commit counts its whole
 * log. Used by {@code kcp consume --until-drained} to know when to stop.
 */
final class GroupLag implements AutoCloseable {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private final Admin admin;
  private final String group;
  private final String topic;

  GroupLag(String bootstrapServers, String group, String topic) {
    this.admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.CLIENT_ID_CONFIG, "kcp-consume-lag",
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis()));
    this.group = group;
    this.topic = topic;
  }

  /** Total lag of the group on the topic, or -1 when the cluster did not answer in time. */
  long total() {
    try {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      var ends = admin.listOffsets(latest).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      long lag = 0;
      for (TopicPartition tp : latest.keySet()) {
        long end = ends.get(tp).offset();
        OffsetAndMetadata c = committed.get(tp);
        lag += Math.max(0, end - (c == null ? 0 : c.offset()));
      }
      return lag;
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
