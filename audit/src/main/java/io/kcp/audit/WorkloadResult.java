package io.kcp.audit;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a {@link Workload} run produced.
 *
 * @param topic the topic
 * @param records records produced and acknowledged
 * @param duration from the first send until every send was acknowledged
 * @param endOffsets end offset of every partition of the topic after the run, by partition
 */
public record WorkloadResult(
    String topic, long records, Duration duration, Map<Integer, Long> endOffsets) {

  /**
   * Copies the end offsets, sorted by partition.
   *
   * @param topic see the record description
   * @param records see the record description
   * @param duration see the record description
   * @param endOffsets see the record description
   * @throws NullPointerException if a component is null
   */
  public WorkloadResult {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(duration, "duration");
    endOffsets = Collections.unmodifiableMap(new TreeMap<>(endOffsets));
  }

  /**
   * Throughput of the run.
   *
   * @return records per second, 0 for an empty or instantaneous run
   */
  public double recordsPerSecond() {
    long nanos = duration.toNanos();
    return nanos <= 0 ? 0 : records * 1e9 / nanos;
  }
}
