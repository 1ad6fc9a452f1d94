package io.kcp.lag;

/**
 * The health of a partition (or, as the worst of its partitions, of a group), after LinkedIn
 * Burrow's evaluation rules. Declared from best to worst; {@link #burrowCode()} is the number
 * Burrow gives the status.
 */
public enum LagStatus {
  /** Keeping up: lag within the allowed lag, or decreasing over the window. */
  OK(1),
  /** Committing, but the lag never decreased across the window: falling behind. */
  WARN(2),
  /** The committed offset went backwards and has not come back within the window. */
  REWIND(6),
  /** Lag above the allowed lag and the committed offset not moving, though the consumer is there. */
  STALL(5),
  /** No commit for longer than the window spans while there is lag: the consumer is gone. */
  STOP(4),
  /**
   * Group level only: the group could not be evaluated (unknown group, cluster not answering); in
   * Burrow's shapes this is {@link BurrowGroupStatus#NOTFOUND}.
   */
  ERR(0);

  private final int burrowCode;

  LagStatus(int burrowCode) {
    this.burrowCode = burrowCode;
  }

  /** The worse of two statuses. */
  public LagStatus worst(LagStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /** Burrow's number for this partition status: OK 1, WARN 2, STOP 4, STALL 5, REWIND 6 (ERR: 0). */
  public int burrowCode() {
    return burrowCode;
  }

  /**
   * Burrow's group status for a group whose worst partition has this status: STOP, STALL and
   * REWIND make the group ERR; a group that could not be evaluated is NOTFOUND.
   */
  public BurrowGroupStatus toGroupStatus() {
    return switch (this) {
      case OK -> BurrowGroupStatus.OK;
      case WARN -> BurrowGroupStatus.WARN;
      case REWIND, STALL, STOP -> BurrowGroupStatus.ERR;
      case ERR -> BurrowGroupStatus.NOTFOUND;
    };
  }
}
