package io.kcp.lag;

/**
 * One entry of a partition's evaluation window: a committed offset, when it was committed (or,
 * for a monitor that polls, when it was seen with its consumer alive), and the lag at that moment.
 *
 * @param offset the committed offset
 * @param timestampMs when it was committed or seen (ms since the epoch)
 * @param lag log-end offset minus {@code offset} at that moment, or null when unknown
 */
public record OffsetEntry(long offset, long timestampMs, Long lag) {}
