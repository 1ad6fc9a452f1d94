package io.kcp.audit;

import java.util.Objects;

/**
 * A record as the topic holds it, the reference side of an {@link AuditReport}. Its identity is
 * ({@code topic}, {@code partition}, {@code offset}).
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the offset
 * @param key the record key as a string, {@code null} for a record without a key
 * @param seq the workload seq parsed from the value, {@code -1} when the value is not a {@link
 *     WorkloadRecord}
 */
public record ProducedRecord(String topic, int partition, long offset, String key, long seq) {

  /**
   * Validates the fields.
   *
   * @param topic see the record description
   * @param partition see the record description
   * @param offset see the record description
   * @param key see the record description
   * @param seq see the record description
   * @throws NullPointerException if {@code topic} is null
   * @throws IllegalArgumentException if partition or offset is negative or seq is below -1
   */
  public ProducedRecord {
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
  }
}
