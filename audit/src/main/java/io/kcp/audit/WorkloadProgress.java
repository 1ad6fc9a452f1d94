package io.kcp.audit;

import java.time.Duration;

/**
 * Progress of a running {@link Workload}, reported about every second or every 10% of the
 * records, whichever comes first, and once more when all sends are acknowledged. Called on the
 * thread that called {@link Workload#run()}; keep it quick.
 */
@FunctionalInterface
public interface WorkloadProgress {

  /**
   * Reports progress.
   *
   * @param sent records handed to the producer so far
   * @param acked records the broker acknowledged so far
   * @param total records the workload will produce
   * @param elapsed time since the first send
   */
  void onProgress(long sent, long acked, long total, Duration elapsed);
}
