package io.kcp.lag;

/**
 * Where a partition's time lag comes from ({@link ConsumerLag.Builder#timeLag(TimeLagMode)}), and,
 * on a {@link PartitionLag}, where its value came from.
 */
public enum TimeLagMode {
  /**
   * Fetch the first unconsumed record and take now minus its timestamp: exact, but needs READ on
   * the topic and one fetch per lagging partition.
   */
  PROBE,
  /**
   * Interpolate over the sampled log-end offset history (kafka-lag-exporter's approach): now minus
   * the time the log-end offset was at the committed offset. Reads no data, but needs at least two
   * samples with moving offsets and is approximate under bursty traffic.
   */
  INTERPOLATE,
  /** No time lag (on a {@link PartitionLag}: the value is unknown, or was not asked for). */
  NONE
}
