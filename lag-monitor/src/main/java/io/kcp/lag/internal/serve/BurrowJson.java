package io.kcp.lag.internal.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcp.lag.LagReport;
import io.kcp.lag.LagServer.Point;
import io.kcp.lag.LagStatus;
import io.kcp.lag.OffsetEntry;
import io.kcp.lag.PartitionEvaluation;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.PartitionOwner;
import io.kcp.lag.PartitionWindow;
import io.kcp.lag.internal.Jackson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The JSON of {@link io.kcp.lag.LagServer}, written with Jackson: the shapes of Burrow's HTTP API
 * v3 (its {@code httpserver} response structs and {@code protocol} package), so tools written for
 * Burrow can read them, and the history the page draws.
 *
 * <p>Burrow's partition {@code start} and {@code end} are the oldest and newest entries of the
 * evaluation window ({@code offset}, {@code timestamp}, {@code observedAt}, {@code lag}; our
 * monitor polls, so {@code timestamp} and {@code observedAt} are both the instant the offset was
 * seen); {@code complete} is the share of the window that is filled; {@code owner} is the
 * consumer's host and {@code client_id} its {@code client.id} ({@code ""} when unowned).
 */
final class BurrowJson {
  private BurrowJson() {}

  /** One line of JSON, escaped as every JSON of the module ({@link Jackson}: safe inside a page's script too). */
  static String write(ObjectNode node) {
    return Jackson.write(node);
  }

  /** {@code error}, {@code message}: the head of every Burrow answer. */
  private static ObjectNode head(boolean error, String message) {
    ObjectNode n = Jackson.object();
    n.put("error", error);
    n.put("message", message);
    return n;
  }

  /** {@code request}: the tail of every Burrow answer. */
  private static ObjectNode tail(ObjectNode n, String url, String host) {
    ObjectNode r = n.putObject("request");
    r.put("url", url);
    r.put("host", host);
    return n;
  }

  /** An error answer ({@code error: true}) with a message a person can act on (Burrow's httpResponseError). */
  static ObjectNode error(String message, String url, String host) {
    return tail(head(true, message), url, host);
  }

  /** {@code GET /v3/kafka}: Burrow's httpResponseClusterList. */
  static ObjectNode clusterList(String cluster, String url, String host) {
    ObjectNode n = head(false, "cluster list returned");
    n.putArray("clusters").add(cluster);
    return tail(n, url, host);
  }

  /**
   * {@code GET /v3/kafka/{cluster}}: Burrow's cluster module detail. {@code servers} are the
   * bootstrap servers given; {@code topic-refresh} and {@code offset-refresh} are the sampling
   * interval in whole seconds, rounded up (the monitor reads topics and offsets every round);
   * {@code client-profile}'s {@code kafka-version} is the version of the Kafka client library,
   * {@code client-id} the {@code client.id} given (else {@code null}); {@code tls} is {@code null}
   * unless {@code security.protocol} is {@code SSL} or {@code SASL_SSL}, then Burrow's TLS profile:
   * {@code cafile} the truststore, {@code certfile} the keystore (Kafka keeps the key in it, so
   * {@code keyfile} is empty), {@code noverify} whether hostname verification is off; {@code sasl}
   * is {@code null} unless the protocol is {@code SASL_*}, then Burrow's SASL profile with the
   * user name from {@code sasl.jaas.config} and, beyond Burrow's fields, the {@code mechanism}.
   * Never a password: {@code client} arrives redacted, and only these fields are read from it.
   */
  /** The key under which the SASL user name (not a secret) is carried in the redacted settings. */
  static final String SASL_USERNAME = "kcp.sasl.username";

  private static void putOrNull(ObjectNode n, String field, String value) {
    if (value == null) {
      n.putNull(field);
    } else {
      n.put(field, value);
    }
  }

  static ObjectNode clusterDetail(List<String> servers, long intervalMs, Map<String, String> client, String url,
      String host) {
    ObjectNode n = head(false, "cluster module detail returned");
    ObjectNode m = n.putObject("module");
    m.put("class-name", "kafka");
    ArrayNode s = m.putArray("servers");
    servers.forEach(s::add);
    ObjectNode profile = m.putObject("client-profile");
    profile.put("name", "default");
    putOrNull(profile, "client-id", client.get("client.id"));
    profile.put("kafka-version", AppInfoParser.getVersion());
    String protocol = client.getOrDefault("security.protocol", "PLAINTEXT").strip().toUpperCase(java.util.Locale.ROOT);
    if (protocol.equals("SSL") || protocol.equals("SASL_SSL")) {
      ObjectNode tls = profile.putObject("tls");
      tls.put("name", "default");
      tls.put("noverify", client.containsKey("ssl.endpoint.identification.algorithm")
          && client.get("ssl.endpoint.identification.algorithm").isBlank());
      tls.put("certfile", client.getOrDefault("ssl.keystore.location", ""));
      tls.put("keyfile", "");
      tls.put("cafile", client.getOrDefault("ssl.truststore.location", ""));
    } else {
      profile.putNull("tls");
    }
    if (protocol.startsWith("SASL_")) {
      ObjectNode sasl = profile.putObject("sasl");
      sasl.put("name", "default");
      sasl.put("handshake-first", true);
      // the user name is read from the real value before redaction (see LagServer.Builder)
      sasl.put("username", client.getOrDefault(SASL_USERNAME, ""));
      sasl.put("mechanism", client.getOrDefault("sasl.mechanism", "GSSAPI"));
    } else {
      profile.putNull("sasl");
    }
    long seconds = Math.max(1, (intervalMs + 999) / 1000);
    m.put("topic-refresh", seconds);
    m.put("offset-refresh", seconds);
    return tail(n, url, host);
  }

  /** {@code GET /v3/kafka/{cluster}/consumer}: Burrow's httpResponseConsumerList. */
  static ObjectNode groupList(Collection<String> groups, String url, String host) {
    ObjectNode n = head(false, "consumer list returned");
    ArrayNode a = n.putArray("consumers");
    groups.forEach(a::add);
    return tail(n, url, host);
  }

  /**
   * {@code GET /v3/kafka/{cluster}/consumer/{group}}: Burrow's httpResponseConsumerDetail, the
   * group's offsets per topic; each topic is an array indexed by partition number ({@code null}
   * for a partition the group has not committed nor been assigned), each partition its
   * {@code offsets} ring (window size entries, oldest first, {@code null} where the window is not
   * yet filled — as Burrow's ring reads), {@code owner}, {@code client_id} and {@code current-lag}.
   */
  static ObjectNode groupDetail(Board.View v, String url, String host) {
    ObjectNode n = head(false, v.error() == null ? "consumer detail returned"
        : "consumer detail returned (last observation failed: " + v.error() + ")");
    ObjectNode topics = n.putObject("topics");
    LagReport r = v.report();
    if (r != null) {
      Map<String, PartitionWindow> windows = windows(v);
      Map<String, TreeMap<Integer, PartitionLag>> byTopic = new TreeMap<>();
      for (PartitionLag p : r.snapshot().partitions()) {
        byTopic.computeIfAbsent(p.topic(), t -> new TreeMap<>()).put(p.partition(), p);
      }
      for (Map.Entry<String, TreeMap<Integer, PartitionLag>> t : byTopic.entrySet()) {
        ArrayNode parts = topics.putArray(t.getKey());
        int last = t.getValue().lastKey();
        for (int i = 0; i <= last; i++) {
          PartitionLag p = t.getValue().get(i);
          if (p == null) {
            parts.addNull();
            continue;
          }
          ObjectNode pn = parts.addObject();
          ArrayNode offsets = pn.putArray("offsets");
          PartitionWindow w = windows.get(p.name());
          List<OffsetEntry> entries = w == null ? List.of() : w.window();
          for (int k = entries.size(); k < v.windowSize(); k++) {
            offsets.addNull();
          }
          entries.forEach(e -> entry(offsets.addObject(), e));
          Optional<PartitionOwner> o = p.owner();
          pn.put("owner", o.map(PartitionOwner::host).orElse(""));
          pn.put("client_id", o.map(PartitionOwner::clientId).orElse(""));
          pn.put("current-lag", p.lag().orElse(0));
        }
      }
    }
    return tail(n, url, host);
  }

  private static Map<String, PartitionWindow> windows(Board.View v) {
    Map<String, PartitionWindow> windows = new TreeMap<>();
    if (v.window() != null) {
      v.window().partitions().forEach(w -> windows.put(w.topic() + "-" + w.partition(), w));
    }
    return windows;
  }

  /**
   * {@code /lag} ({@code all = true}: every partition) or {@code /status} (only the partitions
   * that are not OK, as Burrow does): Burrow's httpResponseConsumerStatus. The group's
   * {@code status} is Burrow's group status (NOTFOUND, OK, WARN, ERR); each partition keeps its own.
   */
  static ObjectNode status(String cluster, Board.View v, boolean all, String url, String host) {
    String message = v.error() == null
        ? "consumer status returned"
        : "consumer status returned (last observation failed: " + v.error() + ")";
    ObjectNode n = head(false, message);
    ObjectNode s = n.putObject("status");
    s.put("cluster", cluster);
    s.put("group", v.group());
    s.put("status", v.status().toGroupStatus().name());
    LagReport r = v.report();
    s.put("complete", round2(r == null ? 0.0 : r.evaluation().complete()));
    ArrayNode parts = s.putArray("partitions");
    ObjectNode maxlag = null;
    long maxLagValue = -1;
    int count = 0;
    long total = 0;
    if (r != null) {
      Map<String, PartitionWindow> windows = windows(v);
      for (PartitionLag p : r.snapshot().partitions()) {
        Optional<PartitionEvaluation> e = r.verdict(p.topic(), p.partition());
        ObjectNode pn = partition(p, e.orElse(null), windows.get(p.name()), v.windowSize());
        count++;
        long lag = p.lag().orElse(0);
        total += lag;
        if (lag > maxLagValue) {
          maxLagValue = lag;
          maxlag = pn;
        }
        if (all || e.map(x -> x.status() != LagStatus.OK).orElse(false)) {
          parts.add(pn);
        }
      }
    }
    s.put("partition_count", count);
    if (maxlag == null) {
      s.putNull("maxlag");
    } else {
      s.set("maxlag", maxlag.deepCopy());
    }
    s.put("totallag", total);
    return tail(n, url, host);
  }

  /**
   * {@code /lag} or {@code /status} of a group that is not found: as Burrow, a 404 whose body is a
   * status (not an error) with the group status NOTFOUND; {@code why} says which way it is not found.
   */
  static ObjectNode notFound(String cluster, String group, String why, String url, String host) {
    ObjectNode n = head(false, "consumer status returned (" + why + ")");
    ObjectNode s = n.putObject("status");
    s.put("cluster", cluster);
    s.put("group", group);
    s.put("status", "NOTFOUND");
    s.put("complete", 0.0);
    s.putArray("partitions");
    s.put("partition_count", 0);
    s.putNull("maxlag");
    s.put("totallag", 0);
    return tail(n, url, host);
  }

  private static ObjectNode partition(PartitionLag p, PartitionEvaluation e, PartitionWindow w, int windowSize) {
    ObjectNode n = Jackson.object();
    Optional<PartitionOwner> o = p.owner();
    List<OffsetEntry> entries = w == null ? List.of() : w.window();
    n.put("topic", p.topic());
    n.put("partition", p.partition());
    n.put("owner", o.map(PartitionOwner::host).orElse(""));
    n.put("client_id", o.map(PartitionOwner::clientId).orElse(""));
    n.put("status", e == null ? LagStatus.OK.name() : e.status().name());
    if (entries.isEmpty()) {
      n.putNull("start");
      n.putNull("end");
    } else {
      entry(n.putObject("start"), entries.get(0));
      entry(n.putObject("end"), entries.get(entries.size() - 1));
    }
    n.put("current_lag", p.lag().orElse(0));
    n.put("complete", round2(Math.min(1.0, entries.size() / (double) windowSize)));
    return n;
  }

  /** Burrow's ConsumerOffset. */
  private static void entry(ObjectNode n, OffsetEntry e) {
    n.put("offset", e.offset());
    n.put("timestamp", e.timestampMs());
    n.put("observedAt", e.timestampMs());
    n.put("lag", e.lag() == null ? 0 : e.lag());
  }

  /**
   * {@code GET /api/history}: per group its status, error, hot partitions, the largest time lag,
   * and the series the page draws ({@code t} in ms since the epoch, {@code statuses},
   * {@code total}, and one array per partition, {@code null} where a partition had no lag then).
   */
  static ObjectNode history(String cluster, long intervalMs, Board board) {
    ObjectNode n = Jackson.object();
    n.put("cluster", cluster);
    n.put("interval_ms", intervalMs);
    ArrayNode groups = n.putArray("groups");
    for (String g : board.watched()) {
      Optional<Board.View> view = board.view(g);
      List<Point> points = board.history(g);
      ObjectNode gn = groups.addObject();
      gn.put("group", g);
      gn.put("status", view.map(x -> x.status().name()).orElse("NOTFOUND"));
      gn.put("error", view.map(Board.View::error).orElse(null));
      List<String> hot = new ArrayList<>();
      long timeLag = 0;
      if (view.isPresent() && view.get().report() != null) {
        LagReport r = view.get().report();
        r.evaluation().partitions().stream().filter(PartitionEvaluation::hot)
            .forEach(p -> hot.add(p.topic() + "-" + p.partition()));
        timeLag = r.snapshot().partitions().stream().mapToLong(p -> p.timeLagMs().orElse(0)).max().orElse(0);
      }
      ArrayNode hn = gn.putArray("hot");
      hot.forEach(hn::add);
      gn.put("time_lag_ms", timeLag);
      ArrayNode t = gn.putArray("t");
      ArrayNode statuses = gn.putArray("statuses");
      ArrayNode total = gn.putArray("total");
      for (Point p : points) {
        t.add(p.atMs());
        statuses.add(p.status().name());
        total.add(p.totalLag());
      }
      TreeSet<String> names = new TreeSet<>();
      points.forEach(p -> names.addAll(p.lags().keySet()));
      ObjectNode partitions = gn.putObject("partitions");
      for (String name : names) {
        ArrayNode series = partitions.putArray(name);
        for (Point p : points) {
          Long l = p.lags().get(name);
          if (l == null) {
            series.addNull();
          } else {
            series.add(l);
          }
        }
      }
    }
    return n;
  }

  private static double round2(double d) {
    return Math.round(d * 100) / 100.0;
  }
}
