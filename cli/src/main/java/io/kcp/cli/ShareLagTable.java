package io.kcp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    ObjectNode root = CliJson.object()
        .put("group", g.group())
        .put("type", "share")
        .put("state", String.valueOf(g.state()))
        .put("members", g.members())
        .put("total_lag", g.totalLag());
    ArrayNode parts = root.putArray("partitions");
    for (ShareGroupLag.SharePartitionLag p : g.partitions()) {
      parts.addObject()
          .put("topic", p.topic())
          .put("partition", p.partition())
          .put("start_offset", p.startOffset())
          .put("log_end_offset", p.logEndOffset())
          .put("lag", p.lag() < 0 ? null : p.lag());
    }
    return CliJson.line(root);
  }
}
