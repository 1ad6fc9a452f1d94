package io.kcp.lag;

/**
 * The health of a partition (or, as the worst of its partitions, of a group), after LinkedIn
 * Burrow's public evaluation rules. Declared from best to worst.
 */
public enum LagStatus {
  /** Keeping up: lag within the allowed lag, or decreasing over the window. */
  OK,
  /** Committing, but the lag never decreased across the window: falling behind. */
  WARN,
  /** The committed offset went backwards (a reset, or a consumer replaying). */
  REWIND,
  /** Lag above the allowed lag and the committed offset not moving, though the consumer is there. */
  STALL,
  /** No commit for longer than the window spans while there is lag: the consumer is gone. */
  STOP,
  /** Group level only: the group could not be evaluated (unknown group, cluster not answering). */
  ERR;

  /** The worse of two statuses. */
  public LagStatus worst(LagStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
