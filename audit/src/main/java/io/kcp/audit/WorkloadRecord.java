package io.kcp.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * One record of the keyed {@link Workload}: which key it belongs to, its sequence number within
 * that key, and when it was produced.
 *
 * <p>This class is the single definition of the workload's value format, {@code
 * key|seq|epochMillis}, for example {@code k-7|42|1767225600000}. Record {@code i} (0-based) of a
 * workload over {@code K} keys has key {@code k-<i % K>} and {@code seq = i / K}, so the seqs of
 * every key run 0, 1, 2, … in produce order; since all records of a key go to one partition, a
 * key's seq order is also its offset order within that partition.
 *
 * @param key the record key, e.g. {@code k-7}; never {@code null}
 * @param seq the record's sequence number within its key, {@code >= 0}
 * @param producedAtMillis wall-clock time (epoch millis) when the producer created the record
 */
public record WorkloadRecord(String key, long seq, long producedAtMillis) {

  private static final char SEPARATOR = '|';

  /**
   * Validates the fields.
   *
   * @param key see the record description
   * @param seq see the record description
   * @param producedAtMillis see the record description
   * @throws NullPointerException if {@code key} is {@code null}
   * @throws IllegalArgumentException if {@code seq} is negative
   */
  public WorkloadRecord {
    Objects.requireNonNull(key, "key");
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0, was " + seq);
    }
  }

  /**
   * The record at position {@code index} of a workload over {@code keys} keys.
   *
   * @param index 0-based position of the record in the workload
   * @param keys number of distinct keys, {@code >= 1}
   * @param producedAtMillis the produce timestamp to carry
   * @return key {@code k-<index % keys>} with {@code seq = index / keys}
   */
  public static WorkloadRecord of(long index, int keys, long producedAtMillis) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be >= 1, was " + keys);
    }
    return new WorkloadRecord(keyName(index % keys), index / keys, producedAtMillis);
  }

  /**
   * The name of key number {@code keyIndex}.
   *
   * @param keyIndex 0-based key number
   * @return {@code k-<keyIndex>}
   */
  public static String keyName(long keyIndex) {
    return "k-" + keyIndex;
  }

  /**
   * The record value in the workload format.
   *
   * @return {@code key|seq|producedAtMillis}
   */
  public String toValue() {
    return key + SEPARATOR + seq + SEPARATOR + producedAtMillis;
  }

  /**
   * Parses a record value written by {@link #toValue()}.
   *
   * <p>The last two {@code |}-separated fields are the seq and the timestamp; everything before
   * them is the key (so a key containing {@code |} still parses).
   *
   * @param value a record value, may be {@code null}
   * @return the parsed record, or empty when {@code value} is {@code null} or not in the format
   *     (including an empty key, or a seq or timestamp that is not a non-negative decimal)
   */
  public static Optional<WorkloadRecord> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int last = value.lastIndexOf(SEPARATOR);
    if (last <= 0) {
      return Optional.empty();
    }
    int middle = value.lastIndexOf(SEPARATOR, last - 1);
    if (middle <= 0) { // no separator, or an empty key
      return Optional.empty();
    }
    long seq = parseDigits(value, middle + 1, last);
    long millis = parseDigits(value, last + 1, value.length());
    if (seq < 0 || millis < 0) {
      return Optional.empty();
    }
    return Optional.of(new WorkloadRecord(value.substring(0, middle), seq, millis));
  }

  /** Parses {@code s[from, to)} as a non-negative decimal long; -1 if not exactly that. */
  private static long parseDigits(String s, int from, int to) {
    if (from >= to || to - from > 19) {
      return -1;
    }
    long result = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      result = result * 10 + (c - '0');
      if (result < 0) {
        return -1; // overflow
      }
    }
    return result;
  }
}
