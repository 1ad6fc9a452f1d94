package io.kcp.lag.internal;

import io.kcp.lag.LagException;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.PartitionOwner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Reads a group's lag the way {@code ConsumerGroupCommand --describe} does, in three Admin calls:
 * describe the group (members and their assignments), list its committed offsets, list the latest
 * (high watermark) offsets of every partition involved in one batched request per leader.
 */
public final class AdminLagReader {
  /** describeConsumerGroups + listConsumerGroupOffsets + listOffsets. */
  public static final int ADMIN_CALLS = 3;

  private final Admin admin;
  private final String cluster;
  private final Duration timeout;

  public AdminLagReader(Admin admin, String cluster, Duration timeout) {
    this.admin = admin;
    this.cluster = cluster;
    this.timeout = timeout;
  }

  public LagSnapshot read(String group) {
    long now = System.currentTimeMillis();
    ConsumerGroupDescription d;
    try {
      d = get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group), group);
    } catch (GroupIdNotFoundException e) {
      throw unknownGroup(group);
    }
    if (d.groupState() == GroupState.DEAD) {
      throw unknownGroup(group);
    }
    Map<TopicPartition, PartitionOwner> owners = new HashMap<>();
    for (MemberDescription m : d.members()) {
      PartitionOwner owner = new PartitionOwner(m.consumerId(), m.host(), m.clientId());
      for (TopicPartition tp : m.assignment().topicPartitions()) {
        owners.put(tp, owner);
      }
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), group);
    Set<TopicPartition> all = new HashSet<>(owners.keySet());
    committed.forEach((tp, o) -> {
      if (o != null) {
        all.add(tp);
      }
    });
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    all.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResultInfo> ends =
        all.isEmpty() ? Map.of() : get(admin.listOffsets(latest).all(), group);
    List<PartitionLag> rows = new ArrayList<>();
    for (TopicPartition tp : all) {
      OffsetAndMetadata c = committed.get(tp);
      rows.add(new PartitionLag(
          tp.topic(),
          tp.partition(),
          c == null ? OptionalLong.empty() : OptionalLong.of(c.offset()),
          ends.get(tp).offset(),
          Optional.ofNullable(owners.get(tp)),
          OptionalLong.empty()));
    }
    rows.sort(Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition));
    return new LagSnapshot(
        group, d.groupState().name(), d.type().name(), d.members().size(), now, rows);
  }

  public boolean topicExists(String topic) {
    try {
      get(admin.describeTopics(List.of(topic)).allTopicNames(), null);
      return true;
    } catch (UnknownTopicOrPartitionException e) {
      return false;
    }
  }

  private LagException unknownGroup(String group) {
    return new LagException("consumer group '" + group + "' does not exist on " + cluster
        + " (check the name; groups appear once a consumer joins or commits)");
  }

  private <T> T get(KafkaFuture<T> future, String group) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof GroupIdNotFoundException) {
        throw unknownGroup(group);
      }
      if (cause instanceof UnknownTopicOrPartitionException) {
        throw (UnknownTopicOrPartitionException) cause;
      }
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(cause);
      }
      throw new LagException("reading lag from " + cluster + " failed: " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LagException("interrupted while reading lag from " + cluster, e);
    }
  }

  private LagException unreachable(Throwable cause) {
    return new LagException("Kafka at " + cluster + " did not answer within " + timeout.toMillis()
        + " ms (is the broker running? check --bootstrap-server)", cause);
  }
}
