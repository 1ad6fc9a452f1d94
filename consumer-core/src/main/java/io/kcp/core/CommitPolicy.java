package io.kcp.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * When an engine commits the offsets that finished. Immutable.
 *
 * <p>While running, an engine commits asynchronously when {@link #interval()} has passed since
 * its last commit or {@link #everyRecords()} records finished since then, whichever comes first.
 * If the count is reached while the previous asynchronous commit is still unanswered, it commits
 * synchronously instead, so that at most {@code 2 × everyRecords} finished records are ever
 * uncommitted per consumer: that is the bound on records handled twice after a crash (plus the
 * interval's worth, if the interval fires first). On revoke and on close it always commits
 * synchronously.
 *
 * <pre>{@code
 * CommitPolicy.builder().interval(Duration.ofMillis(500)).everyRecords(100).build()
 * }</pre>
 */
public final class CommitPolicy {
  /** Default interval between commits: 1 s. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** Default count of finished records that triggers a commit: 1,000. */
  public static final int DEFAULT_EVERY_RECORDS = 1_000;

  /** Every second or every 1,000 records. */
  public static final CommitPolicy DEFAULT = builder().build();

  private final Duration interval;
  private final int everyRecords;

  private CommitPolicy(Duration interval, int everyRecords) {
    this.interval = interval;
    this.everyRecords = everyRecords;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The longest time between two commits while records finish. */
  public Duration interval() {
    return interval;
  }

  /** The number of finished records that triggers a commit. */
  public int everyRecords() {
    return everyRecords;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CommitPolicy
        && ((CommitPolicy) o).interval.equals(interval)
        && ((CommitPolicy) o).everyRecords == everyRecords;
  }

  @Override
  public int hashCode() {
    return Objects.hash(interval, everyRecords);
  }

  @Override
  public String toString() {
    return "CommitPolicy{interval=" + interval + ", everyRecords=" + everyRecords + "}";
  }

  /** Builds a {@link CommitPolicy}. */
  public static final class Builder {
    private Duration interval = DEFAULT_INTERVAL;
    private int everyRecords = DEFAULT_EVERY_RECORDS;

    private Builder() {}

    /** Commit at least this often while records finish (default 1 s); zero commits after every poll. */
    public Builder interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new InvalidSettingsException(
            List.of(
                "commit interval must not be negative (got "
                    + interval
                    + "): use Duration.ZERO to commit after every poll"));
      }
      this.interval = interval;
      return this;
    }

    /** Commit after this many finished records (default 1,000); 1 commits after every record. */
    public Builder everyRecords(int everyRecords) {
      if (everyRecords < 1) {
        throw new InvalidSettingsException(
            List.of(
                "commit everyRecords must be at least 1 (got "
                    + everyRecords
                    + "): use 1 to commit after every record"));
      }
      this.everyRecords = everyRecords;
      return this;
    }

    /** The policy. */
    public CommitPolicy build() {
      return new CommitPolicy(interval, everyRecords);
    }
  }
}
