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
 * @param minimumComplete a window less complete than this (entries / window size, 0.0 to 1.0) is
 *     OK without being judged: Burrow's {@code minimum-complete}, 0 by default
 */
public record LagWindow(
    long nowMs, long allowedLag, int windowSize, List<PartitionWindow> partitions, double minimumComplete) {

  /** A window judged whatever its completeness (minimum complete 0, Burrow's default). */
  public LagWindow(long nowMs, long allowedLag, int windowSize, List<PartitionWindow> partitions) {
    this(nowMs, allowedLag, windowSize, partitions, 0.0);
  }

  /** Validates the numbers and copies the partitions. */
  public LagWindow {
    if (!(minimumComplete >= 0.0 && minimumComplete <= 1.0)) {
      throw new IllegalArgumentException("minimum_complete must be between 0 and 1, got " + minimumComplete);
    }
    if (allowedLag < 0) {
      throw new IllegalArgumentException("allowed_lag must be >= 0, got " + allowedLag);
    }
    if (windowSize < 1) {
      throw new IllegalArgumentException("window_size must be >= 1, got " + windowSize);
    }
    partitions = List.copyOf(partitions);
  }
}
