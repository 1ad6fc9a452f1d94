package io.kcp.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * One rebalance callback of one instance's consumer, as it reports it: partitions assigned (with
 * the group's generation, or the member's epoch under KIP-848), revoked (after its drain and
 * commit) or lost.
 *
 * @param atMillis wall-clock time of the callback (ms since the epoch)
 * @param runId the instance run that reported it
 * @param kind what happened
 * @param partitions the partitions concerned
 * @param generation for ASSIGNED, the generation or epoch; -1 otherwise
 */
public record RebalanceEvent(long atMillis, String runId, Kind kind, List<TopicPartition> partitions, int generation) {

  /** What a callback said. */
  public enum Kind { ASSIGNED, REVOKED, LOST }

  /** Copies the partitions. */
  public RebalanceEvent {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(kind, "kind");
    partitions = List.copyOf(partitions);
  }

  /** One line: {@code atMillis kind generation topic-partition,...} (what an events file holds). */
  public String toLine() {
    StringBuilder b = new StringBuilder().append(atMillis).append(' ').append(kind).append(' ')
        .append(generation).append(' ');
    for (int i = 0; i < partitions.size(); i++) {
      TopicPartition tp = partitions.get(i);
      b.append(i == 0 ? "" : ",").append(tp.topic()).append(':').append(tp.partition());
    }
    return b.toString();
  }

  /**
   * Reads a line written by {@link #toLine()}.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static RebalanceEvent parse(String runId, String line) {
    String[] f = line.trim().split(" ", -1);
    if (f.length < 3) {
      throw new IllegalArgumentException("not a rebalance event line: " + line);
    }
    List<TopicPartition> tps = new ArrayList<>();
    if (f.length > 3 && !f[3].isEmpty()) {
      for (String p : f[3].split(",")) {
        int colon = p.lastIndexOf(':');
        tps.add(new TopicPartition(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1))));
      }
    }
    return new RebalanceEvent(Long.parseLong(f[0]), runId, Kind.valueOf(f[1]), tps, Integer.parseInt(f[2]));
  }
}
