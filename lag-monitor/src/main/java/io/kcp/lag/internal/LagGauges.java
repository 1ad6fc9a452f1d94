package io.kcp.lag.internal;

import io.kcp.lag.LagReport;
import io.kcp.lag.LagStatus;
import io.kcp.lag.PartitionEvaluation;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.PartitionOwner;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * OpenTelemetry gauges over the latest report, read when the SDK collects. Names and attributes
 * follow kafka-lag-exporter's metrics, so that the dashboards and alerts written for it read
 * ours: an instrument {@code kafka.consumergroup.group.lag} is the Prometheus series {@code
 * kafka_consumergroup_group_lag} with the labels {@code cluster_name, group, topic, partition,
 * member_host, consumer_id, client_id}. Units are curly-brace annotations ({@code {offset}}),
 * which exporters drop from Prometheus names, or seconds ({@code s}) for names already ending in
 * {@code _seconds}. Statuses are state sets: one series per status, 1 for the current one.
 *
 * <p>Per-partition series can be turned off and topics filtered, to bound cardinality.
 */
public final class LagGauges implements AutoCloseable {
  static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("cluster_name");
  static final AttributeKey<String> GROUP = AttributeKey.stringKey("group");
  static final AttributeKey<String> TOPIC = AttributeKey.stringKey("topic");
  static final AttributeKey<String> PARTITION = AttributeKey.stringKey("partition");
  static final AttributeKey<String> MEMBER_HOST = AttributeKey.stringKey("member_host");
  static final AttributeKey<String> CONSUMER_ID = AttributeKey.stringKey("consumer_id");
  static final AttributeKey<String> CLIENT_ID = AttributeKey.stringKey("client_id");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");

  /** The statuses a partition can have (ERR is a group's only: it could not be read). */
  private static final Set<LagStatus> PARTITION_STATES = EnumSet.complementOf(EnumSet.of(LagStatus.ERR));

  private static final String OFFSETS = "{offset}";

  private final List<AutoCloseable> instruments = new ArrayList<>();
  private final Runnable unshare;

  public LagGauges(
      OpenTelemetry otel,
      String cluster,
      String group,
      Supplier<LagReport> latest,
      BooleanSupplier failing,
      boolean perPartition,
      Predicate<String> topics) {
    Meter meter = otel.getMeter("io.kcp.lag");
    Attributes g = Attributes.of(CLUSTER, cluster, GROUP, group);
    instruments.add(meter.gaugeBuilder("kafka.consumergroup.group.max_lag").ofLongs().setUnit(OFFSETS)
        .setDescription("Largest lag in offsets of any of the group's partitions")
        .buildWithCallback(m -> each(latest, r -> m.record(max(r, topics), g))));
    instruments.add(meter.gaugeBuilder("kafka.consumergroup.group.max_lag_seconds").setUnit("s")
        .setDescription("Largest known time lag of the group's partitions (age of the first unconsumed record)")
        .buildWithCallback(m -> each(latest, r -> r.snapshot().partitions().stream()
            .filter(p -> topics.test(p.topic()) && p.timeLagMs().isPresent())
            .mapToLong(p -> p.timeLagMs().getAsLong()).max()
            .ifPresent(v -> m.record(seconds(v), g)))));
    instruments.add(meter.gaugeBuilder("kafka.consumergroup.group.sum_lag").ofLongs().setUnit(OFFSETS)
        .setDescription("Sum of the lag in offsets of the group's partitions (log-end minus committed offset)")
        .buildWithCallback(m -> each(latest, r -> m.record(sum(r, topics), g))));
    instruments.add(meter.gaugeBuilder("kafka.consumergroup.group.topic_sum_lag").ofLongs().setUnit(OFFSETS)
        .setDescription("Sum of the lag in offsets of the group's partitions of one topic")
        .buildWithCallback(m -> each(latest, r -> topicSums(r, topics)
            .forEach((topic, sum) -> m.record(sum, g.toBuilder().put(TOPIC, topic).build())))));
    instruments.add(meter.gaugeBuilder("kcp.consumergroup.status").ofLongs()
        .setDescription("Group status as a state set: 1 for the status the group has (OK, WARN, REWIND, STALL,"
            + " STOP; ERR when it cannot be read), 0 for the others")
        .buildWithCallback(m -> {
          if (failing.getAsBoolean()) {
            states(m, EnumSet.allOf(LagStatus.class), LagStatus.ERR, g);
          } else {
            each(latest, r -> states(m, EnumSet.allOf(LagStatus.class), r.evaluation().status(), g));
          }
        }));
    if (perPartition) {
      instruments.add(meter.gaugeBuilder("kafka.consumergroup.group.offset").ofLongs().setUnit(OFFSETS)
          .setDescription("The group's committed offset of one partition (the next record it will consume)")
          .buildWithCallback(m -> each(latest, r -> partitions(r, topics, cluster, group, (p, a) ->
              p.committedOffset().ifPresent(v -> m.record(v, a))))));
      instruments.add(meter.gaugeBuilder("kafka.consumergroup.group.lag").ofLongs().setUnit(OFFSETS)
          .setDescription("Lag in offsets of one partition (log-end minus committed offset)")
          .buildWithCallback(m -> each(latest, r -> partitions(r, topics, cluster, group, (p, a) ->
              p.lag().ifPresent(v -> m.record(v, a))))));
      instruments.add(meter.gaugeBuilder("kafka.consumergroup.group.lag_seconds").setUnit("s")
          .setDescription("Time lag of one partition (age of its first unconsumed record), when known")
          .buildWithCallback(m -> each(latest, r -> partitions(r, topics, cluster, group, (p, a) ->
              p.timeLagMs().ifPresent(v -> m.record(seconds(v), a))))));
      instruments.add(meter.gaugeBuilder("kcp.consumergroup.partition.status").ofLongs()
          .setDescription("Partition status as a state set: 1 for the status the partition has (OK, WARN,"
              + " REWIND, STALL, STOP), 0 for the others")
          .buildWithCallback(m -> each(latest, r -> partitions(r, topics, cluster, group, (p, a) ->
              r.verdict(p.topic(), p.partition()).map(PartitionEvaluation::status)
                  .ifPresent(s -> states(m, PARTITION_STATES, s, a))))));
      unshare = LatestOffsets.share(meter, cluster, latest, topics);
    } else {
      unshare = () -> { };
    }
  }

  /** A bi-consumer of a partition and the attributes of its series. */
  private interface PartitionSink {
    void accept(PartitionLag p, Attributes a);
  }

  private static double seconds(long ms) {
    return ms / 1000.0;
  }

  private static void each(Supplier<LagReport> latest, Consumer<LagReport> f) {
    LagReport r = latest.get();
    if (r != null) {
      f.accept(r);
    }
  }

  private static void states(ObservableLongMeasurement m, Set<LagStatus> states, LagStatus current, Attributes a) {
    for (LagStatus s : states) {
      m.record(s == current ? 1 : 0, a.toBuilder().put(STATUS, s.name()).build());
    }
  }

  private static long sum(LagReport r, Predicate<String> topics) {
    return r.snapshot().partitions().stream().filter(p -> topics.test(p.topic()))
        .mapToLong(p -> p.lag().orElse(0)).sum();
  }

  private static long max(LagReport r, Predicate<String> topics) {
    return r.snapshot().partitions().stream().filter(p -> topics.test(p.topic()))
        .mapToLong(p -> p.lag().orElse(0)).max().orElse(0);
  }

  private static Map<String, Long> topicSums(LagReport r, Predicate<String> topics) {
    Map<String, Long> sums = new TreeMap<>();
    for (PartitionLag p : r.snapshot().partitions()) {
      if (topics.test(p.topic())) {
        sums.merge(p.topic(), p.lag().orElse(0), Long::sum);
      }
    }
    return sums;
  }

  private static void partitions(
      LagReport r, Predicate<String> topics, String cluster, String group, PartitionSink sink) {
    for (PartitionLag p : r.snapshot().partitions()) {
      if (topics.test(p.topic())) {
        // an unassigned partition has the owner labels empty (Prometheus reads "" as no label),
        // so every series of the metric has the same label names
        PartitionOwner o = p.owner().orElse(new PartitionOwner("", "", ""));
        sink.accept(p, Attributes.builder().put(CLUSTER, cluster).put(GROUP, group).put(TOPIC, p.topic())
            .put(PARTITION, Integer.toString(p.partition())).put(MEMBER_HOST, o.host())
            .put(CONSUMER_ID, o.memberId()).put(CLIENT_ID, o.clientId()).build());
      }
    }
  }

  @Override
  public void close() {
    unshare.run();
    for (AutoCloseable i : instruments) {
      try {
        i.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing a gauge failed", e);
      }
    }
  }

  /**
   * {@code kafka.partition.latest_offset}: a partition's log-end offset is the same whichever
   * group reads it, so the monitors sharing a meter (kcp lag serve watches many groups through
   * one SDK) share one gauge that records each {@code (cluster_name, topic, partition)} once —
   * one callback per monitor would record it once per group, which the SDK rejects as duplicate
   * points.
   */
  private static final class LatestOffsets {
    private static final Map<Meter, LatestOffsets> SHARED = new IdentityHashMap<>();

    private final List<Source> sources = new CopyOnWriteArrayList<>();
    private final AutoCloseable gauge;

    private record Source(String cluster, Supplier<LagReport> latest, Predicate<String> topics) {}

    private LatestOffsets(Meter meter) {
      this.gauge = meter.gaugeBuilder("kafka.partition.latest_offset").ofLongs().setUnit(OFFSETS)
          .setDescription("A partition's latest offset (its high watermark, the log-end offset lag is measured to)")
          .buildWithCallback(this::record);
    }

    static Runnable share(Meter meter, String cluster, Supplier<LagReport> latest, Predicate<String> topics) {
      Source source = new Source(cluster, latest, topics);
      synchronized (SHARED) {
        SHARED.computeIfAbsent(meter, LatestOffsets::new).sources.add(source);
      }
      return () -> {
        synchronized (SHARED) {
          LatestOffsets shared = SHARED.get(meter);
          if (shared != null && shared.sources.remove(source) && shared.sources.isEmpty()) {
            SHARED.remove(meter);
            try {
              shared.gauge.close();
            } catch (Exception e) {
              throw new IllegalStateException("closing a gauge failed", e);
            }
          }
        }
      };
    }

    private void record(ObservableLongMeasurement m) {
      Set<List<String>> seen = new HashSet<>();
      for (Source s : sources) {
        LagReport r = s.latest().get();
        if (r == null) {
          continue;
        }
        for (PartitionLag p : r.snapshot().partitions()) {
          String partition = Integer.toString(p.partition());
          if (s.topics().test(p.topic()) && seen.add(List.of(s.cluster(), p.topic(), partition))) {
            m.record(p.logEndOffset(), Attributes.of(CLUSTER, s.cluster(), TOPIC, p.topic(), PARTITION, partition));
          }
        }
      }
    }
  }
}
