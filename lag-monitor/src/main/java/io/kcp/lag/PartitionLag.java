package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One partition of a group at one instant.
 *
 * <p>{@code lag = logEndOffset − committedOffset}, where the log-end offset is the high watermark
 * (what {@code kafka-consumer-groups} uses). A partition the group never committed has no committed
 * offset and no lag: it is shown as such, not as 0 and not as its whole log (ask for that with
 * {@link #lagOrWholeLog()}).
 *
 * @param topic the topic
 * @param partition the partition number
 * @param committedOffset the group's committed offset (the next record to consume), if any
 * @param logEndOffset the partition's high watermark
 * @param owner the member the partition is assigned to, if the group has one for it
 * @param timeLagMs milliseconds between now and the time the first unconsumed record was written
 *     (its timestamp with {@link TimeLagMode#PROBE}, the interpolated time the log-end offset
 *     passed the committed offset with {@link TimeLagMode#INTERPOLATE}); 0 when there is no lag;
 *     empty when unknowable (never committed, record gone, too little history, not asked for)
 * @param timeLagSource where {@code timeLagMs} came from; {@link TimeLagMode#NONE} when it is empty
 */
public record PartitionLag(
    String topic,
    int partition,
    OptionalLong committedOffset,
    long logEndOffset,
    Optional<PartitionOwner> owner,
    OptionalLong timeLagMs,
    TimeLagMode timeLagSource) {

  /** Checks that no field is null; an empty time lag always has source {@link TimeLagMode#NONE}. */
  public PartitionLag {
    requireNonNull(topic, "topic");
    requireNonNull(committedOffset, "committedOffset");
    requireNonNull(owner, "owner");
    requireNonNull(timeLagMs, "timeLagMs");
    requireNonNull(timeLagSource, "timeLagSource");
    if (timeLagMs.isEmpty()) {
      timeLagSource = TimeLagMode.NONE;
    }
  }

  /**
   * A row whose time lag, if any, came from {@link TimeLagMode#PROBE} (the only source before
   * interpolation existed; a recording read back states no source).
   */
  public PartitionLag(String topic, int partition, OptionalLong committedOffset, long logEndOffset,
      Optional<PartitionOwner> owner, OptionalLong timeLagMs) {
    this(topic, partition, committedOffset, logEndOffset, owner, timeLagMs, TimeLagMode.PROBE);
  }

  /** Log-end offset minus committed offset (never negative), or empty when never committed. */
  public OptionalLong lag() {
    return committedOffset.isPresent()
        ? OptionalLong.of(Math.max(0, logEndOffset - committedOffset.getAsLong()))
        : OptionalLong.empty();
  }

  /**
   * The lag, counting a never-committed partition as its whole log (log-end offset minus 0), as a
   * consumer starting from the earliest offset would see it.
   */
  public long lagOrWholeLog() {
    return lag().orElse(Math.max(0, logEndOffset));
  }

  /** {@code topic-partition}, as Kafka prints a partition. */
  public String name() {
    return topic + "-" + partition;
  }

  /** The same partition with the given time lag, from {@link TimeLagMode#PROBE}. */
  public PartitionLag withTimeLag(OptionalLong timeLag) {
    return withTimeLag(timeLag, TimeLagMode.PROBE);
  }

  /** The same partition with the given time lag and its source. */
  public PartitionLag withTimeLag(OptionalLong timeLag, TimeLagMode source) {
    return new PartitionLag(topic, partition, committedOffset, logEndOffset, owner, timeLag, source);
  }
}
