package io.kcp.worker;

import io.kcp.core.ConsumerEngine;

/** A running worker-strategy engine: one poll thread, a pool of workers. */
public interface WorkerStrategyEngine extends ConsumerEngine {

  /** The worker strategy's own metrics (queues, pauses, timings). */
  WorkerMetrics workerMetrics();
}
