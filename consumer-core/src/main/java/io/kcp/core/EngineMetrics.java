package io.kcp.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * A snapshot of an engine's counters. Immutable; engines build it with {@link #builder()}, callers
 * read it by name, so a new counter never breaks a caller.
 */
public final class EngineMetrics {
  private static final EngineMetrics EMPTY = builder().build();

  private final long recordsHandled;
  private final long recordsFailed;
  private final long inFlight;
  private final long commits;
  private final long commitFailures;
  private final double commitLatencyAvgMillis;
  private final double commitLatencyMaxMillis;
  private final int consumers;
  private final int idleConsumers;
  private final long restarts;
  private final int topicPartitions;
  private final int assignedPartitions;
  private final Map<TopicPartition, Long> committedOffsets;
  private final Map<TopicPartition, Long> recordsLag;
  private final long retries;
  private final long deadLettered;
  private final int pausedPartitions;

  private EngineMetrics(Builder b) {
    this.recordsHandled = b.recordsHandled;
    this.recordsFailed = b.recordsFailed;
    this.inFlight = b.inFlight;
    this.commits = b.commits;
    this.commitFailures = b.commitFailures;
    this.commitLatencyAvgMillis = b.commitLatencyAvgMillis;
    this.commitLatencyMaxMillis = b.commitLatencyMaxMillis;
    this.consumers = b.consumers;
    this.idleConsumers = b.idleConsumers;
    this.restarts = b.restarts;
    this.topicPartitions = b.topicPartitions;
    this.assignedPartitions = b.assignedPartitions;
    this.committedOffsets = Map.copyOf(b.committedOffsets);
    this.recordsLag = Map.copyOf(b.recordsLag);
    this.retries = b.retries;
    this.deadLettered = b.deadLettered;
    this.pausedPartitions = b.pausedPartitions;
  }

  /** A builder with every counter at zero. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this snapshot's values. */
  public Builder toBuilder() {
    return builder().recordsHandled(recordsHandled).recordsFailed(recordsFailed).inFlight(inFlight)
        .commits(commits).commitFailures(commitFailures)
        .commitLatencyAvgMillis(commitLatencyAvgMillis).commitLatencyMaxMillis(commitLatencyMaxMillis)
        .consumers(consumers).idleConsumers(idleConsumers).restarts(restarts)
        .topicPartitions(topicPartitions).assignedPartitions(assignedPartitions)
        .committedOffsets(committedOffsets).recordsLag(recordsLag).retries(retries)
        .deadLettered(deadLettered).pausedPartitions(pausedPartitions);
  }

  /** A snapshot with every counter at zero. */
  public static EngineMetrics empty() {
    return EMPTY;
  }

  /** Records whose handler returned normally. */
  public long recordsHandled() {
    return recordsHandled;
  }

  /** Handler attempts that threw (decoding included). */
  public long recordsFailed() {
    return recordsFailed;
  }

  /** Records handed out and not finished yet (running, queued, or waiting for a retry). */
  public long inFlight() {
    return inFlight;
  }

  /** Offset commits that succeeded. */
  public long commits() {
    return commits;
  }

  /** Offset commits that failed. */
  public long commitFailures() {
    return commitFailures;
  }

  /** Mean time a successful commit took, in milliseconds. */
  public double commitLatencyAvgMillis() {
    return commitLatencyAvgMillis;
  }

  /** Longest time a successful commit took, in milliseconds. */
  public double commitLatencyMaxMillis() {
    return commitLatencyMaxMillis;
  }

  /** Consumer instances (threads owning a {@code KafkaConsumer}) in the engine. */
  public int consumers() {
    return consumers;
  }

  /** Running consumers with no partition assigned. */
  public int idleConsumers() {
    return idleConsumers;
  }

  /** Consumer threads restarted after a failure. */
  public long restarts() {
    return restarts;
  }

  /** Partitions of the subscribed topics, as seen at start (0 if unknown). */
  public int topicPartitions() {
    return topicPartitions;
  }

  /** Partitions currently assigned to the engine's consumers. */
  public int assignedPartitions() {
    return assignedPartitions;
  }

  /** The last offset committed per partition (the next offset to read). */
  public Map<TopicPartition, Long> committedOffsets() {
    return committedOffsets;
  }

  /**
   * The client's own {@code records-lag} metric per assigned partition: the distance from the
   * consumer's <em>position</em> (not its committed offset) to the end of the log, sampled about
   * once a second on the poll thread.
   */
  public Map<TopicPartition, Long> recordsLag() {
    return recordsLag;
  }

  /** Attempts scheduled again after a failure. */
  public long retries() {
    return retries;
  }

  /** Records written to the dead-letter topic. */
  public long deadLettered() {
    return deadLettered;
  }

  /** Partitions paused right now (backpressure, a waiting retry, an open circuit breaker). */
  public int pausedPartitions() {
    return pausedPartitions;
  }

  /** The client's {@code records-lag-max}: the largest {@link #recordsLag()} value, 0 if none. */
  public long recordsLagMax() {
    return recordsLag.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }

  /**
   * The metrics of several consumers of one engine added up: counters summed, latencies weighted
   * by commit count (max of maxes), maps merged, {@code topicPartitions} the largest seen, plus
   * {@code restarts}.
   */
  public static EngineMetrics combine(List<EngineMetrics> parts, long restarts) {
    Builder sum = builder();
    double latencyWeighted = 0;
    Map<TopicPartition, Long> committed = new HashMap<>();
    Map<TopicPartition, Long> lag = new HashMap<>();
    for (EngineMetrics m : parts) {
      sum.recordsHandled += m.recordsHandled;
      sum.recordsFailed += m.recordsFailed;
      sum.inFlight += m.inFlight;
      sum.commits += m.commits;
      sum.commitFailures += m.commitFailures;
      latencyWeighted += m.commitLatencyAvgMillis * m.commits;
      sum.commitLatencyMaxMillis = Math.max(sum.commitLatencyMaxMillis, m.commitLatencyMaxMillis);
      sum.consumers += m.consumers;
      sum.idleConsumers += m.idleConsumers;
      sum.restarts += m.restarts;
      sum.topicPartitions = Math.max(sum.topicPartitions, m.topicPartitions);
      sum.assignedPartitions += m.assignedPartitions;
      m.committedOffsets.forEach((tp, o) -> committed.merge(tp, o, Math::max));
      lag.putAll(m.recordsLag);
      sum.retries += m.retries;
      sum.deadLettered += m.deadLettered;
      sum.pausedPartitions += m.pausedPartitions;
    }
    sum.restarts += restarts;
    sum.commitLatencyAvgMillis = sum.commits == 0 ? 0 : latencyWeighted / sum.commits;
    return sum.committedOffsets(committed).recordsLag(lag).build();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EngineMetrics m)) {
      return false;
    }
    return recordsHandled == m.recordsHandled && recordsFailed == m.recordsFailed
        && inFlight == m.inFlight && commits == m.commits && commitFailures == m.commitFailures
        && Double.compare(commitLatencyAvgMillis, m.commitLatencyAvgMillis) == 0
        && Double.compare(commitLatencyMaxMillis, m.commitLatencyMaxMillis) == 0
        && consumers == m.consumers && idleConsumers == m.idleConsumers && restarts == m.restarts
        && topicPartitions == m.topicPartitions && assignedPartitions == m.assignedPartitions
        && committedOffsets.equals(m.committedOffsets) && recordsLag.equals(m.recordsLag)
        && retries == m.retries && deadLettered == m.deadLettered
        && pausedPartitions == m.pausedPartitions;
  }

  @Override
  public int hashCode() {
    return Objects.hash(recordsHandled, recordsFailed, inFlight, commits, commitFailures,
        commitLatencyAvgMillis, commitLatencyMaxMillis, consumers, idleConsumers, restarts,
        topicPartitions, assignedPartitions, committedOffsets, recordsLag, retries, deadLettered,
        pausedPartitions);
  }

  @Override
  public String toString() {
    return "EngineMetrics{recordsHandled=" + recordsHandled + ", recordsFailed=" + recordsFailed
        + ", inFlight=" + inFlight + ", commits=" + commits + ", commitFailures=" + commitFailures
        + ", commitLatencyAvgMillis=" + commitLatencyAvgMillis + ", commitLatencyMaxMillis="
        + commitLatencyMaxMillis + ", consumers=" + consumers + ", idleConsumers=" + idleConsumers
        + ", restarts=" + restarts + ", topicPartitions=" + topicPartitions
        + ", assignedPartitions=" + assignedPartitions + ", committedOffsets=" + committedOffsets
        + ", recordsLag=" + recordsLag + ", retries=" + retries + ", deadLettered=" + deadLettered
        + ", pausedPartitions=" + pausedPartitions + "}";
  }

  /** Builds an {@link EngineMetrics}; every value starts at zero (maps empty). */
  public static final class Builder {
    private long recordsHandled;
    private long recordsFailed;
    private long inFlight;
    private long commits;
    private long commitFailures;
    private double commitLatencyAvgMillis;
    private double commitLatencyMaxMillis;
    private int consumers;
    private int idleConsumers;
    private long restarts;
    private int topicPartitions;
    private int assignedPartitions;
    private Map<TopicPartition, Long> committedOffsets = Map.of();
    private Map<TopicPartition, Long> recordsLag = Map.of();
    private long retries;
    private long deadLettered;
    private int pausedPartitions;

    private Builder() {}

    /** See {@link EngineMetrics#recordsHandled()}. */
    public Builder recordsHandled(long v) {
      recordsHandled = v;
      return this;
    }

    /** See {@link EngineMetrics#recordsFailed()}. */
    public Builder recordsFailed(long v) {
      recordsFailed = v;
      return this;
    }

    /** See {@link EngineMetrics#inFlight()}. */
    public Builder inFlight(long v) {
      inFlight = v;
      return this;
    }

    /** See {@link EngineMetrics#commits()}. */
    public Builder commits(long v) {
      commits = v;
      return this;
    }

    /** See {@link EngineMetrics#commitFailures()}. */
    public Builder commitFailures(long v) {
      commitFailures = v;
      return this;
    }

    /** See {@link EngineMetrics#commitLatencyAvgMillis()}. */
    public Builder commitLatencyAvgMillis(double v) {
      commitLatencyAvgMillis = v;
      return this;
    }

    /** See {@link EngineMetrics#commitLatencyMaxMillis()}. */
    public Builder commitLatencyMaxMillis(double v) {
      commitLatencyMaxMillis = v;
      return this;
    }

    /** See {@link EngineMetrics#consumers()}. */
    public Builder consumers(int v) {
      consumers = v;
      return this;
    }

    /** See {@link EngineMetrics#idleConsumers()}. */
    public Builder idleConsumers(int v) {
      idleConsumers = v;
      return this;
    }

    /** See {@link EngineMetrics#restarts()}. */
    public Builder restarts(long v) {
      restarts = v;
      return this;
    }

    /** See {@link EngineMetrics#topicPartitions()}. */
    public Builder topicPartitions(int v) {
      topicPartitions = v;
      return this;
    }

    /** See {@link EngineMetrics#assignedPartitions()}. */
    public Builder assignedPartitions(int v) {
      assignedPartitions = v;
      return this;
    }

    /** See {@link EngineMetrics#committedOffsets()} (copied at {@link #build()}). */
    public Builder committedOffsets(Map<TopicPartition, Long> v) {
      committedOffsets = Objects.requireNonNull(v, "committedOffsets");
      return this;
    }

    /** See {@link EngineMetrics#recordsLag()} (copied at {@link #build()}). */
    public Builder recordsLag(Map<TopicPartition, Long> v) {
      recordsLag = Objects.requireNonNull(v, "recordsLag");
      return this;
    }

    /** See {@link EngineMetrics#retries()}. */
    public Builder retries(long v) {
      retries = v;
      return this;
    }

    /** See {@link EngineMetrics#deadLettered()}. */
    public Builder deadLettered(long v) {
      deadLettered = v;
      return this;
    }

    /** See {@link EngineMetrics#pausedPartitions()}. */
    public Builder pausedPartitions(int v) {
      pausedPartitions = v;
      return this;
    }

    /** The snapshot. */
    public EngineMetrics build() {
      return new EngineMetrics(this);
    }
  }
}
