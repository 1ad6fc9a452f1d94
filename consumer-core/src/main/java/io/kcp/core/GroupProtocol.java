package io.kcp.core;

/** The consumer group protocol the strategy's consumers speak. */
public enum GroupProtocol {
  /**
   * The classic protocol: the group leader (a client) assigns partitions with a client-side
   * assignor; the strategy defaults to the cooperative-sticky assignor, so a rebalance only moves
   * the partitions that must move and the others keep being consumed.
   */
  CLASSIC("classic"),
  /**
   * KIP-848's consumer protocol: the broker assigns partitions incrementally; no client-side
   * assignor, no stop-the-world rebalance.
   */
  CONSUMER("consumer");

  private final String configValue;

  GroupProtocol(String configValue) {
    this.configValue = configValue;
  }

  /** The value of the {@code group.protocol} consumer setting. */
  public String configValue() {
    return configValue;
  }
}
