package io.kcp.deploy;

import io.kcp.core.InvalidSettingsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What every deployment needs: the group and topic, how many instances, how they are launched,
 * the steady traffic it runs under, and the bounds of its waits. Immutable; {@link #custom}
 * starts from the defaults, and every value is checked at {@link Builder#build()}.
 *
 * <p>A deployment is a measured run: it starts the traffic and a fleet of the old version, waits
 * until it is steady ({@link Builder#warmUp}), deploys, lets the new fleet settle ({@link
 * Builder#settle}), stops the traffic, waits until the group consumed everything, stops the fleet
 * and reports what happened, from the audit, the lag samples and the rebalance callbacks.
 */
public final class DeploymentConfig {
  /** Default instances in the fleet. */
  public static final int DEFAULT_INSTANCES = 3;
  /** Default traffic, records per second. */
  public static final int DEFAULT_RATE = 2_000;
  /** Default keys of the traffic. */
  public static final int DEFAULT_KEYS = 1_000;

  private final String bootstrapServers;
  private final java.util.Map<String, Object> clientProperties;
  private final String group;
  private final String topic;
  private final int instances;
  private final InstanceLauncher.Kind launcher;
  private final Path workDir;
  private final int rate;
  private final int keys;
  private final Duration warmUp;
  private final Duration settle;
  private final Duration readyTimeout;
  private final Duration drainTimeout;
  private final Duration stopGrace;
  private final Duration sampleInterval;
  private final long recoveredLag;
  private final String variant;
  private final DeploymentListener listener;

  private DeploymentConfig(Builder b) {
    this.bootstrapServers = b.bootstrapServers;
    this.clientProperties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(b.clientProperties));
    this.group = b.group;
    this.topic = b.topic;
    this.instances = b.instances;
    this.launcher = b.launcher;
    this.workDir = b.workDir;
    this.rate = b.rate;
    this.keys = b.keys;
    this.warmUp = b.warmUp;
    this.settle = b.settle;
    this.readyTimeout = b.readyTimeout;
    this.drainTimeout = b.drainTimeout;
    this.stopGrace = b.stopGrace;
    this.sampleInterval = b.sampleInterval;
    this.recoveredLag = b.recoveredLag < 0 ? b.rate : b.recoveredLag;
    this.variant = b.variant;
    this.listener = b.listener;
  }

  /** A builder with the defaults, for this cluster, group and topic (the topic must exist). */
  public static Builder custom(String bootstrapServers, String group, String topic) {
    return new Builder(bootstrapServers, group, topic);
  }

  /** The cluster. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The user's Kafka client settings for every client of the deployment (its admins, lag sampler,
   * traffic producer, audit reader, and each instance through {@link
   * InstanceContext#clientProperties()}), without {@code bootstrap.servers}.
   */
  public java.util.Map<String, Object> clientProperties() {
    return clientProperties;
  }

  /** {@link #clientProperties()} plus {@code bootstrap.servers}: a ready client configuration. */
  public java.util.Map<String, Object> clientConfig() {
    java.util.Map<String, Object> config = new java.util.LinkedHashMap<>(clientProperties);
    config.put("bootstrap.servers", bootstrapServers);
    return config;
  }

  /** The consumer group the instances join. */
  public String group() {
    return group;
  }

  /** The topic they consume (and the traffic writes). */
  public String topic() {
    return topic;
  }

  /** Instances in the fleet. */
  public int instances() {
    return instances;
  }

  /** How instances are launched. */
  public InstanceLauncher.Kind launcher() {
    return launcher;
  }

  /** Where audit and event files go. */
  public Path workDir() {
    return workDir;
  }

  /** Traffic, records per second. */
  public int rate() {
    return rate;
  }

  /** Keys of the traffic. */
  public int keys() {
    return keys;
  }

  /** Steady time with the old fleet before the first step (the lag baseline is taken then). */
  public Duration warmUp() {
    return warmUp;
  }

  /** Steady time with the new fleet after the last step. */
  public Duration settle() {
    return settle;
  }

  /** How long a started instance may take to be ready (member, assigned, consuming). */
  public Duration readyTimeout() {
    return readyTimeout;
  }

  /** How long the final drain (everything produced consumed and committed) may take. */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /** The graceful stop's bound (Kubernetes' termination grace period). */
  public Duration stopGrace() {
    return stopGrace;
  }

  /** How often the group's lag and members are sampled. */
  public Duration sampleInterval() {
    return sampleInterval;
  }

  /** The total lag at or below which a step counts as recovered (default: a second of traffic). */
  public long recoveredLag() {
    return recoveredLag;
  }

  /** A label for the report (e.g. the membership variant the versions use); empty if none. */
  public String variant() {
    return variant;
  }

  /** Who hears of each step. */
  public DeploymentListener listener() {
    return listener;
  }

  /** Builds a {@link DeploymentConfig}. */
  public static final class Builder {
    private final String bootstrapServers;
    private final java.util.Map<String, Object> clientProperties = new java.util.LinkedHashMap<>();
    private final String group;
    private final String topic;
    private int instances = DEFAULT_INSTANCES;
    private InstanceLauncher.Kind launcher = InstanceLauncher.Kind.IN_PROCESS;
    private Path workDir;
    private int rate = DEFAULT_RATE;
    private int keys = DEFAULT_KEYS;
    private Duration warmUp = Duration.ofSeconds(3);
    private Duration settle = Duration.ofSeconds(3);
    private Duration readyTimeout = Duration.ofSeconds(60);
    private Duration drainTimeout = Duration.ofSeconds(60);
    private Duration stopGrace = Duration.ofSeconds(20);
    private Duration sampleInterval = Duration.ofMillis(200);
    private long recoveredLag = -1;
    private String variant = "";
    private DeploymentListener listener = DeploymentListener.noop();

    private Builder(String bootstrapServers, String group, String topic) {
      this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      this.group = Objects.requireNonNull(group, "group");
      this.topic = Objects.requireNonNull(topic, "topic");
    }

    /** Instances in the fleet (default 3). */
    /**
     * Kafka client settings (security, timeouts, ...) for every client the deployment creates;
     * typed values are passed as they are; kcp's own defaults apply only to keys not set here. A
     * {@code bootstrap.servers} here is ignored: the cluster is the one given to {@link
     * DeploymentConfig#custom}.
     */
    public Builder clientProperties(java.util.Map<String, ?> properties) {
      Objects.requireNonNull(properties, "properties").forEach((k, v) -> {
        if (!"bootstrap.servers".equals(Objects.requireNonNull(k, "key"))) {
          clientProperties.put(k, Objects.requireNonNull(v, "value of " + k));
        }
      });
      return this;
    }

    public Builder instances(int instances) {
      this.instances = instances;
      return this;
    }

    /** How instances are launched (default in this JVM). */
    public Builder launcher(InstanceLauncher.Kind launcher) {
      this.launcher = Objects.requireNonNull(launcher, "launcher");
      return this;
    }

    /** Where audit and event files go (required). */
    public Builder workDir(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /** Traffic: records per second (default 2,000) over {@code keys} keys (default 1,000). */
    public Builder traffic(int rate, int keys) {
      this.rate = rate;
      this.keys = keys;
      return this;
    }

    /** Steady time before the first step (default 3 s). */
    public Builder warmUp(Duration warmUp) {
      this.warmUp = Objects.requireNonNull(warmUp, "warmUp");
      return this;
    }

    /** Steady time after the last step (default 3 s). */
    public Builder settle(Duration settle) {
      this.settle = Objects.requireNonNull(settle, "settle");
      return this;
    }

    /** How long a started instance may take to be ready (default 60 s). */
    public Builder readyTimeout(Duration readyTimeout) {
      this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
      return this;
    }

    /** How long the final drain may take (default 60 s). */
    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
      return this;
    }

    /** The graceful stop's bound (default 20 s). */
    public Builder stopGrace(Duration stopGrace) {
      this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
      return this;
    }

    /** How often the group is sampled (default 200 ms). */
    public Builder sampleInterval(Duration sampleInterval) {
      this.sampleInterval = Objects.requireNonNull(sampleInterval, "sampleInterval");
      return this;
    }

    /** The total lag at or below which a step counts as recovered (default: the rate). */
    public Builder recoveredLag(long recoveredLag) {
      this.recoveredLag = recoveredLag;
      return this;
    }

    /** A label for the report, e.g. {@code cooperative}. */
    public Builder variant(String variant) {
      this.variant = Objects.requireNonNull(variant, "variant");
      return this;
    }

    /** Who hears of each step (default nobody). */
    public Builder listener(DeploymentListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The config.
     *
     * @throws InvalidSettingsException listing every problem with its fix
     */
    public DeploymentConfig build() {
      List<String> problems = new ArrayList<>();
      if (instances < 1) {
        problems.add("instances must be at least 1 (got " + instances + ")");
      }
      if (workDir == null) {
        problems.add("workDir is required: where the instances' audit and event files go");
      }
      if (rate < 1 || keys < 1) {
        problems.add("the traffic needs a rate and keys of at least 1 (got " + rate + " records/s over "
            + keys + " keys)");
      }
      for (Duration d : List.of(readyTimeout, drainTimeout, stopGrace, sampleInterval)) {
        if (d.isNegative() || d.isZero()) {
          problems.add("timeouts and the sample interval must be positive (got " + d + ")");
        }
      }
      if (warmUp.isNegative() || settle.isNegative()) {
        problems.add("warmUp and settle must not be negative");
      }
      if (group.isBlank() || topic.isBlank() || bootstrapServers.isBlank()) {
        problems.add("bootstrapServers, group and topic are required");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new DeploymentConfig(this);
    }
  }
}
