package io.kcp.lag;

import java.util.List;

/**
 * The input of {@link LagEvaluator}: every partition's window at one instant. Its JSON form is the
 * public format of {@code kcp lag evaluate} ({@link LagJson#readWindow(String)}).
 *
 * @param nowMs the instant of evaluation (ms since the epoch)
 * @param allowedLag lag at or below this counts as caught up (0 = only zero lag does)
 * @param windowSize the number of entries that makes a window complete
 * @param partitions one window per partition
 */
public record LagWindow(long nowMs, long allowedLag, int windowSize, List<PartitionWindow> partitions) {
  /** Validates the numbers and copies the partitions. */
  public LagWindow {
    if (allowedLag < 0) {
      throw new IllegalArgumentException("allowed_lag must be >= 0, got " + allowedLag);
    }
    if (windowSize < 1) {
      throw new IllegalArgumentException("window_size must be >= 1, got " + windowSize);
    }
    partitions = List.copyOf(partitions);
  }
}
