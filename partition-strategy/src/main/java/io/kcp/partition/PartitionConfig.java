package io.kcp.partition;

import io.kcp.core.InvalidSettingsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The consumer-per-thread strategy's own settings, beside the {@code EngineConfig} every
 * strategy shares: how many consumer threads, and how fast a failed one is restarted. Immutable.
 *
 * <pre>{@code
 * PartitionConfig threads = PartitionConfig.custom().threads(12).build();
 * }</pre>
 */
public final class PartitionConfig {
  /** First restart delay after a thread fails. */
  public static final Duration DEFAULT_RESTART_BACKOFF = Duration.ofSeconds(1);

  /** Longest restart delay; the delay doubles per consecutive failure up to this. */
  public static final Duration DEFAULT_MAX_RESTART_BACKOFF = Duration.ofSeconds(30);

  private final int threads;
  private final Duration restartBackoff;
  private final Duration maxRestartBackoff;

  private PartitionConfig(Builder b) {
    this.threads = b.threads;
    this.restartBackoff = b.restartBackoff;
    this.maxRestartBackoff = b.maxRestartBackoff;
  }

  /** A builder starting from the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  /** Every default: one thread, restarts after 1 s doubling up to 30 s. */
  public static PartitionConfig ofDefaults() {
    return custom().build();
  }

  /** A config of {@code threads} threads and the default restart backoff. */
  public static PartitionConfig ofThreads(int threads) {
    return custom().threads(threads).build();
  }

  /** Consumer threads, each with its own {@code KafkaConsumer}. */
  public int threads() {
    return threads;
  }

  /** First delay before a failed thread is restarted. */
  public Duration restartBackoff() {
    return restartBackoff;
  }

  /** Longest delay before a failed thread is restarted. */
  public Duration maxRestartBackoff() {
    return maxRestartBackoff;
  }

  @Override
  public String toString() {
    return "PartitionConfig{threads=" + threads + ", restartBackoff=" + restartBackoff
        + ", maxRestartBackoff=" + maxRestartBackoff + "}";
  }

  /** Builds a {@link PartitionConfig}; checks everything at {@link #build()}. */
  public static final class Builder {
    private int threads = 1;
    private Duration restartBackoff = DEFAULT_RESTART_BACKOFF;
    private Duration maxRestartBackoff = DEFAULT_MAX_RESTART_BACKOFF;

    private Builder() {}

    /** Consumer threads (default 1); as many as the topic has partitions is the usual choice. */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /** First and longest delay before a failed thread is restarted (defaults 1 s and 30 s). */
    public Builder restartBackoff(Duration first, Duration max) {
      this.restartBackoff = Objects.requireNonNull(first, "first");
      this.maxRestartBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * The config.
     *
     * @throws InvalidSettingsException listing every problem with its fix
     */
    public PartitionConfig build() {
      List<String> problems = new ArrayList<>();
      if (threads < 1) {
        problems.add("threads must be at least 1 (got " + threads
            + "): one consumer thread per partition is the usual choice");
      }
      if (restartBackoff.isNegative() || restartBackoff.isZero()
          || maxRestartBackoff.compareTo(restartBackoff) < 0) {
        problems.add("restartBackoff must be positive and not above its max (got " + restartBackoff
            + " and " + maxRestartBackoff + ")");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new PartitionConfig(this);
    }
  }
}
