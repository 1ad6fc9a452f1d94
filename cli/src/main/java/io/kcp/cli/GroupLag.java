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

  GroupLag(String bootstrapServers, String group, String topic) {
    this.lag = ConsumerLag.builder().bootstrapServers(bootstrapServers)
        .property("client.id", "kcp-consume-lag").timeout(CALL_TIMEOUT).timeLag(false).build();
    this.group = group;
    this.topic = topic;
  }

  /** Total lag of the group on the topic, or -1 when the cluster did not answer in time. */
  long total() {
    try {
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
