package io.kcp.worker;

import io.kcp.core.spi.Workers;
import io.kcp.core.InvalidSettingsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The worker strategy's own settings, beside the {@code EngineConfig} every strategy shares:
 * ordering mode, workers, and the backpressure bounds. Immutable.
 *
 * <pre>{@code
 * WorkerConfig worker = WorkerConfig.custom().ordering(Ordering.KEY).concurrency(64).build();
 * }</pre>
 */
public final class WorkerConfig {
  /** Default workers. */
  public static final int DEFAULT_CONCURRENCY = 16;
  /** Default backlog per partition at which it is paused. */
  public static final int DEFAULT_MAX_IN_FLIGHT_PER_PARTITION = 1_000;
  /** Default records in flight over all partitions at which everything is paused. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;

  private final Ordering ordering;
  private final int concurrency;
  private final boolean virtualThreads;
  private final int maxInFlightPerPartition;
  private final int maxInFlight;

  private WorkerConfig(Builder b) {
    this.ordering = b.ordering;
    this.concurrency = b.concurrency;
    this.virtualThreads = b.virtualThreads;
    this.maxInFlightPerPartition = b.maxInFlightPerPartition;
    this.maxInFlight = b.maxInFlight;
  }

  /** A builder starting from the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  /** Every default: key ordering, 16 platform workers, 1,000 per partition, 10,000 in all. */
  public static WorkerConfig ofDefaults() {
    return custom().build();
  }

  /** A builder starting from {@code base}. */
  public static Builder from(WorkerConfig base) {
    Objects.requireNonNull(base, "base");
    return custom().ordering(base.ordering).concurrency(base.concurrency)
        .virtualThreads(base.virtualThreads).maxInFlightPerPartition(base.maxInFlightPerPartition)
        .maxInFlight(base.maxInFlight);
  }

  /** Which records may run at once. */
  public Ordering ordering() {
    return ordering;
  }

  /** Workers: how many records may run at once. */
  public int concurrency() {
    return concurrency;
  }

  /** Whether the workers are virtual threads. */
  public boolean virtualThreads() {
    return virtualThreads;
  }

  /** Backlog at which a partition is paused (it resumes at half). */
  public int maxInFlightPerPartition() {
    return maxInFlightPerPartition;
  }

  /** Records in flight over all partitions at which every partition is paused. */
  public int maxInFlight() {
    return maxInFlight;
  }

  @Override
  public String toString() {
    return "WorkerConfig{ordering=" + ordering + ", concurrency=" + concurrency + ", virtualThreads="
        + virtualThreads + ", maxInFlightPerPartition=" + maxInFlightPerPartition + ", maxInFlight="
        + maxInFlight + "}";
  }

  /** Builds a {@link WorkerConfig}; checks everything at {@link #build()}. */
  public static final class Builder {
    private Ordering ordering = Ordering.KEY;
    private int concurrency = DEFAULT_CONCURRENCY;
    private boolean virtualThreads;
    private int maxInFlightPerPartition = DEFAULT_MAX_IN_FLIGHT_PER_PARTITION;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

    private Builder() {}

    /** Which records may run at once (default {@link Ordering#KEY}). */
    public Builder ordering(Ordering ordering) {
      this.ordering = Objects.requireNonNull(ordering, "ordering");
      return this;
    }

    /** Workers (default 16); may be far above the partition count. */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /** Virtual threads instead of a platform pool; needs a Java 21+ runtime (default off). */
    public Builder virtualThreads(boolean virtualThreads) {
      this.virtualThreads = virtualThreads;
      return this;
    }

    /** Backlog at which a partition is paused (default 1,000); it resumes at half. */
    public Builder maxInFlightPerPartition(int max) {
      this.maxInFlightPerPartition = max;
      return this;
    }

    /** Records in flight over all partitions at which all are paused (default 10,000). */
    public Builder maxInFlight(int max) {
      this.maxInFlight = max;
      return this;
    }

    /**
     * The config.
     *
     * @throws InvalidSettingsException listing every problem with its fix
     */
    public WorkerConfig build() {
      List<String> problems = new ArrayList<>();
      if (concurrency < 1) {
        problems.add("concurrency must be at least 1 (got " + concurrency + ")");
      }
      if (maxInFlightPerPartition < 1 || maxInFlight < 1) {
        problems.add("maxInFlightPerPartition and maxInFlight must be at least 1 (got "
            + maxInFlightPerPartition + " and " + maxInFlight + ")");
      }
      if (virtualThreads && !Workers.virtualThreadsAvailable()) {
        problems.add("virtualThreads needs a Java 21+ runtime; this one is Java "
            + Runtime.version().feature() + ": run on a newer JDK or remove virtualThreads(true)");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new WorkerConfig(this);
    }
  }
}
