package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Way 2: lag as the running consumer itself measures it, from {@code KafkaConsumer.metrics()}
 * (group {@code consumer-fetch-manager-metrics}, tagged by topic and partition). These measure the
 * consumer's <b>position</b> (the next record it will fetch), not its committed offset, so they run
 * ahead of the committed lag; and they vanish with the consumer: a dead consumer reports nothing.
 *
 * <pre>{@code
 * List<ClientLagMetrics.Partition> lag = ClientLagMetrics.read(consumer.metrics());
 * }</pre>
 */
public final class ClientLagMetrics {
  private static final String GROUP = "consumer-fetch-manager-metrics";

  private ClientLagMetrics() {}

  /**
   * One partition's fetch-side lag metrics; a value the client has not computed yet is NaN in
   * Kafka and {@code null} here.
   *
   * @param topic the topic
   * @param partition the partition number
   * @param recordsLag {@code records-lag}: log-end (or LSO) minus the consumer's position, latest
   * @param recordsLagMax {@code records-lag-max}: the largest records-lag in the sample window
   * @param recordsLeadMin {@code records-lead-min}: the smallest distance from the log start
   */
  public record Partition(String topic, int partition, Double recordsLag, Double recordsLagMax, Double recordsLeadMin) {
    /** Checks the topic. */
    public Partition {
      requireNonNull(topic, "topic");
    }
  }

  /** The per-partition lag metrics in a consumer's {@code metrics()} map, sorted by topic, partition. */
  public static List<Partition> read(Map<MetricName, ? extends Metric> metrics) {
    Map<String, Double[]> values = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName n = e.getKey();
      String topic = n.tags().get("topic");
      String partition = n.tags().get("partition");
      if (!GROUP.equals(n.group()) || topic == null || partition == null) {
        continue;
      }
      int slot;
      switch (n.name()) {
        case "records-lag": slot = 0; break;
        case "records-lag-max": slot = 1; break;
        case "records-lead-min": slot = 2; break;
        default: continue;
      }
      Object v = e.getValue().metricValue();
      Double d = v instanceof Number && !Double.isNaN(((Number) v).doubleValue()) ? ((Number) v).doubleValue() : null;
      values.computeIfAbsent(topic + "\u0000" + partition, k -> new Double[3])[slot] = d;
    }
    List<Partition> out = new ArrayList<>();
    values.forEach((k, v) -> {
      String[] tp = k.split("\u0000");
      out.add(new Partition(tp[0], Integer.parseInt(tp[1]), v[0], v[1], v[2]));
    });
    out.sort(Comparator.comparing(Partition::topic).thenComparingInt(Partition::partition));
    return out;
  }
}
