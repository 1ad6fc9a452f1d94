package io.kcp.share;

import io.kcp.core.InvalidSettingsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The share strategy's own settings, beside the {@code EngineConfig} every strategy shares: how
 * many share consumers (members), how many records run at once behind them, on which threads, and
 * where a new share group starts. Immutable.
 *
 * <pre>{@code
 * ShareConfig share = ShareConfig.custom().members(4).concurrency(64).startFrom("earliest").build();
 * }</pre>
 */
public final class ShareConfig {
  /** Records running at once by default, over all members. */
  public static final int DEFAULT_CONCURRENCY = 16;

  private final int members;
  private final int concurrency;
  private final boolean virtualThreads;
  private final String startFrom;

  private ShareConfig(Builder b) {
    this.members = b.members;
    this.concurrency = b.concurrency;
    this.virtualThreads = b.virtualThreads;
    this.startFrom = b.startFrom;
  }

  /** A builder starting from the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  /** Every default: one member, 16 platform workers, the group's own start position. */
  public static ShareConfig ofDefaults() {
    return custom().build();
  }

  /** Share consumers, each owned by one thread; unlike a classic group, more than the partitions all get records. */
  public int members() {
    return members;
  }

  /** Records handled at once over all members (the worker pool's size). */
  public int concurrency() {
    return concurrency;
  }

  /** Whether the workers are virtual threads (Java 21+ runtime). */
  public boolean virtualThreads() {
    return virtualThreads;
  }

  /**
   * Where a share group without a start position begins: {@code earliest} or {@code latest}, set
   * as the group's {@code share.auto.offset.reset} config when the engine starts; empty leaves the
   * group's config alone (a new group's default is {@code latest}).
   */
  public Optional<String> startFrom() {
    return Optional.ofNullable(startFrom);
  }

  @Override
  public String toString() {
    return "ShareConfig{members=" + members + ", concurrency=" + concurrency + ", virtualThreads="
        + virtualThreads + ", startFrom=" + startFrom + "}";
  }

  /** Builds a {@link ShareConfig}; checks everything at {@link #build()}. */
  public static final class Builder {
    private int members = 1;
    private int concurrency = DEFAULT_CONCURRENCY;
    private boolean virtualThreads;
    private String startFrom;

    private Builder() {}

    /** Share consumers (default 1). */
    public Builder members(int members) {
      this.members = members;
      return this;
    }

    /** Records handled at once over all members (default 16). */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /** Workers on virtual threads (Java 21+ runtime). */
    public Builder virtualThreads(boolean virtualThreads) {
      this.virtualThreads = virtualThreads;
      return this;
    }

    /**
     * {@code earliest} or {@code latest}: the group's {@code share.auto.offset.reset}, set when
     * the engine starts — the share-group counterpart of a consumer's {@code auto.offset.reset}.
     */
    public Builder startFrom(String startFrom) {
      this.startFrom = startFrom == null ? null : startFrom.trim().toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * The config.
     *
     * @throws InvalidSettingsException listing every problem with its fix
     */
    public ShareConfig build() {
      List<String> problems = new ArrayList<>();
      if (members < 1) {
        problems.add("members must be at least 1 (got " + members + ")");
      }
      if (concurrency < 1) {
        problems.add("concurrency must be at least 1 (got " + concurrency + "): the records run at once");
      }
      if (startFrom != null && !startFrom.equals("earliest") && !startFrom.equals("latest")) {
        problems.add("startFrom must be earliest or latest (got '" + startFrom + "')");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new ShareConfig(this);
    }
  }
}
