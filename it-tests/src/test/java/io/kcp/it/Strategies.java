package io.kcp.it;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.RecordHandler;
import io.kcp.core.SingleThreadConsumer;
import io.kcp.partition.PartitionConfig;
import io.kcp.partition.PartitionStrategy;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategy;
import java.util.function.UnaryOperator;

/**
 * The three strategies built from one {@link EngineConfig}, so one test proves a claim for all:
 * the single-thread loop, the consumer-per-thread strategy with 3 threads, and the worker strategy
 * (key ordering, 16 workers, unless the test changes its {@link WorkerConfig}).
 */
enum Strategies {
  SINGLE,
  PARTITION,
  WORKER;

  /** Threads that may be calling the handler at once. */
  int concurrency(WorkerConfig worker) {
    return this == SINGLE ? 1 : this == PARTITION ? 3 : worker.concurrency();
  }

  static WorkerConfig defaultWorker() {
    return WorkerConfig.custom().ordering(Ordering.KEY).concurrency(16).build();
  }

  ConsumerEngine build(ConsumerSettings settings, RecordHandler<String, String> handler) {
    return build(settings, UnaryOperator.identity(), defaultWorker(), handler);
  }

  ConsumerEngine build(
      ConsumerSettings settings,
      UnaryOperator<EngineConfig.Builder> config,
      RecordHandler<String, String> handler) {
    return build(settings, config, defaultWorker(), handler);
  }

  ConsumerEngine build(
      ConsumerSettings settings,
      UnaryOperator<EngineConfig.Builder> config,
      WorkerConfig worker,
      RecordHandler<String, String> handler) {
    EngineConfig engine = config.apply(EngineConfig.custom(settings)).build();
    switch (this) {
      case SINGLE:
        return SingleThreadConsumer.of(engine, handler);
      case PARTITION:
        return PartitionStrategy.of(engine, PartitionConfig.ofThreads(3), handler);
      default:
        return WorkerStrategy.of(engine, worker, handler);
    }
  }
}
