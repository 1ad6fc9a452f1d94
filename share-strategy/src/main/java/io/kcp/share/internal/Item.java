package io.kcp.share.internal;

import io.kcp.core.spi.RecordRunner;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of a member's batch: the task a worker runs and, once run, the acknowledgement its
 * member sends. It passes from the member to a worker and back through queues, which order the
 * writes of one side before the reads of the other.
 */
final class Item {
  final ConsumerRecord<byte[], byte[]> record;
  final Batch batch;

  // the worker, then the member
  /** How to acknowledge it; null while it waits for the circuit breaker (run again when due). */
  AcknowledgeType type;
  boolean handled;
  Throwable failure;
  RecordRunner.RetryState state;
  long dueNanos;

  // the member
  boolean settled;

  Item(ConsumerRecord<byte[], byte[]> record, Batch batch) {
    this.record = record;
    this.batch = batch;
  }

  /** The broker's delivery count of the record, from 1. */
  int delivery() {
    return record.deliveryCount().map(Short::intValue).orElse(1);
  }

  /** The records of one poll: cancelled when the member stops, so that those not started never start. */
  static final class Batch {
    volatile boolean cancelled;
  }

  @Override
  public String toString() {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
