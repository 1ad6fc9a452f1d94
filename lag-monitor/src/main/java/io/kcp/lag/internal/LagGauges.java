package io.kcp.lag.internal;

import io.kcp.lag.LagReport;
import io.kcp.lag.LagStatus;
import io.kcp.lag.PartitionEvaluation;
import io.kcp.lag.PartitionLag;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * OpenTelemetry gauges over the latest report, read when the SDK collects. Per-partition series can
 * be turned off and topics filtered, to bound cardinality.
 */
public final class LagGauges implements AutoCloseable {
  static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  static final AttributeKey<String> TOPIC = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> PARTITION =
      AttributeKey.stringKey("messaging.destination.partition.id");

  private final List<ObservableLongGauge> gauges = new ArrayList<>();

  public LagGauges(
      OpenTelemetry otel,
      String group,
      Supplier<LagReport> latest,
      BooleanSupplier failing,
      boolean perPartition,
      Predicate<String> topics) {
    Meter meter = otel.getMeter("io.kcp.lag");
    Attributes g = Attributes.of(GROUP, group);
    gauges.add(meter.gaugeBuilder("kcp.lag.total").ofLongs().setUnit("{record}")
        .setDescription("Sum of the lag of the group's partitions (log-end minus committed offset)")
        .buildWithCallback(m -> each(latest, r -> m.record(sum(r, topics), g))));
    gauges.add(meter.gaugeBuilder("kcp.lag.max").ofLongs().setUnit("{record}")
        .setDescription("Largest lag of any of the group's partitions")
        .buildWithCallback(m -> each(latest, r -> m.record(max(r, topics), g))));
    gauges.add(meter.gaugeBuilder("kcp.lag.status").ofLongs()
        .setDescription("Group status: 0 OK, 1 WARN, 2 REWIND, 3 STALL, 4 STOP, 5 ERR")
        .buildWithCallback(m -> {
          if (failing.getAsBoolean()) {
            m.record(LagStatus.ERR.ordinal(), g);
          } else {
            each(latest, r -> m.record(r.evaluation().status().ordinal(), g));
          }
        }));
    gauges.add(meter.gaugeBuilder("kcp.lag.time_lag.max").ofLongs().setUnit("ms")
        .setDescription("Largest known time lag (age of the first unconsumed record)")
        .buildWithCallback(m -> each(latest, r -> r.snapshot().partitions().stream()
            .filter(p -> topics.test(p.topic()) && p.timeLagMs().isPresent())
            .mapToLong(p -> p.timeLagMs().getAsLong()).max()
            .ifPresent(v -> m.record(v, g)))));
    if (perPartition) {
      gauges.add(meter.gaugeBuilder("kcp.lag").ofLongs().setUnit("{record}")
          .setDescription("Lag of one partition (log-end minus committed offset)")
          .buildWithCallback(m -> each(latest, r -> partitions(r, topics, group, m, Kind.LAG))));
      gauges.add(meter.gaugeBuilder("kcp.lag.time_lag").ofLongs().setUnit("ms")
          .setDescription("Time lag of one partition (age of its first unconsumed record)")
          .buildWithCallback(m -> each(latest, r -> partitions(r, topics, group, m, Kind.TIME))));
      gauges.add(meter.gaugeBuilder("kcp.lag.partition.status").ofLongs()
          .setDescription("Partition status: 0 OK, 1 WARN, 2 REWIND, 3 STALL, 4 STOP")
          .buildWithCallback(m -> each(latest, r -> partitions(r, topics, group, m, Kind.STATUS))));
    }
  }

  private enum Kind { LAG, TIME, STATUS }

  private static void each(Supplier<LagReport> latest, java.util.function.Consumer<LagReport> f) {
    LagReport r = latest.get();
    if (r != null) {
      f.accept(r);
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

  private static void partitions(
      LagReport r, Predicate<String> topics, String group, ObservableLongMeasurement m, Kind kind) {
    for (PartitionLag p : r.snapshot().partitions()) {
      if (!topics.test(p.topic())) {
        continue;
      }
      Attributes a = Attributes.of(GROUP, group, TOPIC, p.topic(), PARTITION, Integer.toString(p.partition()));
      switch (kind) {
        case LAG:
          p.lag().ifPresent(v -> m.record(v, a));
          break;
        case TIME:
          p.timeLagMs().ifPresent(v -> m.record(v, a));
          break;
        default:
          r.verdict(p.topic(), p.partition()).map(PartitionEvaluation::status)
              .ifPresent(s -> m.record(s.ordinal(), a));
      }
    }
  }

  @Override
  public void close() {
    gauges.forEach(ObservableLongGauge::close);
  }
}
