package io.kcp.cli;

import io.kcp.lag.GroupEvaluation;
import io.kcp.lag.LagReport;
import io.kcp.lag.PartitionEvaluation;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.PartitionOwner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The table of {@code kcp lag}: {@code kafka-consumer-groups --describe}'s columns in its order
 * (GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID), then the
 * extras TIME-LAG, STATUS (and TREND), so a script written for the Kafka tool reads it unchanged;
 * the group's summary is apart ({@link #summary}).
 */
final class LagTable {
  private LagTable() {}

  /** The table and the summary under it, as {@code kcp lag watch} shows them. */
  static String render(LagReport r, Map<String, Long> previousLag) {
    return table(r, previousLag) + "\n" + summary(r);
  }

  /** The rows, one per partition, under the header. */
  static String table(LagReport r, Map<String, Long> previousLag) {
    List<String[]> rows = new ArrayList<>();
    rows.add(header(previousLag != null));
    rows(rows, r, previousLag);
    return layout(rows);
  }

  /**
   * One table for many groups ({@code kcp lag --all-groups}): one header, the reports' rows in the
   * order given, so the rows are grouped by GROUP.
   */
  static String table(List<LagReport> reports) {
    List<String[]> rows = new ArrayList<>();
    rows.add(header(false));
    reports.forEach(r -> rows(rows, r, null));
    return layout(rows);
  }

  private static String[] header(boolean trend) {
    return trend
        ? new String[] {"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID",
            "HOST", "CLIENT-ID", "TIME-LAG", "STATUS", "TREND"}
        : new String[] {"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID",
            "HOST", "CLIENT-ID", "TIME-LAG", "STATUS"};
  }

  private static void rows(List<String[]> rows, LagReport r, Map<String, Long> previousLag) {
    for (PartitionLag p : r.snapshot().partitions()) {
      PartitionOwner o = p.owner().orElse(new PartitionOwner("-", "-", "-"));
      String status = r.verdict(p.topic(), p.partition())
          .map(v -> v.status().name() + (v.hot() ? "(hot)" : "")).orElse("-");
      List<String> row = new ArrayList<>(List.of(r.snapshot().group(), p.topic(), Integer.toString(p.partition()),
          text(p.committedOffset()), Long.toString(p.logEndOffset()), text(p.lag()), o.memberId(), o.host(),
          o.clientId(), timeLag(p.timeLagMs()), status));
      if (previousLag != null) {
        row.add(arrow(previousLag.get(p.name()), p.lag()));
      }
      rows.add(row.toArray(new String[0]));
    }
  }

  private static String layout(List<String[]> rows) {
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        b.append(i == row.length - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** The group's state, status and totals, and why a partition is not OK or is hot. */
  static String summary(LagReport r) {
    StringBuilder b = new StringBuilder();
    GroupEvaluation e = r.evaluation();
    b.append(String.format(Locale.ROOT,
        "group %s: %s (%s protocol, %d member%s) status %s, totallag %d, maxlag %d, window complete %.0f%%%n",
        r.snapshot().group(), r.snapshot().state(), r.snapshot().type().toLowerCase(Locale.ROOT),
        r.snapshot().members(), r.snapshot().members() == 1 ? "" : "s", e.status(), e.totalLag(), e.maxLag(),
        e.complete() * 100));
    for (PartitionEvaluation v : e.partitions()) {
      if (v.status() != io.kcp.lag.LagStatus.OK) {
        b.append(String.format("  %s-%d %s by rule %s%n", v.topic(), v.partition(), v.status(), v.rule()));
      }
      if (v.hot()) {
        b.append(String.format("  hot partition %s-%d: %s%n", v.topic(), v.partition(), v.hotReason()));
      }
    }
    return b.toString();
  }

  static String arrow(Long before, OptionalLong now) {
    if (before == null || now.isEmpty()) {
      return "·";
    }
    long d = now.getAsLong() - before;
    return d > 0 ? "↑" + d : d < 0 ? "↓" + (-d) : "→";
  }

  static String text(OptionalLong v) {
    return v.isPresent() ? Long.toString(v.getAsLong()) : "-";
  }

  static String timeLag(OptionalLong ms) {
    if (ms.isEmpty()) {
      return "unknown";
    }
    long v = ms.getAsLong();
    return v < 1000 ? v + "ms" : String.format(Locale.ROOT, "%.1fs", v / 1000.0);
  }
}
