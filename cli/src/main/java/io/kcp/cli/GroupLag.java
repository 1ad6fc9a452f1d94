package io.kcp.cli;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagException;
import io.kcp.lag.PartitionLag;
import java.time.Duration;
import java.util.Set;

/**
 * A group's lag on one topic, from lag-monitor's snapshot (the numbers of {@code
 * kafka-consumer-groups --describe}): log end offset minus committed offset, per partition of the
 * topic; a partition with no commit counts its whole log. Used by {@code kcp consume
 * --until-drained} to know when to stop.
 */
final class GroupLag implements AutoCloseable {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private final ConsumerLag lag;
  private final String group;
  private final String topic;
  /** Whether to ask for a share group's lag (a share group is only listed once a member joined). */
  private final boolean share;

  GroupLag(java.util.Map<String, Object> clientConfig, String group, String topic) {
    this(clientConfig, group, topic, false);
  }

  /**
   * With {@code share}, the group is read as a share group once it is listed as one. {@code
   * clientConfig} is the user's client settings with the cluster: those an Admin client knows (the
   * security settings, timeouts) are passed on, so the lag is read as the consumer's own user — an
   * Admin speaking PLAINTEXT to a TLS port would read the handshake as a message size and run out
   * of heap; kcp's client id only when the user set none.
   */
  GroupLag(java.util.Map<String, Object> clientConfig, String group, String topic, boolean share) {
    this.share = share;
    java.util.Map<String, Object> config = new java.util.LinkedHashMap<>();
    clientConfig.forEach((k, v) -> {
      if (org.apache.kafka.clients.admin.AdminClientConfig.configNames().contains(k)) {
        config.put(k, v);
      }
    });
    config.putIfAbsent("client.id", "kcp-consume-lag");
    this.lag = ConsumerLag.builder().properties(config).timeout(CALL_TIMEOUT).timeLag(false).build();
    this.group = group;
    this.topic = topic;
  }

  /**
   * Total lag of the group on the topic, or -1 when the cluster did not answer in time. For a share
   * group: the broker's share-partition lag (records past the start offset not yet acknowledged).
   */
  long total() {
    try {
      // a classic group never turns into a share group, but a share group is only listed once a
      // member joined: ask until it is
      java.util.Optional<io.kcp.lag.ShareGroupLag> s = share ? lag.shareGroup(group) : java.util.Optional.empty();
      if (s.isPresent()) {
        var rows = s.get().partitions().stream().filter(p -> p.topic().equals(topic)).toList();
        if (rows.isEmpty()) {
          return -1; // its partitions have no start offset yet: nothing is known
        }
        return rows.stream().mapToLong(p -> p.lag() < 0 ? p.logEndOffset() - p.startOffset() : p.lag()).sum();
      }
      return lag.snapshot(group, Set.of(topic)).partitions().stream()
          .filter(p -> p.topic().equals(topic))
          .mapToLong(PartitionLag::lagOrWholeLog)
          .sum();
    } catch (LagException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    lag.close();
  }
}
