package io.kcp.lag.internal;

import java.util.OptionalLong;

/**
 * One partition's bounded history of (log-end offset, sample time) points, oldest first, and the
 * time lag interpolated from it (kafka-lag-exporter's idea, written afresh): the time lag of
 * committed offset {@code c} at {@code now} is {@code now − t(c)}, where {@code t(c)} is the time
 * the log-end offset was {@code c}, linear between the two samples around {@code c} and
 * extrapolated from the two oldest distinct samples when {@code c} is older than the table.
 *
 * <ul>
 *   <li>Points keep offsets and times non-decreasing: a sample with a smaller offset (topic
 *       recreated, truncated) or an earlier time (clock stepped back) restarts the table from it.
 *   <li>A run of equal offsets keeps only its first and last point, so an idle partition does not
 *       push its history out; the last point of a run is the latest time the log end was still at
 *       that offset, after which the next record arrived.
 *   <li>Never NaN, never negative: unknown (empty) when fewer than two points, when the table never
 *       moved past {@code c}'s side, or when the rate is not positive; 0 when there is no lag.
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class OffsetTimeTable {
  private final long[] offsets;
  private final long[] times;
  private int start;
  private int size;

  /** A table of at most {@code capacity} (≥ 3) points. */
  public OffsetTimeTable(int capacity) {
    if (capacity < 3) {
      throw new IllegalArgumentException("capacity must be at least 3, got " + capacity);
    }
    offsets = new long[capacity];
    times = new long[capacity];
  }

  /** Records that the log-end offset was {@code offset} at {@code timeMs}. */
  public void add(long offset, long timeMs) {
    if (size > 0) {
      long lastOffset = offset(size - 1);
      long lastTime = time(size - 1);
      if (offset < lastOffset || timeMs < lastTime) {
        size = 0; // the history no longer describes this log (or this clock): start again
        start = 0;
      } else if (offset == lastOffset) {
        if (size >= 2 && offset(size - 2) == offset) {
          times[index(size - 1)] = timeMs; // extend the flat run: keep its first and last point
          return;
        }
      }
    }
    if (size == offsets.length) {
      start = (start + 1) % offsets.length;
      size--;
    }
    offsets[index(size)] = offset;
    times[index(size)] = timeMs;
    size++;
  }

  /** How many points the table holds. */
  public int size() {
    return size;
  }

  /**
   * The time lag of committed offset {@code committed} at {@code nowMs}, given the partition's
   * current log-end offset {@code logEnd}: 0 when {@code committed >= logEnd}, else interpolated.
   */
  public OptionalLong timeLag(long committed, long logEnd, long nowMs) {
    if (committed >= logEnd) {
      return OptionalLong.of(0);
    }
    if (size < 2) {
      return OptionalLong.empty();
    }
    long newest = offset(size - 1);
    if (committed >= newest) {
      // ahead of every sample (the log end moved after the last sample): no sample saw it pass
      return OptionalLong.empty();
    }
    int lower = -1; // the last point at or below committed
    for (int i = size - 1; i >= 0; i--) {
      if (offset(i) <= committed) {
        lower = i;
        break;
      }
    }
    int a;
    int b;
    if (lower >= 0) {
      a = lower;
      b = lower + 1; // exists, and offset(b) > committed since lower is the last point <= committed
    } else {
      // older than the table: extrapolate backwards over the two oldest points with distinct offsets
      a = 0;
      b = 1;
      while (b < size && offset(b) == offset(a)) {
        b++;
      }
      if (b == size) {
        return OptionalLong.empty();
      }
    }
    long dOffset = offset(b) - offset(a);
    long dTime = time(b) - time(a);
    if (dOffset <= 0 || (lower < 0 && dTime <= 0)) {
      return OptionalLong.empty(); // no rate to extrapolate with
    }
    double at = time(a) + (double) (committed - offset(a)) * dTime / dOffset;
    if (Double.isNaN(at) || Double.isInfinite(at)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(0, Math.round(nowMs - at)));
  }

  private long offset(int i) {
    return offsets[index(i)];
  }

  private long time(int i) {
    return times[index(i)];
  }

  private int index(int i) {
    return (start + i) % offsets.length;
  }
}
