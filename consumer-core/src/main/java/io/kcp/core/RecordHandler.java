package io.kcp.core;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The user's business logic for one record.
 *
 * <p>Every strategy calls {@link #handle} once per delivered record and treats a normal return as
 * "finished": only then may the record's offset become committable. A thrown exception means the
 * record did not finish; what happens next (retry, dead-letter, stop) is the strategy's error
 * policy, never a silent commit.
 *
 * <p>Implementations may be called from several threads at once (one per worker or consumer
 * thread); a strategy's ordering mode says which records may run concurrently.
 *
 * @param <K> key type
 * @param <V> value type
 */
@FunctionalInterface
public interface RecordHandler<K, V> {

  /**
   * Handles one record.
   *
   * @param record the record, as delivered by the consumer
   * @throws Exception when the record could not be handled; its offset is then not committed
   */
  void handle(ConsumerRecord<K, V> record) throws Exception;

  /** A handler that does nothing: useful to measure the consumer itself. */
  static <K, V> RecordHandler<K, V> noop() {
    return record -> {};
  }
}
