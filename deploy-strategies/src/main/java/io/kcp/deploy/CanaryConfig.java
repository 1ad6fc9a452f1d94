package io.kcp.deploy;

import io.kcp.core.InvalidSettingsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a canary deployment widens and when it rolls back: the steps (whole partitions given to the
 * new version), how long each step is analysed, and the thresholds of the analysis gates that
 * compare the canary with the stable version. Immutable; {@link #custom()} starts from the
 * defaults: steps 1 partition, 25 %, 50 %, 100 %; 10 s of analysis per step; the thresholds below.
 */
public final class CanaryConfig {
  /** Default analysis per step. */
  public static final Duration DEFAULT_ANALYSIS = Duration.ofSeconds(10);
  /** Default: the canary's failed attempts may exceed the stable's share by this much (5 points). */
  public static final double DEFAULT_MAX_FAILURE_RATE_INCREASE = 0.05;
  /** Default: the canary's dead-letter rate may exceed the stable's by this much (1 point). */
  public static final double DEFAULT_MAX_DEAD_LETTER_RATE_INCREASE = 0.01;
  /** Default: the canary's p99 processing time may be this many times the stable's ... */
  public static final double DEFAULT_MAX_P99_RATIO = 2.0;
  /** ... plus this much (so a 1 ms handler's jitter is no verdict). */
  public static final Duration DEFAULT_P99_SLACK = Duration.ofMillis(20);
  /** Default: a canary partition's lag may grow this many records more than a stable one's in a step. */
  public static final long DEFAULT_MAX_LAG_GROWTH = 500;
  /**
   * Default: attempts the canary must have made before its failure rate or p99 is judged (its
   * failure rate is judged too once a quarter of this many attempts failed).
   */
  public static final int DEFAULT_MIN_ATTEMPTS = 20;

  /**
   * One step: how many partitions the canary owns, as a count or a share of the topic's.
   *
   * @param value partitions, or percent of the partitions (rounded up, at least 1)
   * @param percent whether {@code value} is a percentage
   */
  public record Step(int value, boolean percent) {
    /** A step of {@code n} partitions. */
    public static Step partitions(int n) {
      return new Step(n, false);
    }

    /** A step of {@code percent} % of the partitions. */
    public static Step percent(int percent) {
      return new Step(percent, true);
    }

    /**
     * A step as written: {@code 1p} (partitions) or {@code 25%}.
     *
     * @throws IllegalArgumentException naming the forms it takes
     */
    public static Step parse(String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      try {
        if (t.endsWith("%")) {
          return percent(Integer.parseInt(t.substring(0, t.length() - 1)));
        }
        if (t.endsWith("p")) {
          return partitions(Integer.parseInt(t.substring(0, t.length() - 1)));
        }
      } catch (NumberFormatException e) {
        // fall through
      }
      throw new IllegalArgumentException("a canary step is N partitions ('1p') or a share ('25%'), got '" + s + "'");
    }

    /** The canary's partitions at this step, of {@code partitions}. */
    public int resolve(int partitions) {
      int n = percent ? (int) Math.ceil(partitions * value / 100.0) : value;
      return Math.max(1, Math.min(partitions, n));
    }

    @Override
    public String toString() {
      return value + (percent ? "%" : "p");
    }
  }

  private final List<Step> steps;
  private final Duration analysis;
  private final double maxFailureRateIncrease;
  private final double maxDeadLetterRateIncrease;
  private final double maxP99Ratio;
  private final Duration p99Slack;
  private final long maxLagGrowth;
  private final int minAttempts;

  private CanaryConfig(Builder b) {
    this.steps = List.copyOf(b.steps);
    this.analysis = b.analysis;
    this.maxFailureRateIncrease = b.maxFailureRateIncrease;
    this.maxDeadLetterRateIncrease = b.maxDeadLetterRateIncrease;
    this.maxP99Ratio = b.maxP99Ratio;
    this.p99Slack = b.p99Slack;
    this.maxLagGrowth = b.maxLagGrowth;
    this.minAttempts = b.minAttempts;
  }

  /** A builder with the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  /** The defaults. */
  public static CanaryConfig ofDefaults() {
    return custom().build();
  }

  /** The steps, in order; the last gives the canary every partition. */
  public List<Step> steps() {
    return steps;
  }

  /** How long each step is analysed before it passes (a failing gate ends it sooner). */
  public Duration analysis() {
    return analysis;
  }

  /** How much higher than the stable's the canary's failed-attempt rate may be (0.05 = 5 points). */
  public double maxFailureRateIncrease() {
    return maxFailureRateIncrease;
  }

  /** How much higher than the stable's the canary's dead-letter rate may be. */
  public double maxDeadLetterRateIncrease() {
    return maxDeadLetterRateIncrease;
  }

  /** The canary's p99 processing time may be at most this times the stable's plus {@link #p99Slack()}. */
  public double maxP99Ratio() {
    return maxP99Ratio;
  }

  /** Added to the p99 bound. */
  public Duration p99Slack() {
    return p99Slack;
  }

  /** How many records more a canary partition's lag may grow within a step than a stable one's. */
  public long maxLagGrowth() {
    return maxLagGrowth;
  }

  /**
   * Attempts the canary must have made before its failure rate is judged (or a quarter of this
   * many failures); its p99 processing time needs ten times as many records, and at least 200, so
   * that a percentile is not its slowest record.
   */
  public int minAttempts() {
    return minAttempts;
  }

  /** Builds a {@link CanaryConfig}. */
  public static final class Builder {
    private List<Step> steps = List.of(Step.partitions(1), Step.percent(25), Step.percent(50), Step.percent(100));
    private Duration analysis = DEFAULT_ANALYSIS;
    private double maxFailureRateIncrease = DEFAULT_MAX_FAILURE_RATE_INCREASE;
    private double maxDeadLetterRateIncrease = DEFAULT_MAX_DEAD_LETTER_RATE_INCREASE;
    private double maxP99Ratio = DEFAULT_MAX_P99_RATIO;
    private Duration p99Slack = DEFAULT_P99_SLACK;
    private long maxLagGrowth = DEFAULT_MAX_LAG_GROWTH;
    private int minAttempts = DEFAULT_MIN_ATTEMPTS;

    private Builder() {}

    /** The steps (default 1 partition, 25 %, 50 %, 100 %); the last must reach 100 %. */
    public Builder steps(List<Step> steps) {
      this.steps = List.copyOf(steps);
      return this;
    }

    /** Analysis per step (default 10 s). */
    public Builder analysis(Duration analysis) {
      this.analysis = Objects.requireNonNull(analysis, "analysis");
      return this;
    }

    /** Failure-rate threshold (default 0.05). */
    public Builder maxFailureRateIncrease(double v) {
      this.maxFailureRateIncrease = v;
      return this;
    }

    /** Dead-letter-rate threshold (default 0.01). */
    public Builder maxDeadLetterRateIncrease(double v) {
      this.maxDeadLetterRateIncrease = v;
      return this;
    }

    /** p99 threshold: ratio to the stable's (default 2.0) plus slack (default 20 ms). */
    public Builder maxP99(double ratio, Duration slack) {
      this.maxP99Ratio = ratio;
      this.p99Slack = Objects.requireNonNull(slack, "slack");
      return this;
    }

    /** Lag-growth threshold, records per partition per step (default 500). */
    public Builder maxLagGrowth(long records) {
      this.maxLagGrowth = records;
      return this;
    }

    /** Evidence needed before failure rate and p99 are judged (default 20 attempts). */
    public Builder minAttempts(int attempts) {
      this.minAttempts = attempts;
      return this;
    }

    /**
     * The config.
     *
     * @throws InvalidSettingsException listing every problem with its fix
     */
    public CanaryConfig build() {
      List<String> problems = new ArrayList<>();
      if (steps.isEmpty()) {
        problems.add("a canary needs at least one step, e.g. 1p,25%,50%,100%");
      } else {
        Step last = steps.get(steps.size() - 1);
        if (!(last.percent() && last.value() == 100)) {
          problems.add("the last canary step must be 100% (got " + last + "): a canary that never reaches every"
              + " partition leaves both versions running");
        }
        for (Step s : steps) {
          if (s.value() < 1 || s.percent() && s.value() > 100) {
            problems.add("a canary step is 1 or more partitions, or 1% to 100% (got " + s + ")");
          }
        }
      }
      if (analysis.isNegative() || analysis.isZero()) {
        problems.add("analysis must be positive (got " + analysis + ")");
      }
      if (maxFailureRateIncrease < 0 || maxDeadLetterRateIncrease < 0 || maxP99Ratio < 1 || p99Slack.isNegative()
          || maxLagGrowth < 0 || minAttempts < 1) {
        problems.add("thresholds: rate increases and lag growth >= 0, p99 ratio >= 1, slack >= 0, min attempts >= 1");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new CanaryConfig(this);
    }
  }
}
