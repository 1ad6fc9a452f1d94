package io.kcp.lag.internal;

import io.kcp.lag.GroupSnapshots;
import io.kcp.lag.LagException;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.PartitionOwner;
import io.kcp.lag.ShareGroupLag;
import io.kcp.lag.TimeLagMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.TopicDescription;
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

  /** The same three calls for a whole batch of groups ({@link #readAll}). */
  public static final int BATCH_CALLS = 3;

  private final Admin admin;
  private final String cluster;
  private final Duration timeout;

  private final Map<String, ?> clientConfig;

  public AdminLagReader(Admin admin, String cluster, Duration timeout) {
    this(admin, cluster, timeout, Map.of());
  }

  /**
   * A reader whose errors explain a refused login, TLS handshake or ACL from {@code clientConfig}
   * (the Admin's settings: mechanism, user, truststore; never a secret).
   */
  public AdminLagReader(Admin admin, String cluster, Duration timeout, Map<String, ?> clientConfig) {
    this.admin = admin;
    this.cluster = cluster;
    this.timeout = timeout;
    this.clientConfig = Map.copyOf(clientConfig);
  }

  public LagSnapshot read(String group) {
    return read(group, Set.of());
  }

  /**
   * The group's partitions, plus every partition of {@code topics} (one more Admin call). With
   * topics given, a group that does not exist yet reads as one that committed nothing.
   */
  public LagSnapshot read(String group, Set<String> topics) {
    ConsumerGroupDescription d = describe(group);
    boolean exists = d != null && d.groupState() != GroupState.DEAD;
    if (!exists && topics.isEmpty()) {
      throw unknownGroup(group);
    }
    Map<TopicPartition, PartitionOwner> owners = exists ? owners(d) : Map.of();
    Map<TopicPartition, OffsetAndMetadata> committed = exists
        ? get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), group)
        : Map.of();
    Set<TopicPartition> all = new HashSet<>(owners.keySet());
    committed.forEach((tp, o) -> {
      if (o != null) {
        all.add(tp);
      }
    });
    if (!topics.isEmpty()) {
      Map<String, TopicDescription> described;
      try {
        described = get(admin.describeTopics(topics).allTopicNames(), group, topics);
      } catch (UnknownTopicOrPartitionException e) {
        throw new LagException("no such topic among " + new java.util.TreeSet<>(topics) + " on " + cluster, e);
      }
      described.values().forEach(t -> t.partitions()
          .forEach(p -> all.add(new TopicPartition(t.name(), p.partition()))));
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    all.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    // the snapshot's time is when the log ends are asked for (the committed offsets were just read):
    // interpolated time lag pairs each log-end offset with this time
    long now = System.currentTimeMillis();
    Map<TopicPartition, ListOffsetsResultInfo> ends =
        all.isEmpty() ? Map.of() : get(admin.listOffsets(latest).all(), group);
    List<PartitionLag> rows = rows(all, committed, owners, ends);
    return exists
        ? new LagSnapshot(group, d.groupState().name(), d.type().name(), d.members().size(), now, rows)
        : new LagSnapshot(group, GroupState.DEAD.name(), "UNKNOWN", 0, now, rows);
  }

  /**
   * Many groups in {@link #BATCH_CALLS} Admin calls whatever their number: describeConsumerGroups
   * and listConsumerGroupOffsets for all of them (sent together, so they share one round trip to
   * each coordinator), then one listOffsets for the union of their partitions. A group that fails
   * (unknown, its coordinator erred, one of its partitions has no log-end offset) is reported in
   * {@link GroupSnapshots#errors()}; a cluster that does not answer in time fails the whole read.
   */
  public GroupSnapshots readAll(Collection<String> groupIds) {
    List<String> groups = new ArrayList<>(new java.util.LinkedHashSet<>(groupIds));
    if (groups.isEmpty()) {
      return new GroupSnapshots(Map.of(), Map.of(), 0);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
    groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
    DescribeConsumerGroupsResult described = admin.describeConsumerGroups(groups);
    ListConsumerGroupOffsetsResult offsets = admin.listConsumerGroupOffsets(specs);
    int calls = 2;
    Map<String, LagException> errors = new LinkedHashMap<>();
    Map<String, ConsumerGroupDescription> live = new LinkedHashMap<>();
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
    for (String g : groups) {
      try {
        ConsumerGroupDescription d = await(described.describedGroups().get(g), deadline);
        if (d == null || d.groupState() == GroupState.DEAD) {
          errors.put(g, unknownGroup(g));
          continue;
        }
        Map<TopicPartition, OffsetAndMetadata> c = await(offsets.partitionsToOffsetAndMetadata(g), deadline);
        live.put(g, d);
        committed.put(g, c == null ? Map.of() : c);
      } catch (ExecutionException e) {
        errors.put(g, asLagException(failure(e, g)));
      }
    }
    Map<String, Set<TopicPartition>> partitionsOf = new HashMap<>();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    live.forEach((g, d) -> {
      Set<TopicPartition> all = new HashSet<>(owners(d).keySet());
      committed.get(g).forEach((tp, o) -> {
        if (o != null) {
          all.add(tp);
        }
      });
      partitionsOf.put(g, all);
      all.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    });
    long now = System.currentTimeMillis(); // when the log ends are asked for, as in read()
    Map<TopicPartition, ListOffsetsResultInfo> ends = new HashMap<>();
    Map<TopicPartition, LagException> endErrors = new HashMap<>();
    if (!latest.isEmpty()) {
      ListOffsetsResult r = admin.listOffsets(latest);
      calls++;
      long endsDeadline = System.nanoTime() + timeout.toNanos(); // each round of calls has the timeout
      for (TopicPartition tp : latest.keySet()) {
        try {
          ends.put(tp, await(r.partitionResult(tp), endsDeadline));
        } catch (ExecutionException e) {
          endErrors.put(tp, asLagException(failure(e, null)));
        }
      }
    }
    Map<String, LagSnapshot> snapshots = new LinkedHashMap<>();
    for (String g : groups) {
      ConsumerGroupDescription d = live.get(g);
      if (d == null) {
        continue;
      }
      Optional<TopicPartition> broken = partitionsOf.get(g).stream().filter(endErrors::containsKey).findFirst();
      if (broken.isPresent()) {
        LagException e = endErrors.get(broken.get());
        errors.put(g, new LagException("group '" + g + "': no log-end offset for " + broken.get() + ": "
            + e.getMessage(), e));
        continue;
      }
      snapshots.put(g, new LagSnapshot(g, d.groupState().name(), d.type().name(), d.members().size(), now,
          rows(partitionsOf.get(g), committed.get(g), owners(d), ends)));
    }
    Map<String, LagException> orderedErrors = new LinkedHashMap<>();
    groups.stream().filter(errors::containsKey).forEach(g -> orderedErrors.put(g, errors.get(g)));
    return new GroupSnapshots(snapshots, orderedErrors, calls);
  }

  private static Map<TopicPartition, PartitionOwner> owners(ConsumerGroupDescription d) {
    Map<TopicPartition, PartitionOwner> owners = new HashMap<>();
    for (MemberDescription m : d.members()) {
      PartitionOwner owner = new PartitionOwner(m.consumerId(), m.host(), m.clientId());
      for (TopicPartition tp : m.assignment().topicPartitions()) {
        owners.put(tp, owner);
      }
    }
    return owners;
  }

  private static List<PartitionLag> rows(Set<TopicPartition> all, Map<TopicPartition, OffsetAndMetadata> committed,
      Map<TopicPartition, PartitionOwner> owners, Map<TopicPartition, ListOffsetsResultInfo> ends) {
    List<PartitionLag> rows = new ArrayList<>();
    for (TopicPartition tp : all) {
      OffsetAndMetadata c = committed.get(tp);
      rows.add(new PartitionLag(
          tp.topic(),
          tp.partition(),
          c == null ? OptionalLong.empty() : OptionalLong.of(c.offset()),
          ends.get(tp).offset(),
          Optional.ofNullable(owners.get(tp)),
          OptionalLong.empty(),
          TimeLagMode.NONE));
    }
    rows.sort(Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition));
    return rows;
  }

  /** The future's value within the batch's deadline; a missed deadline fails the whole read. */
  private <T> T await(KafkaFuture<T> future, long deadlineNanos) throws ExecutionException {
    try {
      return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LagException("interrupted while reading lag from " + cluster, e);
    }
  }

  private LagException asLagException(RuntimeException e) {
    return e instanceof LagException le ? le
        : new LagException("reading lag from " + cluster + " failed: " + e.getMessage(), e);
  }

  /** The group's description, or null when the coordinator does not know the group. */
  private ConsumerGroupDescription describe(String group) {
    try {
      return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return null;
      }
      throw failure(e, group);
    } catch (TimeoutException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LagException("interrupted while reading lag from " + cluster, e);
    }
  }

  /**
   * The share group's lag, or empty when {@code group} is not a share group: start offset, log end
   * offset and the broker's share-partition lag per partition (listGroups + describeShareGroups +
   * listShareGroupOffsets + listOffsets).
   */
  public Optional<ShareGroupLag> readShare(String group) {
    Collection<GroupListing> shares = get(admin.listGroups(ListGroupsOptions.forShareGroups()).all(), group);
    if (shares.stream().noneMatch(g -> g.groupId().equals(group))) {
      return Optional.empty();
    }
    ShareGroupDescription d = get(admin.describeShareGroups(List.of(group)).describedGroups().get(group), group);
    Map<TopicPartition, SharePartitionOffsetInfo> infos = get(admin.listShareGroupOffsets(
        Map.of(group, new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(group), group);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    infos.forEach((tp, info) -> {
      if (info != null) {
        latest.put(tp, OffsetSpec.latest());
      }
    });
    Map<TopicPartition, ListOffsetsResultInfo> ends =
        latest.isEmpty() ? Map.of() : get(admin.listOffsets(latest).all(), group);
    List<ShareGroupLag.SharePartitionLag> rows = new ArrayList<>();
    for (TopicPartition tp : latest.keySet()) {
      SharePartitionOffsetInfo info = infos.get(tp);
      rows.add(new ShareGroupLag.SharePartitionLag(tp.topic(), tp.partition(), info.startOffset(),
          ends.get(tp).offset(), info.lag().orElse(-1L)));
    }
    rows.sort(Comparator.comparing(ShareGroupLag.SharePartitionLag::topic)
        .thenComparingInt(ShareGroupLag.SharePartitionLag::partition));
    return Optional.of(new ShareGroupLag(group, d.groupState().name(), d.members().size(), rows));
  }

  /** The ids of every consumer group the cluster knows, sorted. */
  public List<String> groups() {
    Collection<GroupListing> all = get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all(), null);
    return all.stream().map(GroupListing::groupId).sorted().collect(Collectors.toList());
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
    return LagException.groupNotFound("consumer group '" + group + "' does not exist on " + cluster
        + " (check the name; groups appear once a consumer joins or commits)");
  }

  private <T> T get(KafkaFuture<T> future, String group) {
    return get(future, group, Set.of());
  }

  /** The future's value; a refused call names {@code topics} when the client does not say which. */
  private <T> T get(KafkaFuture<T> future, String group, Set<String> topics) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure(e, group, topics);
    } catch (TimeoutException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LagException("interrupted while reading lag from " + cluster, e);
    }
  }

  /** The one-line exception the user reads for a failed call. */
  private RuntimeException failure(ExecutionException e, String group) {
    return failure(e, group, Set.of());
  }

  private RuntimeException failure(ExecutionException e, String group, Set<String> topics) {
    Throwable cause = e.getCause();
    if (cause instanceof GroupIdNotFoundException) {
      return unknownGroup(group);
    }
    if (cause instanceof UnknownTopicOrPartitionException) {
      return (UnknownTopicOrPartitionException) cause;
    }
    if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return unreachable(cause);
    }
    Optional<String> refused = ClientSecurity.refusal(cause, clientConfig, cluster, topics);
    if (refused.isPresent()) {
      return new LagException(refused.get(), cause);
    }
    return new LagException("reading lag from " + cluster + " failed: " + cause.getMessage(), cause);
  }

  private LagException unreachable(Throwable cause) {
    return new LagException("Kafka at " + cluster + " did not answer within " + timeout.toMillis()
        + " ms (is the broker running? check --bootstrap-server)", cause);
  }
}
