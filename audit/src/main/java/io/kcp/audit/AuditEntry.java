package io.kcp.audit;

import java.util.Objects;

/**
 * One line of an audit file: one record that a handler finished successfully.
 *
 * <p>{@code startNanos} and {@code endNanos} are {@link System#nanoTime()} readings; they are only
 * comparable between entries of the same {@code runId} (one JVM). {@code endEpochMillis} is wall
 * clock time and comparable across runs, to the precision of the clocks involved.
 *
 * @param runId the {@link AuditLog#runId()} of the consumer process run that handled the record
 * @param handlerId who handled it, by default the worker thread's name
 * @param topic the record's topic
 * @param partition the record's partition
 * @param offset the record's offset
 * @param key the record key as a string, {@code null} for a record without a key
 * @param seq the workload seq parsed from the value, {@code -1} when the value is not a {@link
 *     WorkloadRecord}
 * @param startNanos {@code System.nanoTime()} just before the handler was called
 * @param endNanos {@code System.nanoTime()} just after the handler returned
 * @param endEpochMillis {@code System.currentTimeMillis()} just after the handler returned
 */
public record AuditEntry(
    String runId,
    String handlerId,
    String topic,
    int partition,
    long offset,
    String key,
    long seq,
    long startNanos,
    long endNanos,
    long endEpochMillis) {

  /**
   * Validates the fields.
   *
   * @param runId see the record description
   * @param handlerId see the record description
   * @param topic see the record description
   * @param partition see the record description
   * @param offset see the record description
   * @param key see the record description
   * @param seq see the record description
   * @param startNanos see the record description
   * @param endNanos see the record description
   * @param endEpochMillis see the record description
   * @throws NullPointerException if {@code runId}, {@code handlerId} or {@code topic} is null
   * @throws IllegalArgumentException if partition or offset is negative, seq is below -1, or the handling ended before it started
   */
  public AuditEntry {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(handlerId, "handlerId");
    Objects.requireNonNull(topic, "topic");
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, was " + partition);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
    if (seq < -1) {
      throw new IllegalArgumentException("seq must be >= -1, was " + seq);
    }
    if (endNanos - startNanos < 0) {
      throw new IllegalArgumentException(
          "endNanos " + endNanos + " is before startNanos " + startNanos);
    }
  }

  /**
   * How long the handler ran.
   *
   * @return {@code endNanos - startNanos}
   */
  public long durationNanos() {
    return endNanos - startNanos;
  }
}
