package io.kcp.partition;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.EngineMetrics;
import java.util.List;

/**
 * A running consumer-per-thread engine: {@link #threads()} consumer threads in one group. Its
 * {@link #metrics()} add the threads up; {@link #threadMetrics()} shows each one.
 */
public interface PartitionStrategyEngine extends ConsumerEngine {

  /** The number of consumer threads. */
  int threads();

  /** One snapshot per consumer thread, in thread order (index = the thread's slot). */
  List<EngineMetrics> threadMetrics();
}
