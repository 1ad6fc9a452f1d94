package io.kcp.lag;

/**
 * A group's status in Burrow's API: one of four, numbered as Burrow numbers them. The partitions
 * keep their own {@link LagStatus}; a group with a STOP, STALL or REWIND partition is ERR.
 */
public enum BurrowGroupStatus {
  /** The group is unknown, or could not be evaluated. */
  NOTFOUND(0),
  /** Every partition OK. */
  OK(1),
  /** The worst partition is WARN. */
  WARN(2),
  /** A partition is STOP, STALL or REWIND. */
  ERR(3);

  private final int code;

  BurrowGroupStatus(int code) {
    this.code = code;
  }

  /** Burrow's number for it. */
  public int code() {
    return code;
  }
}
