package io.kcp.worker.internal;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * One assigned partition of a worker engine, from its assignment until its revoke or loss (a new
 * assignment of the same partition gets a new state).
 *
 * <p>The {@link #epoch} is the gate every queued record passes before it starts: a revoke, a loss
 * or a reset bumps it, and a record handed out in an older epoch is cancelled instead of run, so
 * the queue of a partition the engine no longer owns empties without calling the handler. {@link
 * #running} counts the workers inside the gate: a revoke waits for those, not for the queue.
 *
 * <p>The worker increments {@code running} before it reads {@code epoch}; the poll thread bumps
 * {@code epoch} before it reads {@code running}. Both are volatile, so either the worker sees the
 * new epoch and cancels, or the poll thread sees it running and waits for it.
 */
final class PartitionState {
  final TopicPartition tp;
  final Lanes lanes;
  final AtomicInteger running = new AtomicInteger();
  volatile int epoch;
  boolean paused; // poll thread

  PartitionState(TopicPartition tp, Lanes lanes) {
    this.tp = tp;
    this.lanes = lanes;
  }

  /** Cancels every record handed out so far that has not started, and forgets their lanes. */
  void cancelWaiting() {
    epoch++; // only the poll thread writes it
    lanes.clear();
  }

  @Override
  public String toString() {
    return tp + "@" + epoch;
  }
}
