package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import io.kcp.lag.internal.LagGauges;
import io.kcp.lag.internal.TimeLagInterpolation;
import io.kcp.lag.internal.Windows;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Watches one group: each {@link #observe()} takes a snapshot, slides the per-partition windows,
 * and evaluates them with {@link LagEvaluator}; the latest report is exported as OpenTelemetry
 * gauges named after kafka-lag-exporter's metrics ({@code kafka.consumergroup.group.lag}, {@code
 * .lag_seconds}, {@code .offset}, {@code .max_lag}, {@code .max_lag_seconds}, {@code .sum_lag},
 * {@code .topic_sum_lag}, {@code kafka.partition.latest_offset}) and the statuses as state sets
 * ({@code kcp.consumergroup.status}, {@code kcp.consumergroup.partition.status}), each with the
 * attribute {@code cluster_name}, through the {@link OpenTelemetry} given (no-op by default).
 *
 * <p>The Admin API does not say when an offset was committed, so a window entry is added when the
 * committed offset moved, or when a live member owns the partition; an unowned partition whose
 * offset does not move adds nothing, so its window ages into {@link LagStatus#STOP}.
 *
 * <p>When a snapshot fails (cluster unreachable, group deleted), {@link #observe()} throws and the
 * exported group status is {@link LagStatus#ERR} until an observation succeeds again.
 *
 * <p>Many monitors can be driven from one batched read: take {@link ConsumerLag#snapshots} of all
 * their groups, give each monitor its group's snapshot with {@link #observe(LagSnapshot)}, or its
 * failure with {@link #observeFailure(LagException)}.
 *
 * <pre>{@code
 * GroupSnapshots batch = lag.snapshots(monitors.keySet());
 * batch.snapshots().forEach((group, s) -> monitors.get(group).observe(s));
 * batch.errors().forEach((group, e) -> monitors.get(group).observeFailure(e));
 * }</pre>
 *
 * <p>Not thread-safe: call {@code observe} from one thread (the gauges read the latest report safely).
 */
public final class LagMonitor implements AutoCloseable {
  /** The {@code cluster_name} of the exported series unless {@link Builder#clusterName} says: {@value}. */
  public static final String DEFAULT_CLUSTER_NAME = "local";

  /** Default number of observations in a window: {@value}. */
  public static final int DEFAULT_WINDOW_SIZE = 10;

  private final ConsumerLag source;
  private final String group;
  private final long allowedLag;
  private final double minimumComplete;
  private final String onlyTopic;
  private final Windows windows;
  private final TimeLagInterpolation interpolation;
  private final LagGauges gauges;
  private volatile LagReport latest;
  private volatile LagWindow latestWindow;
  private volatile LagException lastError;

  private LagMonitor(Builder b) {
    this.source = b.source;
    this.group = b.group;
    this.allowedLag = b.allowedLag;
    this.minimumComplete = b.minimumComplete;
    this.onlyTopic = b.onlyTopic;
    this.windows = new Windows(b.windowSize);
    this.interpolation = b.interpolate ? new TimeLagInterpolation(TimeLagInterpolation.DEFAULT_POINTS) : null;
    Predicate<String> topics = t -> (b.include == null || b.include.matcher(t).matches())
        && (b.exclude == null || !b.exclude.matcher(t).matches());
    this.gauges = new LagGauges(b.otel, b.clusterName, group, () -> latest, () -> lastError != null, b.perPartition, topics);
  }

  /** A builder for a monitor of {@code group}. */
  public static Builder builder(String group) {
    return new Builder(requireNonNull(group, "group"));
  }

  /**
   * Takes a snapshot from the {@link Builder#source(ConsumerLag) source} and evaluates the window.
   *
   * @throws LagException when the snapshot fails (the windows are left as they were)
   * @throws IllegalStateException when the monitor has no source (replay only)
   */
  public LagReport observe() {
    if (source == null) {
      throw new IllegalStateException("this LagMonitor has no source; use observe(snapshot)");
    }
    LagSnapshot s;
    try {
      s = source.snapshot(group);
    } catch (LagException e) {
      lastError = e;
      throw e;
    }
    return observe(s);
  }

  /** Adds a snapshot taken elsewhere (a recording being replayed) and evaluates the window. */
  public LagReport observe(LagSnapshot snapshot) {
    requireNonNull(snapshot, "snapshot");
    if (interpolation != null) {
      snapshot = interpolation.apply(snapshot);
    }
    if (onlyTopic != null) {
      snapshot = new LagSnapshot(snapshot.group(), snapshot.state(), snapshot.type(), snapshot.members(),
          snapshot.takenAtMs(), snapshot.partitions().stream().filter(p -> p.topic().equals(onlyTopic))
              .collect(java.util.stream.Collectors.toList()));
    }
    LagWindow w = windows.add(snapshot, allowedLag, minimumComplete);
    GroupEvaluation e = LagEvaluator.evaluate(w);
    latestWindow = w;
    LagReport r = new LagReport(snapshot, e);
    latest = r;
    lastError = null;
    return r;
  }

  /**
   * Records that this group could not be read elsewhere (e.g. it is in a batched read's {@link
   * GroupSnapshots#errors()}): the exported group status is {@link LagStatus#ERR} until the next
   * successful observation; the windows are left as they were.
   */
  public void observeFailure(LagException failure) {
    lastError = requireNonNull(failure, "failure");
  }

  /** The group this monitor watches. */
  public String group() {
    return group;
  }

  /**
   * The failure of the last {@link #observe()}, if it failed; while it is set the exported group
   * status is {@link LagStatus#ERR} (the other gauges keep the last good report).
   */
  public Optional<LagException> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** The last report, if any observation was made. */
  public Optional<LagReport> latest() {
    return Optional.ofNullable(latest);
  }

  /**
   * The window the last report was evaluated on (each partition's committed offsets, oldest
   * first), if any observation was made: what Burrow shows as a partition's {@code start} and
   * {@code end}.
   */
  public Optional<LagWindow> latestWindow() {
    return Optional.ofNullable(latestWindow);
  }

  /** Stops exporting the gauges (the source is not closed). */
  @Override
  public void close() {
    gauges.close();
  }

  /** Builds a {@link LagMonitor}. */
  public static final class Builder {
    private final String group;
    private ConsumerLag source;
    private int windowSize = DEFAULT_WINDOW_SIZE;
    private long allowedLag;
    private double minimumComplete;
    private OpenTelemetry otel = OpenTelemetry.noop();
    private String clusterName = DEFAULT_CLUSTER_NAME;
    private boolean perPartition = true;
    private Pattern include;
    private Pattern exclude;
    private String onlyTopic;
    private boolean interpolate;

    private Builder(String group) {
      this.group = group;
    }

    /** Where snapshots come from; without one only {@link LagMonitor#observe(LagSnapshot)} works. */
    public Builder source(ConsumerLag source) {
      this.source = requireNonNull(source, "source");
      return this;
    }

    /** Observations per window (at least 1); default {@value LagMonitor#DEFAULT_WINDOW_SIZE}. */
    public Builder windowSize(int windowSize) {
      if (windowSize < 1) {
        throw new IllegalArgumentException("windowSize must be at least 1, got " + windowSize);
      }
      this.windowSize = windowSize;
      return this;
    }

    /** Lag at or below this counts as caught up; default 0. */
    public Builder allowedLag(long allowedLag) {
      if (allowedLag < 0) {
        throw new IllegalArgumentException("allowedLag must be >= 0, got " + allowedLag);
      }
      this.allowedLag = allowedLag;
      return this;
    }

    /**
     * A partition's window less complete than this (observations / window size, 0 to 1) is OK
     * without being judged — Burrow's {@code minimum-complete}; default 0, as in Burrow, so even a
     * first observation of lag is judged (as STALL: its offsets have not been seen to move).
     */
    public Builder minimumComplete(double minimumComplete) {
      if (!(minimumComplete >= 0 && minimumComplete <= 1)) {
        throw new IllegalArgumentException("minimumComplete must be between 0 and 1, got " + minimumComplete);
      }
      this.minimumComplete = minimumComplete;
      return this;
    }

    /** Watch only this topic's partitions: the others are dropped before evaluation. */
    public Builder topic(String topic) {
      this.onlyTopic = requireNonNull(topic, "topic");
      return this;
    }

    /** Where the gauges go; default {@link OpenTelemetry#noop()}. */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.otel = requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * The {@code cluster_name} attribute of every exported series (as kafka-lag-exporter labels
     * them), so that one Prometheus can tell clusters apart; default {@value
     * LagMonitor#DEFAULT_CLUSTER_NAME}.
     */
    public Builder clusterName(String clusterName) {
      requireNonNull(clusterName, "clusterName");
      if (clusterName.isBlank()) {
        throw new IllegalArgumentException("clusterName must not be blank");
      }
      this.clusterName = clusterName;
      return this;
    }

    /** Whether to export one series per partition (else only group totals); default true. */
    public Builder perPartitionSeries(boolean perPartition) {
      this.perPartition = perPartition;
      return this;
    }

    /** Export only topics matching this regex (whole name); default all. */
    public Builder includeTopics(String regex) {
      this.include = Pattern.compile(requireNonNull(regex, "regex"));
      return this;
    }

    /** Do not export topics matching this regex (whole name); default none. */
    public Builder excludeTopics(String regex) {
      this.exclude = Pattern.compile(requireNonNull(regex, "regex"));
      return this;
    }

    /**
     * Whether to replace each observed snapshot's time lag by one interpolated over the log-end
     * offsets this monitor has observed ({@link TimeLagMode#INTERPOLATE}); default false. For
     * replays of recordings and sources without time lag; a live {@link ConsumerLag} built with
     * {@link TimeLagMode#INTERPOLATE} already does this once for all the groups it reads.
     */
    public Builder interpolateTimeLag(boolean interpolate) {
      this.interpolate = interpolate;
      return this;
    }

    /** A ready monitor. */
    public LagMonitor build() {
      return new LagMonitor(this);
    }
  }
}
