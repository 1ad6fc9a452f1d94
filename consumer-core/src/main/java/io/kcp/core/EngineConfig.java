package io.kcp.core;

import io.opentelemetry.api.OpenTelemetry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/**
 * Everything every strategy's engine shares, in one immutable value: the Kafka settings, when to
 * commit, what to do with a failing record, where spans and metrics go, how long to wait at start
 * and on a revoke, and how the engine's consumers join their group (protocol, assignor, static
 * membership). Strategy-specific settings live beside it ({@code WorkerConfig}, {@code
 * PartitionConfig}); an engine is made from both and a handler, e.g. {@code
 * WorkerStrategy.of(engineConfig, workerConfig, handler)}.
 *
 * <pre>{@code
 * EngineConfig config = EngineConfig.custom(settings)
 *     .commitPolicy(CommitPolicy.builder().interval(Duration.ofMillis(500)).build())
 *     .errorPolicy(ErrorPolicy.builder().maxAttempts(5).build())
 *     .openTelemetry(openTelemetry)
 *     .build();
 * }</pre>
 *
 * <p>The shape is resilience4j's: {@link #custom} starts from the defaults, {@link #ofDefaults}
 * takes them all, {@link #from} starts from another config. Every value is checked once, at
 * {@link Builder#build()}: an {@link InvalidSettingsException} lists every problem with its fix,
 * so a config that was built is one an engine can start with.
 *
 * <p><b>One assignor default for every strategy.</b> With the classic protocol each engine's
 * consumers use the cooperative-sticky assignor unless told otherwise: a member joining or leaving
 * then revokes only the partitions that move, while the eager assignors Kafka lists first by
 * default stop every member's every partition on each rebalance (a drain of all in-flight work,
 * for a worker pool). With {@link GroupProtocol#CONSUMER} (KIP-848) the broker assigns and no
 * assignor is set.
 */
public final class EngineConfig {
  /** Default bound for reaching the cluster at start. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

  /** Default time a revoke waits for the revoked partitions' running records. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  /** The classic protocol's assignor every strategy uses unless told otherwise. */
  public static final String DEFAULT_ASSIGNOR = CooperativeStickyAssignor.class.getName();

  private final ConsumerSettings settings;
  private final CommitPolicy commitPolicy;
  private final ErrorPolicy errorPolicy;
  private final OpenTelemetry openTelemetry;
  private final ProducerContext producerContext;
  private final Duration startupTimeout;
  private final Duration drainTimeout;
  private final MissingTopicPolicy missingTopics;
  private final GroupProtocol groupProtocol;
  private final String assignor;
  private final String instanceId;
  private final boolean staticMembership;
  private final ConsumerFactory consumerFactory;
  private final EngineListener listener;
  private final String name;

  private EngineConfig(Builder b) {
    this.settings = b.settings;
    this.commitPolicy = b.commitPolicy;
    this.errorPolicy = b.errorPolicy;
    this.openTelemetry = b.openTelemetry;
    this.producerContext = b.producerContext;
    this.startupTimeout = b.startupTimeout;
    this.drainTimeout = b.drainTimeout;
    this.missingTopics = b.missingTopics;
    this.groupProtocol = b.groupProtocol;
    this.assignor = b.assignor;
    this.instanceId = b.instanceId;
    this.staticMembership = b.staticMembership;
    this.consumerFactory = b.consumerFactory;
    this.listener = b.listener;
    this.name = b.name;
  }

  /** A builder starting from the defaults, for these settings. */
  public static Builder custom(ConsumerSettings settings) {
    return new Builder(Objects.requireNonNull(settings, "settings"));
  }

  /** Every default, for these settings. */
  public static EngineConfig ofDefaults(ConsumerSettings settings) {
    return custom(settings).build();
  }

  /** A builder starting from {@code base} (to change a few values of a shared config). */
  public static Builder from(EngineConfig base) {
    Objects.requireNonNull(base, "base");
    Builder b = new Builder(base.settings);
    b.commitPolicy = base.commitPolicy;
    b.errorPolicy = base.errorPolicy;
    b.openTelemetry = base.openTelemetry;
    b.producerContext = base.producerContext;
    b.startupTimeout = base.startupTimeout;
    b.drainTimeout = base.drainTimeout;
    b.missingTopics = base.missingTopics;
    b.groupProtocol = base.groupProtocol;
    b.assignor = base.assignor;
    b.instanceId = base.instanceId;
    b.staticMembership = base.staticMembership;
    b.consumerFactory = base.consumerFactory;
    b.listener = base.listener;
    b.name = base.name;
    return b;
  }

  /** The Kafka settings: cluster, group, topics, poll timeout, pass-through properties. */
  public ConsumerSettings settings() {
    return settings;
  }

  /** When finished offsets are committed. */
  public CommitPolicy commitPolicy() {
    return commitPolicy;
  }

  /** Retries, dead-letter topic and circuit breaker. */
  public ErrorPolicy errorPolicy() {
    return errorPolicy;
  }

  /** Where spans and metrics go. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** Whether a process span is the producer span's child or only linked. */
  public ProducerContext producerContext() {
    return producerContext;
  }

  /** How long an engine waits for the cluster to answer at start before it fails. */
  public Duration startupTimeout() {
    return startupTimeout;
  }

  /** How long a revoke waits for the revoked partitions' running records. */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /** What to do when a subscribed topic does not exist at start. */
  public MissingTopicPolicy missingTopics() {
    return missingTopics;
  }

  /** The group protocol the engine's consumers speak. */
  public GroupProtocol groupProtocol() {
    return groupProtocol;
  }

  /**
   * The classic protocol's assignor class name: the one given, else the {@code
   * partition.assignment.strategy} property, else {@link #DEFAULT_ASSIGNOR}; empty with {@link
   * GroupProtocol#CONSUMER}.
   */
  public Optional<String> assignor() {
    if (groupProtocol == GroupProtocol.CONSUMER) {
      return Optional.empty();
    }
    if (assignor != null) {
      return Optional.of(assignor);
    }
    return Optional.of(settings.properties()
        .getOrDefault(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, DEFAULT_ASSIGNOR));
  }

  /** Whether the engine's consumers join as static members ({@code group.instance.id}). */
  public boolean staticMembership() {
    return staticMembership;
  }

  /**
   * This instance's stable id: the one given, else the host name (in Kubernetes, the pod name).
   * With static membership, consumer {@code i} of the engine joins as {@code
   * group.instance.id = <instanceId>-<i>}; every running instance of a group needs its own.
   */
  public String instanceId() {
    return instanceId != null ? instanceId : defaultInstanceId();
  }

  /** Where the raw consumers come from. */
  public ConsumerFactory consumerFactory() {
    return consumerFactory;
  }

  /** Who hears of the engine's rebalances. */
  public EngineListener listener() {
    return listener;
  }

  /** The engine's name (threads, logs, breaker), or empty to let the strategy choose. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /**
   * The full configuration of the engine's consumer number {@code index}: the settings' consumer
   * config, a client id ending in {@code -<index>}, the protocol, the assignor (classic) and, with
   * static membership, {@code group.instance.id = <instanceId>-<index>}.
   */
  public Map<String, Object> consumerConfig(int index) {
    Map<String, Object> config = new HashMap<>(settings.toConsumerConfig());
    String base = settings.clientId().orElse("kcp-" + settings.groupId());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, base + "-" + index);
    config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, groupProtocol.configValue());
    assignor().ifPresent(a -> config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, a));
    if (staticMembership) {
      config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId(index));
    }
    return config;
  }

  /** The {@code group.instance.id} of consumer {@code index} under static membership. */
  public String groupInstanceId(int index) {
    return instanceId() + "-" + index;
  }

  /** The host name, from {@code HOSTNAME} (the pod name in Kubernetes) or the network stack. */
  static String defaultInstanceId() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  @Override
  public String toString() {
    return "EngineConfig{settings=" + settings + ", commitPolicy=" + commitPolicy + ", errorPolicy="
        + errorPolicy + ", producerContext=" + producerContext + ", startupTimeout=" + startupTimeout
        + ", drainTimeout=" + drainTimeout + ", missingTopics=" + missingTopics + ", groupProtocol="
        + groupProtocol + ", assignor=" + assignor().orElse("-") + ", staticMembership="
        + staticMembership + (staticMembership ? ", instanceId=" + instanceId() : "")
        + (name != null ? ", name=" + name : "") + "}";
  }

  /** Builds an {@link EngineConfig}; checks everything at {@link #build()}. */
  public static final class Builder {
    private ConsumerSettings settings;
    private CommitPolicy commitPolicy = CommitPolicy.DEFAULT;
    private ErrorPolicy errorPolicy = ErrorPolicy.DEFAULT;
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private ProducerContext producerContext = ProducerContext.PARENT;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private MissingTopicPolicy missingTopics = MissingTopicPolicy.FAIL;
    private GroupProtocol groupProtocol = GroupProtocol.CLASSIC;
    private String assignor;
    private String instanceId;
    private boolean staticMembership;
    private ConsumerFactory consumerFactory = ConsumerFactory.kafka();
    private EngineListener listener = EngineListener.noop();
    private String name;

    private Builder(ConsumerSettings settings) {
      this.settings = settings;
    }

    /** The Kafka settings (replaces the ones the builder started with). */
    public Builder settings(ConsumerSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** When finished offsets are committed (default {@link CommitPolicy#DEFAULT}). */
    public Builder commitPolicy(CommitPolicy commitPolicy) {
      this.commitPolicy = Objects.requireNonNull(commitPolicy, "commitPolicy");
      return this;
    }

    /**
     * Retries, dead-letter topic and circuit breaker (default {@link ErrorPolicy#DEFAULT}). A
     * record waiting for its retry holds only its partition (single thread, consumer per thread)
     * or its lane (worker strategy); an engine's threads share one breaker.
     */
    public Builder errorPolicy(ErrorPolicy errorPolicy) {
      this.errorPolicy = Objects.requireNonNull(errorPolicy, "errorPolicy");
      return this;
    }

    /** Where spans and metrics go (default no-op); see {@code ConsumerTelemetry}. */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /** Whether a process span is the producer span's child or only linked (default child). */
    public Builder producerContext(ProducerContext producerContext) {
      this.producerContext = Objects.requireNonNull(producerContext, "producerContext");
      return this;
    }

    /**
     * How long the engine waits for the cluster to answer at start before it fails (default
     * 30 s): an unreachable broker is a clear failure, not a thread retrying forever.
     */
    public Builder startupTimeout(Duration startupTimeout) {
      this.startupTimeout = Objects.requireNonNull(startupTimeout, "startupTimeout");
      return this;
    }

    /**
     * How long a revoke waits for the revoked partitions' running records before it commits what
     * finished and lets them go (default 10 s). Records that only wait (in a queue, for a retry)
     * never start once their partition is revoked, so this bounds the handler's longest call, not
     * the backlog.
     */
    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
      return this;
    }

    /** What to do when a subscribed topic does not exist at start (default: fail). */
    public Builder missingTopics(MissingTopicPolicy missingTopics) {
      this.missingTopics = Objects.requireNonNull(missingTopics, "missingTopics");
      return this;
    }

    /** The group protocol (default {@link GroupProtocol#CLASSIC}). */
    public Builder groupProtocol(GroupProtocol groupProtocol) {
      this.groupProtocol = Objects.requireNonNull(groupProtocol, "groupProtocol");
      return this;
    }

    /**
     * The classic protocol's assignor class name (default {@link #DEFAULT_ASSIGNOR},
     * cooperative-sticky). Not allowed with {@link GroupProtocol#CONSUMER}, where the broker
     * assigns.
     */
    public Builder assignor(String assignorClassName) {
      this.assignor = Objects.requireNonNull(assignorClassName, "assignorClassName");
      return this;
    }

    /**
     * Static membership: consumer {@code i} joins as {@code group.instance.id =
     * <instanceId>-<i>}, so a restarted instance gets its partitions back at once instead of after
     * a rebalance (default off).
     */
    public Builder staticMembership(boolean staticMembership) {
      this.staticMembership = staticMembership;
      return this;
    }

    /**
     * This instance's stable id (default: the host name; in Kubernetes, the pod name). Every
     * running instance of a group needs its own: two instances with one id fence each other.
     * Turns static membership on.
     */
    public Builder instanceId(String instanceId) {
      this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
      this.staticMembership = true;
      return this;
    }

    /** Where the raw consumers come from (default {@link ConsumerFactory#kafka()}). */
    public Builder consumerFactory(ConsumerFactory consumerFactory) {
      this.consumerFactory = Objects.requireNonNull(consumerFactory, "consumerFactory");
      return this;
    }

    /** Who hears of the engine's rebalances (default: nobody). */
    public Builder listener(EngineListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The engine's name, for its threads, logs and breaker (default chosen by the strategy). */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The config.
     *
     * @throws InvalidSettingsException listing every problem, each with its fix
     */
    public EngineConfig build() {
      List<String> problems = new ArrayList<>();
      if (startupTimeout.isNegative() || startupTimeout.isZero()) {
        problems.add("startupTimeout must be positive (got " + startupTimeout
            + "): e.g. Duration.ofSeconds(30)");
      }
      if (drainTimeout.isNegative()) {
        problems.add("drainTimeout must not be negative (got " + drainTimeout
            + "): use Duration.ZERO to let revoked partitions go without waiting");
      }
      Map<String, String> props = settings.properties();
      if (props.containsKey(ConsumerConfig.GROUP_PROTOCOL_CONFIG)) {
        problems.add("set the group protocol with groupProtocol(GroupProtocol.CONSUMER or CLASSIC),"
            + " not the group.protocol property");
      }
      if (props.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
        problems.add("group.instance.id must differ per consumer: use staticMembership(true) or"
            + " instanceId(\"<this instance's id>\") instead of the property");
      }
      if (groupProtocol == GroupProtocol.CONSUMER && assignor != null) {
        problems.add("assignor applies to the classic protocol only: with GroupProtocol.CONSUMER"
            + " (KIP-848) the broker assigns partitions; remove assignor(...)");
      }
      if (groupProtocol == GroupProtocol.CONSUMER
          && props.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
        problems.add("partition.assignment.strategy applies to the classic protocol only: remove"
            + " it, or use GroupProtocol.CLASSIC");
      }
      if (assignor != null && props.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
        problems.add("the assignor is given twice (assignor(...) and the partition.assignment.strategy"
            + " property): keep one");
      }
      if (assignor != null && assignor.isBlank()) {
        problems.add("assignor must be a class name, e.g. " + DEFAULT_ASSIGNOR);
      }
      if (instanceId != null && (instanceId.isBlank() || !instanceId.equals(instanceId.trim()))) {
        problems.add("instanceId must be a non-blank id without surrounding spaces (got '"
            + instanceId + "'): e.g. the pod name");
      }
      if (name != null && name.isBlank()) {
        problems.add("name must not be blank");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new EngineConfig(this);
    }
  }
}
