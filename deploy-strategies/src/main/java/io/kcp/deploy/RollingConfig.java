package io.kcp.deploy;

import io.kcp.core.InvalidSettingsException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a rolling deployment replaces instances, one slot at a time: with a <em>surge</em> (start
 * the replacement, wait until it is ready, then stop the old one: {@code maxSurge 1}, Kubernetes'
 * zero-downtime setting) or <em>unavailable</em> first (stop the old one, then start the
 * replacement: {@code maxUnavailable 1}, required when the replacement reuses the old one's
 * static {@code group.instance.id} — two live members with one id fence each other). Optionally
 * rolls the old version back in afterwards, the same way.
 */
public final class RollingConfig {
  private final int maxSurge;
  private final int maxUnavailable;
  private final boolean rollback;

  private RollingConfig(int maxSurge, int maxUnavailable, boolean rollback) {
    this.maxSurge = maxSurge;
    this.maxUnavailable = maxUnavailable;
    this.rollback = rollback;
  }

  /** A builder: surge 1, unavailable 0, no rollback. */
  public static Builder custom() {
    return new Builder();
  }

  /** Surge 1, unavailable 0, no rollback. */
  public static RollingConfig ofDefaults() {
    return custom().build();
  }

  /** Instances above the fleet's size allowed during a step (0 or 1). */
  public int maxSurge() {
    return maxSurge;
  }

  /** Instances below the fleet's size allowed during a step (0 or 1). */
  public int maxUnavailable() {
    return maxUnavailable;
  }

  /** Whether the old version is rolled back in once the new one settled. */
  public boolean rollback() {
    return rollback;
  }

  /** Builds a {@link RollingConfig}. */
  public static final class Builder {
    private int maxSurge = 1;
    private int maxUnavailable;
    private boolean rollback;

    private Builder() {}

    /** Surge (0 or 1, default 1). */
    public Builder maxSurge(int maxSurge) {
      this.maxSurge = maxSurge;
      return this;
    }

    /** Unavailable (0 or 1, default 0). */
    public Builder maxUnavailable(int maxUnavailable) {
      this.maxUnavailable = maxUnavailable;
      return this;
    }

    /** Roll the old version back in after the new one settled (default no). */
    public Builder rollback(boolean rollback) {
      this.rollback = rollback;
      return this;
    }

    /**
     * The config.
     *
     * @throws InvalidSettingsException listing every problem with its fix
     */
    public RollingConfig build() {
      List<String> problems = new ArrayList<>();
      if (maxSurge < 0 || maxSurge > 1 || maxUnavailable < 0 || maxUnavailable > 1) {
        problems.add("maxSurge and maxUnavailable are 0 or 1: instances are replaced one at a time (got "
            + maxSurge + " and " + maxUnavailable + ")");
      } else if (maxSurge == 0 && maxUnavailable == 0) {
        problems.add("maxSurge and maxUnavailable cannot both be 0: nothing could be replaced; use maxSurge 1"
            + " (start the new one first) or maxUnavailable 1 (stop the old one first, for static members)");
      } else if (maxSurge == 1 && maxUnavailable == 1) {
        problems.add("give maxSurge 1 or maxUnavailable 1, not both: a step either starts the replacement"
            + " first or stops the old instance first");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new RollingConfig(maxSurge, maxUnavailable, rollback);
    }
  }
}
