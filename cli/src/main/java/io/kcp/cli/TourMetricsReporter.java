package io.kcp.cli;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * Way 2 of reading lag for the tour: a Kafka {@code metric.reporters} class that keeps every
 * metric of the consumers it is configured on, so {@link io.kcp.lag.ClientLagMetrics#read} can read
 * their {@code records-lag} while they run inside an engine (which does not hand out its {@code
 * KafkaConsumer}). The consumer creates one instance per client; {@link #metrics()} merges them.
 */
public final class TourMetricsReporter implements MetricsReporter {
  private static final Set<TourMetricsReporter> LIVE = ConcurrentHashMap.newKeySet();

  private final Map<MetricName, KafkaMetric> metrics = new ConcurrentHashMap<>();

  /** The metrics of every consumer this reporter is configured on and that is still open. */
  static Map<MetricName, KafkaMetric> metrics() {
    Map<MetricName, KafkaMetric> all = new java.util.HashMap<>();
    for (TourMetricsReporter r : LIVE) {
      all.putAll(r.metrics);
    }
    return all;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    LIVE.add(this);
  }

  @Override
  public void init(List<KafkaMetric> initial) {
    initial.forEach(m -> metrics.put(m.metricName(), m));
  }

  @Override
  public void metricChange(KafkaMetric metric) {
    metrics.put(metric.metricName(), metric);
  }

  @Override
  public void metricRemoval(KafkaMetric metric) {
    metrics.remove(metric.metricName());
  }

  @Override
  public void close() {
    LIVE.remove(this);
    metrics.clear();
  }
}
