package io.kcp.share;

import io.kcp.core.ConsumerEngine;

/**
 * A running share-group engine: {@link #members()} share consumers, a worker pool behind them.
 * Its {@link #metrics()} count records like every engine's (there are no committed offsets: the
 * broker keeps each record's state); {@link #shareMetrics()} counts the acknowledgements.
 */
public interface ShareStrategyEngine extends ConsumerEngine {

  /** The number of share consumers. */
  int members();

  /** The acknowledgements so far, over all members. */
  ShareMetrics shareMetrics();
}
