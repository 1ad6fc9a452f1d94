package io.kcp.core.spi;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;

/** Reads the consumer client's own metrics. Call on the thread that owns the consumer. */
public final class ClientMetrics {
  private ClientMetrics() {}

  /**
   * The client's {@code records-lag} per assigned partition ({@code consumer-fetch-manager-metrics}
   * group): log end offset minus the consumer's position. Partitions without a value yet are left
   * out.
   */
  public static Map<TopicPartition, Long> recordsLag(Consumer<?, ?> consumer) {
    Map<TopicPartition, Long> lag = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
      MetricName name = e.getKey();
      if (!name.name().equals("records-lag")
          || !name.group().equals("consumer-fetch-manager-metrics")) {
        continue;
      }
      String topic = name.tags().get("topic");
      String partition = name.tags().get("partition");
      Object value = e.getValue().metricValue();
      if (topic != null && partition != null && value instanceof Number) {
        double v = ((Number) value).doubleValue();
        if (!Double.isNaN(v) && v >= 0) {
          lag.put(new TopicPartition(topic, Integer.parseInt(partition)), Math.round(v));
        }
      }
    }
    return Map.copyOf(lag);
  }
}
