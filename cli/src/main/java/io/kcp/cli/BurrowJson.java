package io.kcp.cli;

import io.kcp.lag.LagReport;
import io.kcp.lag.LagStatus;
import io.kcp.lag.OffsetEntry;
import io.kcp.lag.PartitionEvaluation;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.PartitionOwner;
import io.kcp.lag.PartitionWindow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The JSON of {@code kcp lag serve}: the shape of Burrow's HTTP API v3 for the consumer endpoints
 * (so tools written for Burrow can read it), and the history the page draws.
 *
 * <p>Burrow's partition {@code start} and {@code end} are the oldest and newest entries of the
 * evaluation window ({@code offset}, {@code timestamp}, {@code observedAt}, {@code lag}; our
 * monitor polls, so {@code timestamp} and {@code observedAt} are both the instant the offset was
 * seen); {@code complete} is the share of the window that is filled; {@code owner} is the
 * consumer's host and {@code client_id} its {@code client.id} ({@code ""} when unowned). The
 * group's {@code status} is Burrow's group status — NOTFOUND, OK, WARN, or ERR when a partition is
 * STOP, STALL or REWIND — and each partition keeps its own.
 */
final class BurrowJson {
  private BurrowJson() {}

  /** {@code GET /v3/kafka/{cluster}/consumer}. */
  static String groupList(Collection<String> groups, String url, String host) {
    StringBuilder b = new StringBuilder("{\"error\":false,\"message\":\"consumer list returned\",\"consumers\":[");
    String sep = "";
    for (String g : groups) {
      b.append(sep).append(str(g));
      sep = ",";
    }
    return b.append("],").append(request(url, host)).append('}').toString();
  }

  /** An error answer ({@code error: true}) with a message a person can act on. */
  static String error(String message, String url, String host) {
    return "{\"error\":true,\"message\":" + str(message) + "," + request(url, host) + "}";
  }

  /**
   * {@code /lag} ({@code all = true}: every partition) or {@code /status} (only the partitions
   * that are not OK, as Burrow does).
   */
  static String status(String cluster, LagBoard.View v, boolean all, String url, String host) {
    List<String> parts = new ArrayList<>();
    String maxlag = "null";
    long maxLagValue = -1;
    int count = 0;
    long total = 0;
    LagReport r = v.report();
    if (r != null) {
      Map<String, PartitionWindow> windows = new LinkedHashMap<>();
      if (v.window() != null) {
        v.window().partitions().forEach(w -> windows.put(w.topic() + "-" + w.partition(), w));
      }
      for (PartitionLag p : r.snapshot().partitions()) {
        Optional<PartitionEvaluation> e = r.verdict(p.topic(), p.partition());
        String json = partition(p, e.orElse(null), windows.get(p.name()), v.windowSize());
        count++;
        long lag = p.lag().orElse(0);
        total += lag;
        if (lag > maxLagValue) {
          maxLagValue = lag;
          maxlag = json;
        }
        if (all || e.map(x -> x.status() != LagStatus.OK).orElse(false)) {
          parts.add(json);
        }
      }
    }
    double complete = r == null ? 0.0 : r.evaluation().complete();
    String message = v.error() == null
        ? (all ? "consumer lag returned" : "consumer status returned")
        : "consumer status returned (last observation failed: " + v.error() + ")";
    return "{\"error\":false,\"message\":" + str(message)
        + ",\"status\":{\"cluster\":" + str(cluster)
        + ",\"group\":" + str(v.group())
        + ",\"status\":" + str(v.status().toGroupStatus().name())
        + ",\"complete\":" + num(complete)
        + ",\"partitions\":[" + String.join(",", parts) + "]"
        + ",\"partition_count\":" + count
        + ",\"maxlag\":" + maxlag
        + ",\"totallag\":" + total
        + "}," + request(url, host) + "}";
  }

  private static String partition(PartitionLag p, PartitionEvaluation e, PartitionWindow w, int windowSize) {
    Optional<PartitionOwner> o = p.owner();
    List<OffsetEntry> entries = w == null ? List.of() : w.window();
    double complete = Math.min(1.0, entries.size() / (double) windowSize);
    return "{\"topic\":" + str(p.topic())
        + ",\"partition\":" + p.partition()
        + ",\"owner\":" + str(o.map(PartitionOwner::host).orElse(""))
        + ",\"client_id\":" + str(o.map(PartitionOwner::clientId).orElse(""))
        + ",\"status\":" + str(e == null ? LagStatus.OK.name() : e.status().name())
        + ",\"start\":" + entry(entries.isEmpty() ? null : entries.get(0))
        + ",\"end\":" + entry(entries.isEmpty() ? null : entries.get(entries.size() - 1))
        + ",\"current_lag\":" + p.lag().orElse(0)
        + ",\"complete\":" + num(complete)
        + "}";
  }

  private static String entry(OffsetEntry e) {
    if (e == null) {
      return "null";
    }
    return "{\"offset\":" + e.offset() + ",\"timestamp\":" + e.timestampMs() + ",\"observedAt\":" + e.timestampMs()
        + ",\"lag\":" + (e.lag() == null ? 0 : e.lag()) + "}";
  }

  /**
   * {@code GET /api/history}: per group its status, error, hot partitions, the largest time lag,
   * and the series the page draws ({@code t} in ms since the epoch, {@code total}, and one array
   * per partition, {@code null} where a partition had no lag at that point).
   */
  static String history(String cluster, long intervalMs, List<String> groups, LagBoard board) {
    StringBuilder b = new StringBuilder("{\"cluster\":").append(str(cluster))
        .append(",\"interval_ms\":").append(intervalMs).append(",\"groups\":[");
    String sep = "";
    for (String g : groups) {
      Optional<LagBoard.View> view = board.view(g);
      List<LagBoard.Point> points = board.history(g);
      b.append(sep);
      sep = ",";
      b.append("{\"group\":").append(str(g));
      b.append(",\"status\":").append(str(view.map(v -> v.status().name()).orElse("NOTFOUND")));
      b.append(",\"error\":").append(view.map(LagBoard.View::error).map(BurrowJson::str).orElse("null"));
      List<String> hot = new ArrayList<>();
      long timeLag = 0;
      if (view.isPresent() && view.get().report() != null) {
        LagReport r = view.get().report();
        r.evaluation().partitions().stream().filter(PartitionEvaluation::hot)
            .forEach(p -> hot.add(str(p.topic() + "-" + p.partition())));
        timeLag = r.snapshot().partitions().stream().mapToLong(p -> p.timeLagMs().orElse(0)).max().orElse(0);
      }
      b.append(",\"hot\":[").append(String.join(",", hot)).append(']');
      b.append(",\"time_lag_ms\":").append(timeLag);
      TreeSet<String> names = new TreeSet<>();
      points.forEach(p -> names.addAll(p.lags().keySet()));
      b.append(",\"t\":[");
      join(b, points.stream().map(p -> Long.toString(p.atMs())).toList());
      b.append("],\"statuses\":[");
      join(b, points.stream().map(p -> str(p.status().name())).toList());
      b.append("],\"total\":[");
      join(b, points.stream().map(p -> Long.toString(p.totalLag())).toList());
      b.append("],\"partitions\":{");
      String psep = "";
      for (String n : names) {
        b.append(psep).append(str(n)).append(":[");
        psep = ",";
        join(b, points.stream().map(p -> {
          Long l = p.lags().get(n);
          return l == null ? "null" : l.toString();
        }).toList());
        b.append(']');
      }
      b.append("}}");
    }
    return b.append("]}").toString();
  }

  private static void join(StringBuilder b, List<String> values) {
    b.append(String.join(",", values));
  }

  private static String request(String url, String host) {
    return "\"request\":{\"url\":" + str(url) + ",\"host\":" + str(host) + "}";
  }

  private static String num(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
