package io.kcp.lag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcp.lag.internal.Jackson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The public JSON forms (snake_case keys) of {@code kcp lag}.
 *
 * <p><b>Window input</b> ({@code kcp lag evaluate}, {@link #readWindow(String)}):
 *
 * <pre>{@code
 * {"now_ms": 1700000060000, "allowed_lag": 0, "window_size": 3,
 *  "partitions": [{"topic": "t", "partition": 0,
 *                  "window": [{"offset": 10, "timestamp_ms": 1700000000000, "lag": 5}, ...],
 *                  "broker_offsets": [15, 20, 25], "current_lag": 10}]}
 * }</pre>
 *
 * {@code allowed_lag} defaults to 0, {@code minimum_complete} to 0, {@code window_size} to the longest window given, {@code
 * broker_offsets} to none and {@code current_lag} / {@code lag} may be null (unknown).
 *
 * <p><b>Evaluation output</b> ({@link #toJson(GroupEvaluation)}): {@code status}, {@code complete},
 * {@code totallag}, {@code maxlag} and per partition {@code topic}, {@code partition}, {@code
 * status}, {@code rule}, {@code current_lag}, {@code complete}, {@code hot}, {@code hot_reason}.
 *
 * <p><b>Observation</b> ({@code kcp lag --json}, one line of {@code kcp lag watch --record}, {@link
 * #toJson(LagReport)}): {@code group}, {@code state}, {@code type}, {@code members}, {@code
 * taken_at_ms}, the evaluation's group fields, and per partition {@code topic}, {@code partition},
 * {@code committed_offset}, {@code log_end_offset}, {@code lag}, {@code time_lag_ms}, {@code
 * member_id}, {@code host}, {@code client_id}, {@code status}, {@code rule}, {@code hot}, {@code
 * hot_reason}. Unknown values are {@code null}.
 *
 * <p><b>Recording</b> ({@code kcp lag watch --record}, {@link #readRecording(String)}): one
 * observation per line.
 *
 * <p>Written and read with Jackson. Reading is strict RFC 8259 — no comments, no leading zeros, no
 * raw control characters in strings, only the standard escapes, no duplicate keys, nothing after
 * the value, nesting at most 32 deep — and a document that is not JSON fails with one line naming
 * the place: {@code line 3, column 17: unexpected character ...}. Writing escapes every control
 * character, DEL, U+2028, U+2029 and surrogates, so a line is valid JSON and safe inside
 * JavaScript.
 */
public final class LagJson {
  private LagJson() {}

  /**
   * Reads a window input.
   *
   * @throws LagException naming the key or the place that is wrong
   */
  public static LagWindow readWindow(String json) {
    JsonNode root = object(parse(json), "the document");
    JsonNode parts = list(root.get("partitions"), "partitions");
    List<PartitionWindow> windows = new ArrayList<>();
    int longest = 1;
    for (int i = 0; i < parts.size(); i++) {
      String where = "partitions[" + i + "]";
      JsonNode p = object(parts.get(i), where);
      JsonNode entries = list(p.get("window"), where + ".window");
      List<OffsetEntry> window = new ArrayList<>();
      for (int k = 0; k < entries.size(); k++) {
        String w = where + ".window[" + k + "]";
        JsonNode e = object(entries.get(k), w);
        window.add(new OffsetEntry(
            number(e.get("offset"), w + ".offset"),
            number(e.get("timestamp_ms"), w + ".timestamp_ms"),
            nullableNumber(e.get("lag"), w + ".lag")));
      }
      longest = Math.max(longest, window.size());
      List<Long> broker = new ArrayList<>();
      if (present(p.get("broker_offsets"))) {
        JsonNode b = list(p.get("broker_offsets"), where + ".broker_offsets");
        for (int k = 0; k < b.size(); k++) {
          broker.add(number(b.get(k), where + ".broker_offsets[" + k + "]"));
        }
      }
      windows.add(new PartitionWindow(
          string(p.get("topic"), where + ".topic"),
          (int) number(p.get("partition"), where + ".partition"),
          window,
          broker,
          nullableNumber(p.get("current_lag"), where + ".current_lag")));
    }
    long now = number(root.get("now_ms"), "now_ms");
    long allowed = present(root.get("allowed_lag")) ? number(root.get("allowed_lag"), "allowed_lag") : 0;
    long size = present(root.get("window_size")) ? number(root.get("window_size"), "window_size") : longest;
    double minimum = 0;
    JsonNode mc = root.get("minimum_complete");
    if (present(mc)) {
      if (!mc.isNumber()) {
        throw new LagException("minimum_complete must be a number between 0 and 1, got " + mc.asText());
      }
      minimum = mc.doubleValue();
    }
    try {
      return new LagWindow(now, allowed, (int) size, windows, minimum);
    } catch (IllegalArgumentException e) {
      throw new LagException(e.getMessage());
    }
  }

  /** The evaluation as one line of JSON. */
  public static String toJson(GroupEvaluation e) {
    ObjectNode root = Jackson.object();
    groupFields(root, e);
    ArrayNode parts = root.putArray("partitions");
    for (PartitionEvaluation v : e.partitions()) {
      ObjectNode p = parts.addObject().put("topic", v.topic()).put("partition", v.partition());
      verdictFields(p, v);
    }
    return Jackson.write(root);
  }

  /** The observation (snapshot plus evaluation) as one line of JSON. */
  public static String toJson(LagReport r) {
    LagSnapshot s = r.snapshot();
    ObjectNode root = Jackson.object()
        .put("group", s.group())
        .put("state", s.state())
        .put("type", s.type())
        .put("members", s.members())
        .put("taken_at_ms", s.takenAtMs());
    groupFields(root, r.evaluation());
    ArrayNode parts = root.putArray("partitions");
    for (PartitionLag p : s.partitions()) {
      Optional<PartitionOwner> o = p.owner();
      ObjectNode n = parts.addObject()
          .put("topic", p.topic())
          .put("partition", p.partition())
          .put("committed_offset", boxed(p.committedOffset()))
          .put("log_end_offset", p.logEndOffset())
          .put("lag", boxed(p.lag()))
          .put("time_lag_ms", boxed(p.timeLagMs()))
          .put("member_id", o.map(PartitionOwner::memberId).orElse(null))
          .put("host", o.map(PartitionOwner::host).orElse(null))
          .put("client_id", o.map(PartitionOwner::clientId).orElse(null));
      r.verdict(p.topic(), p.partition()).ifPresent(v -> verdictFields(n, v));
    }
    return Jackson.write(root);
  }

  /**
   * Reads back the snapshot of an observation line written by {@link #toJson(LagReport)}.
   *
   * @throws LagException naming the key or the place that is wrong
   */
  public static LagSnapshot readObservation(String json) {
    return observation(parse(json));
  }

  private static LagSnapshot observation(JsonNode json) {
    JsonNode root = object(json, "the observation");
    JsonNode parts = list(root.get("partitions"), "partitions");
    List<PartitionLag> rows = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      String where = "partitions[" + i + "]";
      JsonNode p = object(parts.get(i), where);
      Long committed = nullableNumber(p.get("committed_offset"), where + ".committed_offset");
      Long timeLag = nullableNumber(p.get("time_lag_ms"), where + ".time_lag_ms");
      Optional<PartitionOwner> owner = !present(p.get("member_id"))
          ? Optional.empty()
          : Optional.of(new PartitionOwner(string(p.get("member_id"), where + ".member_id"),
              present(p.get("host")) ? string(p.get("host"), where + ".host") : "",
              present(p.get("client_id")) ? string(p.get("client_id"), where + ".client_id") : ""));
      rows.add(new PartitionLag(
          string(p.get("topic"), where + ".topic"),
          (int) number(p.get("partition"), where + ".partition"),
          committed == null ? OptionalLong.empty() : OptionalLong.of(committed),
          number(p.get("log_end_offset"), where + ".log_end_offset"),
          owner,
          timeLag == null ? OptionalLong.empty() : OptionalLong.of(timeLag)));
    }
    return new LagSnapshot(
        string(root.get("group"), "group"),
        present(root.get("state")) ? string(root.get("state"), "state") : "UNKNOWN",
        present(root.get("type")) ? string(root.get("type"), "type") : "UNKNOWN",
        present(root.get("members")) ? (int) number(root.get("members"), "members") : 0,
        number(root.get("taken_at_ms"), "taken_at_ms"),
        rows);
  }

  /**
   * Reads a recording ({@code kcp lag watch --record}): one observation per line, blank lines
   * skipped, every line of the same group.
   *
   * @throws LagException starting with {@code line N} (and {@code , column C} when the line is not
   *     JSON)
   */
  public static List<LagSnapshot> readRecording(String text) {
    String[] lines = text.split("\\R", -1);
    List<LagSnapshot> out = new ArrayList<>();
    String group = null;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      LagSnapshot s;
      try {
        s = observation(Jackson.parse(lines[i]));
      } catch (Jackson.Malformed x) {
        throw new LagException("line " + (i + 1) + ", column " + x.column() + ": " + x.what(), x);
      } catch (LagException x) {
        throw new LagException("line " + (i + 1) + ": " + x.getMessage(), x);
      }
      if (group != null && !group.equals(s.group())) {
        throw new LagException("line " + (i + 1) + " is group '" + s.group() + "', earlier lines are '"
            + group + "' (record one group per file)");
      }
      group = s.group();
      out.add(s);
    }
    return out;
  }

  private static void groupFields(ObjectNode n, GroupEvaluation e) {
    n.put("status", e.status().name())
        .put("complete", Math.round(e.complete() * 1000) / 1000.0)
        .put("totallag", e.totalLag())
        .put("maxlag", e.maxLag());
  }

  private static void verdictFields(ObjectNode n, PartitionEvaluation v) {
    n.put("status", v.status().name())
        .put("rule", v.rule())
        .put("current_lag", v.currentLag())
        .put("complete", v.complete())
        .put("hot", v.hot())
        .put("hot_reason", v.hotReason());
  }

  private static Long boxed(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  private static JsonNode parse(String json) {
    if (json == null || json.isBlank()) {
      throw new LagException("malformed JSON: the input is empty");
    }
    try {
      return Jackson.parse(json);
    } catch (Jackson.Malformed e) {
      throw new LagException(e.getMessage(), e);
    }
  }

  private static boolean present(JsonNode n) {
    return n != null && !n.isNull();
  }

  private static JsonNode object(JsonNode n, String where) {
    if (n == null || !n.isObject()) {
      throw new LagException(where + " must be a JSON object");
    }
    return n;
  }

  private static JsonNode list(JsonNode n, String where) {
    if (n == null || !n.isArray()) {
      throw new LagException(where + " must be a JSON array" + (present(n) ? "" : " (it is missing)"));
    }
    return n;
  }

  private static long number(JsonNode n, String where) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new LagException(where + " must be a whole number" + (present(n) ? ", got " + n.asText() : " (it is missing)"));
    }
    return n.longValue();
  }

  private static Long nullableNumber(JsonNode n, String where) {
    return present(n) ? number(n, where) : null;
  }

  private static String string(JsonNode n, String where) {
    if (n == null || !n.isTextual()) {
      throw new LagException(where + " must be a string" + (present(n) ? "" : " (it is missing)"));
    }
    return n.textValue();
  }
}
