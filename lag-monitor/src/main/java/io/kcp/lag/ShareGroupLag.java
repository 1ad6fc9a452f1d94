package io.kcp.lag;

import java.util.List;

/**
 * What lag means for a share group (KIP-932), which has no committed offset: per partition, the
 * broker's <em>start offset</em> (every record before it is acknowledged or archived) and its
 * share-partition lag — the records from the start offset to the log end that are not yet in a
 * final state (available, or acquired by a member and being handled). A rejected or accepted
 * record past the start offset does not count.
 *
 * @param group the share group
 * @param state the group's state (e.g. STABLE, EMPTY)
 * @param members members now
 * @param partitions one row per partition the group has a start offset for, by topic and partition
 */
public record ShareGroupLag(String group, String state, int members, List<SharePartitionLag> partitions) {

  /** Validates and copies. */
  public ShareGroupLag {
    partitions = List.copyOf(partitions);
  }

  /** The lag summed over the partitions that report one. */
  public long totalLag() {
    return partitions.stream().mapToLong(p -> Math.max(0, p.lag())).sum();
  }

  /**
   * One partition of a share group.
   *
   * @param topic the topic
   * @param partition the partition
   * @param startOffset the share-partition start offset
   * @param logEndOffset the log end offset
   * @param lag the broker's share-partition lag, -1 when the broker does not report one
   */
  public record SharePartitionLag(String topic, int partition, long startOffset, long logEndOffset, long lag) {}
}
