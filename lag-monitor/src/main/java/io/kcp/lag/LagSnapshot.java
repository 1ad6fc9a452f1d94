package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A consumer group's lag at one instant, per partition: the rows of {@code kafka-consumer-groups
 * --describe --group G}. Partitions are sorted by topic, then partition.
 *
 * @param group the group id
 * @param state the group state as the coordinator reports it (e.g. {@code STABLE}, {@code EMPTY})
 * @param type the group protocol: {@code CLASSIC} or {@code CONSUMER} (KIP-848)
 * @param members how many members the group has now
 * @param takenAtMs wall-clock time the snapshot was taken (ms since the epoch)
 * @param partitions one row per partition the group committed or is assigned
 */
public record LagSnapshot(
    String group, String state, String type, int members, long takenAtMs, List<PartitionLag> partitions) {

  /** Checks that no field is null and copies the partitions. */
  public LagSnapshot {
    requireNonNull(group, "group");
    requireNonNull(state, "state");
    requireNonNull(type, "type");
    partitions = List.copyOf(partitions);
  }

  /** Sum of the lag of every committed partition (never-committed ones count 0 here). */
  public long totalLag() {
    return partitions.stream().mapToLong(p -> p.lag().orElse(0)).sum();
  }

  /** The largest lag of any committed partition, 0 when there is none. */
  public long maxLag() {
    return partitions.stream().mapToLong(p -> p.lag().orElse(0)).max().orElse(0);
  }
}
