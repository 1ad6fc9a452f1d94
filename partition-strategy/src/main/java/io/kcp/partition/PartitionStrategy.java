package io.kcp.partition;

import io.kcp.core.CommitPolicy;
import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.ProducerContext;
import io.opentelemetry.api.OpenTelemetry;
import io.kcp.core.InvalidSettingsException;
import io.kcp.core.MissingTopicPolicy;
import io.kcp.core.RecordHandler;
import io.kcp.core.SingleThreadConsumer;
import io.kcp.partition.wiring.PartitionWiring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The consumer-per-thread strategy (컨슈머 멀티 스레드 전략): {@code threads} consumer threads,
 * each owning one {@code KafkaConsumer}, all in one consumer group. Kafka spreads the partitions
 * over them, so each partition is handled by one thread at a time, in offset order, and the
 * threads scale up to the partition count — beyond it, the extra threads sit idle.
 *
 * <pre>{@code
 * PartitionStrategyEngine engine = PartitionStrategy.builder(settings)
 *     .threads(12)
 *     .handler(record -> process(record))
 *     .build();
 * engine.start();
 * EngineShutdownHook.install(engine, Duration.ofSeconds(20));
 * }</pre>
 *
 * <p>Each thread is the core's poll loop ({@link SingleThreadConsumer}): an offset is committed
 * only after its record was handled. When one thread fails (its handler throws, its consumer
 * dies), the engine turns {@code DEGRADED}, restarts that thread with exponential backoff while
 * the others keep consuming, and commits nothing past the failed record. A failure to start
 * (unreachable cluster, missing topic) fails the whole engine instead: restarting would fail the
 * same way.
 */
public final class PartitionStrategy {
  /** First restart delay after a thread fails. */
  public static final Duration DEFAULT_RESTART_BACKOFF = Duration.ofSeconds(1);

  /** Longest restart delay; the delay doubles per consecutive failure up to this. */
  public static final Duration DEFAULT_MAX_RESTART_BACKOFF = Duration.ofSeconds(30);

  private PartitionStrategy() {}

  /** A builder for records with {@code String} keys and values. */
  public static Builder<String, String> builder(ConsumerSettings settings) {
    return new Builder<>(settings, new StringDeserializer(), new StringDeserializer());
  }

  /** A builder with the given deserializers. */
  public static <K, V> Builder<K, V> builder(
      ConsumerSettings settings, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    return new Builder<>(settings, keyDeserializer, valueDeserializer);
  }

  /**
   * Builds a {@link PartitionStrategyEngine}.
   *
   * @param <K> key type
   * @param <V> value type
   */
  public static final class Builder<K, V> {
    private final ConsumerSettings settings;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private int threads = 1;
    private RecordHandler<K, V> handler;
    private CommitPolicy commitPolicy = CommitPolicy.DEFAULT;
    private GroupProtocol protocol = GroupProtocol.CLASSIC;
    private String assignor;
    private boolean staticMembership;
    private String instanceIdPrefix;
    private MissingTopicPolicy missingTopics = MissingTopicPolicy.FAIL;
    private Duration startupTimeout = SingleThreadConsumer.DEFAULT_STARTUP_TIMEOUT;
    private Duration restartBackoff = DEFAULT_RESTART_BACKOFF;
    private Duration maxRestartBackoff = DEFAULT_MAX_RESTART_BACKOFF;
    private ConsumerFactory consumerFactory = ConsumerFactory.kafka();
    private ErrorPolicy errorPolicy = ErrorPolicy.DEFAULT;
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private ProducerContext producerContext = ProducerContext.PARENT;
    private ErrorPolicy sharedPolicy; // the policy with the breaker all threads share

    private Builder(
        ConsumerSettings settings, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
      this.settings = Objects.requireNonNull(settings, "settings");
      this.keyDeserializer = Objects.requireNonNull(keyDeserializer, "keyDeserializer");
      this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
    }

    /** Consumer threads (default 1); as many as the topic has partitions is the usual choice. */
    public Builder<K, V> threads(int threads) {
      this.threads = threads;
      return this;
    }

    /** The business logic, called once per record on the thread that owns its partition. */
    public Builder<K, V> handler(RecordHandler<K, V> handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** When each thread commits its finished offsets (default {@link CommitPolicy#DEFAULT}). */
    public Builder<K, V> commitPolicy(CommitPolicy commitPolicy) {
      this.commitPolicy = Objects.requireNonNull(commitPolicy, "commitPolicy");
      return this;
    }

    /** The group protocol (default {@link GroupProtocol#CLASSIC}). */
    public Builder<K, V> groupProtocol(GroupProtocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    /**
     * The classic protocol's assignor class name (default {@link CooperativeStickyAssignor}). Not
     * allowed with {@link GroupProtocol#CONSUMER}, where the broker assigns.
     */
    public Builder<K, V> assignor(String assignorClassName) {
      this.assignor = Objects.requireNonNull(assignorClassName, "assignorClassName");
      return this;
    }

    /**
     * Static membership: thread {@code i} joins as {@code group.instance.id = <prefix>-<i>}, so a
     * restarted process gets its partitions back at once instead of after a rebalance (default
     * off; the prefix defaults to the group id).
     */
    public Builder<K, V> staticMembership(boolean staticMembership) {
      this.staticMembership = staticMembership;
      return this;
    }

    /** The {@code group.instance.id} prefix for static membership; turns static membership on. */
    public Builder<K, V> instanceIdPrefix(String prefix) {
      this.instanceIdPrefix = Objects.requireNonNull(prefix, "prefix");
      this.staticMembership = true;
      return this;
    }

    /** What to do when a topic does not exist at start (default: fail). */
    public Builder<K, V> missingTopics(MissingTopicPolicy missingTopics) {
      this.missingTopics = Objects.requireNonNull(missingTopics, "missingTopics");
      return this;
    }

    /** How long each thread waits for the cluster at start before the engine fails (default 30 s). */
    public Builder<K, V> startupTimeout(Duration startupTimeout) {
      this.startupTimeout = Objects.requireNonNull(startupTimeout, "startupTimeout");
      return this;
    }

    /** First and longest delay before a failed thread is restarted (defaults 1 s and 30 s). */
    public Builder<K, V> restartBackoff(Duration first, Duration max) {
      this.restartBackoff = Objects.requireNonNull(first, "first");
      this.maxRestartBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * Retries, dead-letter topic and circuit breaker (default {@link ErrorPolicy#DEFAULT}). The
     * threads share one breaker; a record waiting for its retry pauses only its partition.
     */
    public Builder<K, V> errorPolicy(ErrorPolicy errorPolicy) {
      this.errorPolicy = Objects.requireNonNull(errorPolicy, "errorPolicy");
      return this;
    }

    /** Where spans and metrics go (default no-op). */
    public Builder<K, V> openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /** Whether a process span is the producer span's child or only linked (default child). */
    public Builder<K, V> producerContext(ProducerContext producerContext) {
      this.producerContext = Objects.requireNonNull(producerContext, "producerContext");
      return this;
    }

    /** Where the raw consumers come from; tests pass {@code MockConsumer}s. */
    public Builder<K, V> consumerFactory(ConsumerFactory consumerFactory) {
      this.consumerFactory = Objects.requireNonNull(consumerFactory, "consumerFactory");
      return this;
    }

    /**
     * Builds the engine (not started).
     *
     * @throws InvalidSettingsException listing every problem, each with its fix
     */
    public PartitionStrategyEngine build() {
      List<String> problems = new ArrayList<>();
      if (handler == null) {
        problems.add("handler is required: call .handler(record -> ...) with your business logic");
      }
      if (threads < 1) {
        problems.add("threads must be at least 1 (got " + threads
            + "): one consumer thread per partition is the usual choice");
      }
      if (protocol == GroupProtocol.CONSUMER && assignor != null) {
        problems.add("assignor applies to the classic protocol only: with GroupProtocol.CONSUMER"
            + " (KIP-848) the broker assigns partitions; remove .assignor(...)");
      }
      if (protocol == GroupProtocol.CONSUMER
          && settings.properties().containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
        problems.add("partition.assignment.strategy applies to the classic protocol only: remove"
            + " it, or use GroupProtocol.CLASSIC");
      }
      if (settings.properties().containsKey(ConsumerConfig.GROUP_PROTOCOL_CONFIG)) {
        problems.add("set the group protocol with .groupProtocol(GroupProtocol.CONSUMER or CLASSIC),"
            + " not the group.protocol property");
      }
      if (settings.properties().containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
        problems.add("group.instance.id must differ per thread: use .staticMembership(true) or"
            + " .instanceIdPrefix(...) instead of the property");
      }
      if (restartBackoff.isNegative() || restartBackoff.isZero()
          || maxRestartBackoff.compareTo(restartBackoff) < 0) {
        problems.add("restartBackoff must be positive and not above its max (got " + restartBackoff
            + " and " + maxRestartBackoff + ")");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      String name = "kcp-partition-" + settings.groupId();
      sharedPolicy = errorPolicy.newCircuitBreaker(name)
          .map(errorPolicy::withCircuitBreaker)
          .orElse(errorPolicy);
      IntFunction<ConsumerEngine> slots = this::slot;
      return PartitionWiring.engine(
          threads, slots, restartBackoff, maxRestartBackoff, "kcp-partition-" + settings.groupId());
    }

    /** The poll loop of thread {@code i}: its own client id and, if static, instance id. */
    private ConsumerEngine slot(int i) {
      String base = settings.clientId().orElse("kcp-" + settings.groupId());
      ConsumerSettings.Builder s = settings.toBuilder().clientId(base + "-" + i);
      if (protocol == GroupProtocol.CONSUMER) {
        s.property(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol.configValue());
      } else if (!settings.properties().containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
        s.property(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            assignor != null ? assignor : CooperativeStickyAssignor.class.getName());
      }
      if (staticMembership) {
        String prefix = instanceIdPrefix != null ? instanceIdPrefix : settings.groupId();
        s.property(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, prefix + "-" + i);
      }
      return SingleThreadConsumer.builder(s.build(), keyDeserializer, valueDeserializer)
          .handler(handler)
          .commitPolicy(commitPolicy)
          .missingTopics(missingTopics)
          .startupTimeout(startupTimeout)
          .threadName("kcp-partition-" + settings.groupId() + "-" + i)
          .consumerFactory(consumerFactory)
          .errorPolicy(sharedPolicy)
          .openTelemetry(openTelemetry)
          .producerContext(producerContext)
          .build();
    }
  }
}
