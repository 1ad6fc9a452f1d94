package io.kcp.audit;

import java.util.Objects;

/**
 * A record as a dead-letter topic (DLT) holds it, the third side of an {@link AuditReport}: a
 * record that a consumer gave up on after its retries and published to the DLT before committing
 * its offset.
 *
 * <p>A DLT record carries the original key and value bytes and, among others, the headers {@value
 * #ORIGINAL_TOPIC_HEADER}, {@value #ORIGINAL_PARTITION_HEADER} and {@value
 * #ORIGINAL_OFFSET_HEADER} (UTF-8 decimal strings) naming the record it stands for. When all three
 * are present and parse, the audit matches the DLT record to that exact produced record; otherwise
 * it falls back to the workload identity ({@code key}, {@code seq}).
 *
 * @param topic the DLT topic
 * @param partition the partition in the DLT
 * @param offset the offset in the DLT
 * @param originalTopic the {@value #ORIGINAL_TOPIC_HEADER} header, {@code null} when absent
 * @param originalPartition the {@value #ORIGINAL_PARTITION_HEADER} header, {@code -1} when absent
 *     or not a non-negative decimal
 * @param originalOffset the {@value #ORIGINAL_OFFSET_HEADER} header, {@code -1} when absent or not
 *     a non-negative decimal
 * @param key the record key as a string, {@code null} for a record without a key
 * @param seq the workload seq parsed from the value, {@code -1} when the value is not a {@link
 *     WorkloadRecord}
 */
public record DeadLetterRecord(
    String topic,
    int partition,
    long offset,
    String originalTopic,
    int originalPartition,
    long originalOffset,
    String key,
    long seq) {

  /** Header naming the topic of the original record. */
  public static final String ORIGINAL_TOPIC_HEADER = "kcp.dlt.original.topic";

  /** Header naming the partition of the original record. */
  public static final String ORIGINAL_PARTITION_HEADER = "kcp.dlt.original.partition";

  /** Header naming the offset of the original record. */
  public static final String ORIGINAL_OFFSET_HEADER = "kcp.dlt.original.offset";

  /**
   * Validates the fields.
   *
   * @param topic see the record description
   * @param partition see the record description
   * @param offset see the record description
   * @param originalTopic see the record description
   * @param originalPartition see the record description
   * @param originalOffset see the record description
   * @param key see the record description
   * @param seq see the record description
   * @throws NullPointerException if {@code topic} is null
   * @throws IllegalArgumentException if partition or offset is negative, or originalPartition,
   *     originalOffset or seq is below -1
   */
  public DeadLetterRecord {
    Objects.requireNonNull(topic, "topic");
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, was " + partition);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
    if (originalPartition < -1) {
      throw new IllegalArgumentException(
          "originalPartition must be >= -1 (-1: unknown), was " + originalPartition);
    }
    if (originalOffset < -1) {
      throw new IllegalArgumentException(
          "originalOffset must be >= -1 (-1: unknown), was " + originalOffset);
    }
    if (seq < -1) {
      throw new IllegalArgumentException("seq must be >= -1, was " + seq);
    }
  }

  /**
   * A DLT record without the original-position headers, matched by key and seq only.
   *
   * @param topic the DLT topic
   * @param partition the partition in the DLT
   * @param offset the offset in the DLT
   * @param key the record key, may be {@code null}
   * @param seq the workload seq, {@code -1} when unknown
   * @return the record
   */
  public static DeadLetterRecord withoutOrigin(
      String topic, int partition, long offset, String key, long seq) {
    return new DeadLetterRecord(topic, partition, offset, null, -1, -1, key, seq);
  }

  /**
   * Whether the headers name the original record exactly.
   *
   * @return {@code originalTopic != null && originalPartition >= 0 && originalOffset >= 0}
   */
  public boolean hasOrigin() {
    return originalTopic != null && originalPartition >= 0 && originalOffset >= 0;
  }
}
