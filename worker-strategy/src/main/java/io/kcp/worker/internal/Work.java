package io.kcp.worker.internal;

import io.kcp.core.spi.RecordRunner;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One handed-out record: the task a worker runs and, once run, its own completion, which the poll
 * thread takes from the completion queue. A record that must wait for a retry is the same object
 * again, scheduled. It is in one place at a time (a lane, the executor, a worker, the completion
 * queue, the retry schedule), and the queues it passes through order the writes of one side before
 * the reads of the other.
 */
final class Work implements Runnable {
  /** Where a worker runs a {@link Work}. */
  interface Runner {
    void runOnWorker(Work work);
  }

  private final Runner runner;
  private final ConsumerRecord<byte[], byte[]> record;
  final PartitionState partition;
  /** The partition's epoch when the record was handed out: a different one cancels it. */
  final int epoch;
  /** The ledger's generation of the partition when the record was handed out. */
  final int generation;

  // poll thread
  Object lane; // its lane in KeyLanes, set when admitted
  RecordRunner.RetryState state;
  long dueNanos;
  long queuedAt;
  boolean probe;

  // the worker, then the poll thread after the completion queue
  RecordRunner.Outcome outcome;
  boolean cancelled;
  long waitNanos;
  long handlerNanos;

  Work(Runner runner, ConsumerRecord<byte[], byte[]> record, PartitionState partition, int generation) {
    this.runner = runner;
    this.record = record;
    this.partition = partition;
    this.epoch = partition.epoch;
    this.generation = generation;
  }

  ConsumerRecord<byte[], byte[]> record() {
    return record;
  }

  /** Whether its partition is still in the epoch it was handed out in. */
  boolean current() {
    return epoch == partition.epoch;
  }

  @Override
  public void run() {
    runner.runOnWorker(this);
  }

  @Override
  public String toString() {
    return partition.tp + "@" + record.offset();
  }
}
