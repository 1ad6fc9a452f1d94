package io.kcp.cli;

import io.kcp.lag.ShareGroupLag;
import java.util.Locale;

/**
 * {@code kcp lag} for a share group: it has no committed offset, so the classic columns would lie;
 * this prints what the broker keeps instead — each partition's start offset and the records past
 * it not yet acknowledged.
 */
final class ShareLagTable {
  private ShareLagTable() {}

  static String render(ShareGroupLag g) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "share group %s (%s, %d member%s): a share group commits no offsets;"
            + " its LAG is the broker's count of records past the partition's START-OFFSET not yet acknowledged"
            + " (available, or acquired and being handled)%n",
        g.group(), g.state(), g.members(), g.members() == 1 ? "" : "s"));
    b.append(String.format(Locale.ROOT, "%-30s %9s %13s %15s %10s%n", "TOPIC", "PARTITION", "START-OFFSET",
        "LOG-END-OFFSET", "LAG"));
    for (ShareGroupLag.SharePartitionLag p : g.partitions()) {
      b.append(String.format(Locale.ROOT, "%-30s %9d %13d %15d %10s%n", p.topic(), p.partition(), p.startOffset(),
          p.logEndOffset(), p.lag() < 0 ? "-" : Long.toString(p.lag())));
    }
    b.append(String.format(Locale.ROOT, "total lag %,d%n", g.totalLag()));
    return b.toString();
  }

  static String json(ShareGroupLag g) {
    StringBuilder parts = new StringBuilder();
    for (ShareGroupLag.SharePartitionLag p : g.partitions()) {
      if (parts.length() > 0) {
        parts.append(',');
      }
      parts.append(String.format(Locale.ROOT,
          "{\"topic\":%s,\"partition\":%d,\"start_offset\":%d,\"log_end_offset\":%d,\"lag\":%s}",
          JsonStrings.quote(p.topic()), p.partition(), p.startOffset(), p.logEndOffset(),
          p.lag() < 0 ? "null" : Long.toString(p.lag())));
    }
    return String.format(Locale.ROOT,
        "{\"group\":%s,\"type\":\"share\",\"state\":\"%s\",\"members\":%d,\"total_lag\":%d,\"partitions\":[%s]}",
        JsonStrings.quote(g.group()), g.state(), g.members(), g.totalLag(), parts);
  }
}
