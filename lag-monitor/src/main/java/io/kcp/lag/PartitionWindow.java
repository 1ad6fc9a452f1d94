package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What the evaluator knows of one partition: its window of committed offsets, oldest first, and
 * the partition's recent log-end offsets.
 *
 * @param topic the topic
 * @param partition the partition number
 * @param window committed offsets, oldest to newest (may be empty)
 * @param brokerOffsets recent log-end offsets, oldest to newest (may be empty)
 * @param currentLag the lag now (log-end minus last committed), or null to derive it from the
 *     last broker offset and the last window entry
 */
public record PartitionWindow(
    String topic, int partition, List<OffsetEntry> window, List<Long> brokerOffsets, Long currentLag) {

  /** Checks that no field is null and copies the lists. */
  public PartitionWindow {
    requireNonNull(topic, "topic");
    window = List.copyOf(window);
    brokerOffsets = List.copyOf(brokerOffsets);
  }
}
