package io.kcp.lag;

import io.kcp.lag.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 */
public final class LagJson {
  private LagJson() {}

  /**
   * Reads a window input.
   *
   * @throws LagException naming the key or the place that is wrong
   */
  public static LagWindow readWindow(String json) {
    Map<String, Object> root = object(parse(json), "the document");
    List<Object> parts = list(root.get("partitions"), "partitions");
    List<PartitionWindow> windows = new ArrayList<>();
    int longest = 1;
    for (int i = 0; i < parts.size(); i++) {
      String where = "partitions[" + i + "]";
      Map<String, Object> p = object(parts.get(i), where);
      List<Object> entries = list(p.get("window"), where + ".window");
      List<OffsetEntry> window = new ArrayList<>();
      for (int k = 0; k < entries.size(); k++) {
        String w = where + ".window[" + k + "]";
        Map<String, Object> e = object(entries.get(k), w);
        window.add(new OffsetEntry(
            number(e.get("offset"), w + ".offset"),
            number(e.get("timestamp_ms"), w + ".timestamp_ms"),
            nullableNumber(e.get("lag"), w + ".lag")));
      }
      longest = Math.max(longest, window.size());
      List<Long> broker = new ArrayList<>();
      if (p.get("broker_offsets") != null) {
        List<Object> b = list(p.get("broker_offsets"), where + ".broker_offsets");
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
    long allowed = root.get("allowed_lag") == null ? 0 : number(root.get("allowed_lag"), "allowed_lag");
    long size = root.get("window_size") == null ? longest : number(root.get("window_size"), "window_size");
    double minimum = 0;
    Object mc = root.get("minimum_complete");
    if (mc != null) {
      if (!(mc instanceof Number n)) {
        throw new LagException("minimum_complete must be a number between 0 and 1, got " + mc);
      }
      minimum = n.doubleValue();
    }
    try {
      return new LagWindow(now, allowed, (int) size, windows, minimum);
    } catch (IllegalArgumentException e) {
      throw new LagException(e.getMessage());
    }
  }

  /** The evaluation as one line of JSON. */
  public static String toJson(GroupEvaluation e) {
    StringBuilder b = new StringBuilder("{");
    groupFields(b, e);
    b.append(",\"partitions\":[");
    for (int i = 0; i < e.partitions().size(); i++) {
      PartitionEvaluation v = e.partitions().get(i);
      b.append(i == 0 ? "" : ",").append('{')
          .append("\"topic\":").append(Json.quote(v.topic()))
          .append(",\"partition\":").append(v.partition());
      verdictFields(b, v);
      b.append('}');
    }
    return b.append("]}").toString();
  }

  /** The observation (snapshot plus evaluation) as one line of JSON. */
  public static String toJson(LagReport r) {
    LagSnapshot s = r.snapshot();
    StringBuilder b = new StringBuilder("{")
        .append("\"group\":").append(Json.quote(s.group()))
        .append(",\"state\":").append(Json.quote(s.state()))
        .append(",\"type\":").append(Json.quote(s.type()))
        .append(",\"members\":").append(s.members())
        .append(",\"taken_at_ms\":").append(s.takenAtMs())
        .append(',');
    groupFields(b, r.evaluation());
    b.append(",\"partitions\":[");
    for (int i = 0; i < s.partitions().size(); i++) {
      PartitionLag p = s.partitions().get(i);
      Optional<PartitionOwner> o = p.owner();
      b.append(i == 0 ? "" : ",").append('{')
          .append("\"topic\":").append(Json.quote(p.topic()))
          .append(",\"partition\":").append(p.partition())
          .append(",\"committed_offset\":").append(text(p.committedOffset()))
          .append(",\"log_end_offset\":").append(p.logEndOffset())
          .append(",\"lag\":").append(text(p.lag()))
          .append(",\"time_lag_ms\":").append(text(p.timeLagMs()))
          .append(",\"member_id\":").append(o.map(x -> Json.quote(x.memberId())).orElse("null"))
          .append(",\"host\":").append(o.map(x -> Json.quote(x.host())).orElse("null"))
          .append(",\"client_id\":").append(o.map(x -> Json.quote(x.clientId())).orElse("null"));
      Optional<PartitionEvaluation> v = r.verdict(p.topic(), p.partition());
      if (v.isPresent()) {
        verdictFields(b, v.get());
      }
      b.append('}');
    }
    return b.append("]}").toString();
  }

  /**
   * Reads back the snapshot of an observation line written by {@link #toJson(LagReport)}.
   *
   * @throws LagException naming the key or the place that is wrong
   */
  public static LagSnapshot readObservation(String json) {
    Map<String, Object> root = object(parse(json), "the observation");
    List<Object> parts = list(root.get("partitions"), "partitions");
    List<PartitionLag> rows = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      String where = "partitions[" + i + "]";
      Map<String, Object> p = object(parts.get(i), where);
      Long committed = nullableNumber(p.get("committed_offset"), where + ".committed_offset");
      Long timeLag = nullableNumber(p.get("time_lag_ms"), where + ".time_lag_ms");
      Optional<PartitionOwner> owner = p.get("member_id") == null
          ? Optional.empty()
          : Optional.of(new PartitionOwner(string(p.get("member_id"), where + ".member_id"),
              p.get("host") == null ? "" : string(p.get("host"), where + ".host"),
              p.get("client_id") == null ? "" : string(p.get("client_id"), where + ".client_id")));
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
        root.get("state") == null ? "UNKNOWN" : string(root.get("state"), "state"),
        root.get("type") == null ? "UNKNOWN" : string(root.get("type"), "type"),
        root.get("members") == null ? 0 : (int) number(root.get("members"), "members"),
        number(root.get("taken_at_ms"), "taken_at_ms"),
        rows);
  }

  private static void groupFields(StringBuilder b, GroupEvaluation e) {
    b.append("\"status\":").append(Json.quote(e.status().name()))
        .append(",\"complete\":").append(Math.round(e.complete() * 1000) / 1000.0)
        .append(",\"totallag\":").append(e.totalLag())
        .append(",\"maxlag\":").append(e.maxLag());
  }

  private static void verdictFields(StringBuilder b, PartitionEvaluation v) {
    b.append(",\"status\":").append(Json.quote(v.status().name()))
        .append(",\"rule\":").append(Json.quote(v.rule()))
        .append(",\"current_lag\":").append(v.currentLag() == null ? "null" : v.currentLag().toString())
        .append(",\"complete\":").append(v.complete())
        .append(",\"hot\":").append(v.hot())
        .append(",\"hot_reason\":").append(v.hotReason() == null ? "null" : Json.quote(v.hotReason()));
  }

  private static String text(OptionalLong v) {
    return v.isPresent() ? Long.toString(v.getAsLong()) : "null";
  }

  private static Object parse(String json) {
    if (json == null || json.isBlank()) {
      throw new LagException("malformed JSON: the input is empty");
    }
    try {
      return Json.parse(json);
    } catch (IllegalArgumentException e) {
      throw new LagException("malformed JSON " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o, String where) {
    if (!(o instanceof Map)) {
      throw new LagException(where + " must be a JSON object");
    }
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o, String where) {
    if (!(o instanceof List)) {
      throw new LagException(where + " must be a JSON array" + (o == null ? " (it is missing)" : ""));
    }
    return (List<Object>) o;
  }

  private static long number(Object o, String where) {
    if (!(o instanceof Long)) {
      throw new LagException(where + " must be a whole number" + (o == null ? " (it is missing)" : ", got " + o));
    }
    return (Long) o;
  }

  private static Long nullableNumber(Object o, String where) {
    return o == null ? null : number(o, where);
  }

  private static String string(Object o, String where) {
    if (!(o instanceof String)) {
      throw new LagException(where + " must be a string" + (o == null ? " (it is missing)" : ""));
    }
    return (String) o;
  }
}
