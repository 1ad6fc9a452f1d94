package io.kcp.core;

import java.time.Duration;
import java.util.Collection;
import org.apache.kafka.common.TopicPartition;

/**
 * Hears of an engine's rebalances, after the engine did its own part. Every method runs on the
 * poll thread of the consumer concerned, inside its {@code poll()}: keep it short, never block,
 * never call the engine from it. Exceptions it throws are logged and ignored.
 *
 * <p>This is what a deployment, a test or a dashboard reads to know when a partition really
 * changed hands: {@link #onPartitionsRevoked} is called only once no record of those partitions
 * will start in this engine any more and what finished was committed.
 */
public interface EngineListener {

  /** Nobody listening. */
  static EngineListener noop() {
    return new EngineListener() {};
  }

  /** Partitions were assigned to one of the engine's consumers. */
  default void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

  /**
   * Partitions were assigned to one of the engine's consumers, in this {@code generation}: the
   * group's generation under the classic protocol (each rebalance makes a new one, so the
   * distinct generations members report count the rebalances), the member's epoch under KIP-848.
   * Calls {@link #onPartitionsAssigned(Collection)} unless overridden; engines call this one.
   */
  default void onPartitionsAssigned(Collection<TopicPartition> partitions, int generation) {
    onPartitionsAssigned(partitions);
  }

  /**
   * Partitions were revoked and the engine let go of them: none of their records starts here
   * after this call, their running records finished (or the drain timed out, see {@code
   * drained}), and what finished was committed.
   *
   * @param partitions the revoked partitions
   * @param drained how long the engine waited for their running records
   */
  default void onPartitionsRevoked(Collection<TopicPartition> partitions, Duration drained) {}

  /**
   * Partitions were lost (the consumer left the group without a revoke: a session timeout, a
   * fenced member): nothing of them was committed, another member may own them already.
   */
  default void onPartitionsLost(Collection<TopicPartition> partitions) {}
}
