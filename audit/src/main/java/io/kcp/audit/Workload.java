package io.kcp.audit;

import io.kcp.audit.internal.WorkloadRunner;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * A keyed workload: {@code N} records over {@code K} keys produced to a topic, the input whose
 * handling an {@link Audit} records and an {@link AuditReport} checks.
 *
 * <p>Record {@code i} (0-based) has key {@code k-<i % K>} and value {@link WorkloadRecord} {@code
 * (key, seq = i / K, produce time)}, so the seqs of each key are 0, 1, 2, … in produce order.
 *
 * <p>The topic is created with the requested partitions and replication factor if it does not
 * exist; if it exists with another partition count (and {@link Builder#partitions} was set) the run
 * fails rather than silently spread keys differently. The producer uses acks=all and idempotence,
 * so the producer side adds no duplicates and, per partition, no reordering; every send is
 * acknowledged before {@link #run()} returns, and any failed send fails the run. An unreachable
 * cluster fails within the {@linkplain Builder#connectTimeout connect timeout}.
 *
 * <pre>{@code
 * WorkloadResult r = Workload.builder("localhost:9092", "orders")
 *     .records(100_000).keys(100).partitions(6)
 *     .run();
 * }</pre>
 */
public final class Workload {

  /** Partitions of a topic the workload creates when {@link Builder#partitions} was not set. */
  public static final int DEFAULT_PARTITIONS = 3;

  private static final Set<String> FIXED_PRODUCER_PROPERTIES =
      Set.of(
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);

  private final String bootstrapServers;
  private final Map<String, Object> clientProperties;
  private final String topic;
  private final long records;
  private final int keys;
  private final int partitions;
  private final boolean partitionsSet;
  private final short replicationFactor;
  private final boolean traceparent;
  private final Map<String, String> producerProperties;
  private final WorkloadProgress progress;
  private final Duration connectTimeout;

  private Workload(Builder b) {
    this.bootstrapServers = b.bootstrapServers;
    this.clientProperties = Map.copyOf(b.clientProperties);
    this.topic = b.topic;
    this.records = b.records;
    this.keys = b.keys;
    this.partitions = b.partitions;
    this.partitionsSet = b.partitionsSet;
    this.replicationFactor = b.replicationFactor;
    this.traceparent = b.traceparent;
    this.producerProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.producerProperties));
    this.progress = b.progress;
    this.connectTimeout = b.connectTimeout;
  }

  /**
   * Starts a workload description.
   *
   * @param bootstrapServers the cluster, e.g. {@code localhost:9092}
   * @param topic the topic to produce to
   * @return a builder with 10,000 records over 100 keys
   */
  public static Builder builder(String bootstrapServers, String topic) {
    return new Builder(bootstrapServers, topic);
  }

  /**
   * Produces the workload: ensures the topic, sends every record and waits for every
   * acknowledgement.
   *
   * @return what was produced
   * @throws IllegalStateException if the cluster cannot be reached, the topic has another
   *     partition count or cannot be created, or a send fails (the send's exception is the cause)
   */
  public WorkloadResult run() {
    return new WorkloadRunner(
            bootstrapServers,
            clientProperties,
            topic,
            records,
            keys,
            partitions,
            partitionsSet,
            replicationFactor,
            traceparent,
            producerProperties,
            progress,
            connectTimeout)
        .run();
  }

  /**
   * The topic.
   *
   * @return the topic name
   */
  public String topic() {
    return topic;
  }

  /**
   * Records to produce.
   *
   * @return N
   */
  public long records() {
    return records;
  }

  /**
   * Distinct keys.
   *
   * @return K
   */
  public int keys() {
    return keys;
  }

  @Override
  public String toString() {
    return "Workload[" + records + " records over " + keys + " keys to " + topic + " on "
        + bootstrapServers + "]";
  }

  /** Builds a {@link Workload}; validates each setting as it is given. */
  public static final class Builder {
    private final String bootstrapServers;
    private final String topic;
    private long records = 10_000;
    private int keys = 100;
    private int partitions = DEFAULT_PARTITIONS;
    private boolean partitionsSet;
    private short replicationFactor = 1;
    private boolean traceparent;
    private final Map<String, String> producerProperties = new LinkedHashMap<>();
    private final Map<String, Object> clientProperties = new LinkedHashMap<>();
    private WorkloadProgress progress = (sent, acked, total, elapsed) -> {};
    private Duration connectTimeout = Duration.ofSeconds(10);

    private Builder(String bootstrapServers, String topic) {
      this.bootstrapServers = requireText(bootstrapServers, "bootstrapServers");
      this.topic = requireText(topic, "topic");
    }

    private static String requireText(String s, String name) {
      Objects.requireNonNull(s, name);
      if (s.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return s;
    }

    /**
     * How many records to produce (default 10,000).
     *
     * @param n {@code >= 0}
     * @return this
     */
    public Builder records(long n) {
      if (n < 0) {
        throw new IllegalArgumentException("records must be >= 0, was " + n);
      }
      this.records = n;
      return this;
    }

    /**
     * Over how many distinct keys (default 100).
     *
     * @param k {@code >= 1}
     * @return this
     */
    public Builder keys(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("keys must be >= 1, was " + k);
      }
      this.keys = k;
      return this;
    }

    /**
     * Partitions of the topic: created with this many if missing; an existing topic with another
     * count fails the run. Without this setting a missing topic gets {@value
     * Workload#DEFAULT_PARTITIONS} and an existing one is used as it is.
     *
     * @param p {@code >= 1}
     * @return this
     */
    public Builder partitions(int p) {
      if (p < 1) {
        throw new IllegalArgumentException("partitions must be >= 1, was " + p);
      }
      this.partitions = p;
      this.partitionsSet = true;
      return this;
    }

    /**
     * Replication factor of a topic the workload creates (default 1).
     *
     * @param rf {@code >= 1}
     * @return this
     */
    public Builder replicationFactor(short rf) {
      if (rf < 1) {
        throw new IllegalArgumentException("replicationFactor must be >= 1, was " + rf);
      }
      this.replicationFactor = rf;
      return this;
    }

    /**
     * Whether to add a random, valid W3C {@code traceparent} header ({@code 00-<32 hex>-<16
     * hex>-01}) to every record (default false).
     *
     * @param on true to add it
     * @return this
     */
    public Builder traceparent(boolean on) {
      this.traceparent = on;
      return this;
    }

    /**
     * Sets a Kafka producer property, overriding the workload's default (acks=all, idempotence
     * on, linger.ms=5, batch.size=65536, bounded timeouts). Bootstrap servers and serializers are
     * fixed.
     *
     * @param name the property
     * @param value its value
     * @return this
     * @throws IllegalArgumentException for {@code bootstrap.servers} or a serializer
     */
    public Builder producerProperty(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (FIXED_PRODUCER_PROPERTIES.contains(name)) {
        throw new IllegalArgumentException(
            name + " is fixed by the workload (String keys and values to the given cluster)");
      }
      producerProperties.put(name, value);
      return this;
    }

    /**
     * Kafka client settings (security, timeouts, client id, ...) for every client the workload
     * creates, the admin and the producer; typed values are passed as they are. The workload's
     * defaults apply only to keys not set here; {@link #producerProperty} overrides these for the
     * producer. {@code bootstrap.servers} is the builder's, the serializers are String.
     *
     * @param properties the settings, e.g. a loaded client properties file
     * @return this
     */
    public Builder clientProperties(Map<String, ?> properties) {
      Objects.requireNonNull(properties, "properties").forEach((k, v) -> {
        Objects.requireNonNull(k, "key");
        Objects.requireNonNull(v, "value of " + k);
        if (!k.equals("bootstrap.servers")) {
          clientProperties.put(k, v);
        }
      });
      return this;
    }

    /**
     * Where to report progress (default: nowhere).
     *
     * @param listener the listener
     * @return this
     */
    public Builder progress(WorkloadProgress listener) {
      this.progress = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How long to wait for the cluster to answer before failing (default 10 s); also bounds
     * topic creation and the end-offset query.
     *
     * @param timeout positive
     * @return this
     */
    public Builder connectTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, was " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * Builds the workload.
     *
     * @return the workload
     */
    public Workload build() {
      return new Workload(this);
    }

    /**
     * Builds and runs the workload.
     *
     * @return what was produced
     * @see Workload#run()
     */
    public WorkloadResult run() {
      return build().run();
    }
  }
}
