package io.kcp.audit;

import io.kcp.core.RecordHandler;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Wraps a {@link RecordHandler} so that every record it finishes is recorded in an {@link
 * AuditLog}, the evidence an {@link AuditReport} checks delivery guarantees against.
 *
 * <p>The wrapper reads {@link System#nanoTime()} before calling the delegate and again after it
 * returned normally, then appends one line. A delegate that throws did not finish its record:
 * nothing is written and the exception propagates unchanged. If the line cannot be written the
 * wrapper throws, so the engine treats the record as not finished rather than commit a record
 * the audit would later report as lost.
 *
 * <p><b>Line format</b> (UTF-8, one line per handled record, ten tab-separated fields, {@code
 * '\n'}-terminated):
 *
 * <pre>
 * runId  handlerId  topic  partition  offset  key  seq  startNanos  endNanos  endEpochMillis
 * </pre>
 *
 * <p>In the string fields (runId, handlerId, topic, key) backslash, tab, line feed and carriage
 * return are written {@code \\}, {@code \t}, {@code \n}, {@code \r}; a {@code null} key is {@code
 * \N}. A key that is not a string is written with {@code toString()}, a {@code byte[]} key decoded
 * as UTF-8. {@code seq} is parsed from a {@code String} value in the {@link WorkloadRecord} format,
 * else {@code -1}.
 */
public final class Audit {

  private Audit() {}

  /**
   * Wraps a handler; the handler id of each line is the name of the thread that handled the
   * record.
   *
   * @param delegate the handler to audit
   * @param log where to record
   * @param <K> key type
   * @param <V> value type
   * @return the auditing handler
   */
  public static <K, V> RecordHandler<K, V> wrap(RecordHandler<K, V> delegate, AuditLog log) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(log, "log");
    return record -> handle(delegate, log, null, record);
  }

  /**
   * Wraps a handler with a fixed handler id.
   *
   * @param delegate the handler to audit
   * @param log where to record
   * @param handlerId the handler id written on every line
   * @param <K> key type
   * @param <V> value type
   * @return the auditing handler
   */
  public static <K, V> RecordHandler<K, V> wrap(
      RecordHandler<K, V> delegate, AuditLog log, String handlerId) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(handlerId, "handlerId");
    return record -> handle(delegate, log, handlerId, record);
  }

  private static <K, V> void handle(
      RecordHandler<K, V> delegate, AuditLog log, String handlerId, ConsumerRecord<K, V> record)
      throws Exception {
    long start = System.nanoTime();
    delegate.handle(record);
    long end = System.nanoTime();
    long endMillis = System.currentTimeMillis();
    String who = handlerId != null ? handlerId : Thread.currentThread().getName();
    if (log.buffered()) { // a benchmark: parse and encode at the close, off the measured path
      log.appendDeferred(new AuditLog.Deferred(who, record.topic(), record.partition(), record.offset(),
          record.key(), record.value(), start, end, endMillis));
      return;
    }
    log.append(
        new AuditEntry(
            log.runId(),
            who,
            record.topic(),
            record.partition(),
            record.offset(),
            keyString(record.key()),
            seqOf(record.value()),
            start,
            end,
            endMillis));
  }

  static String keyString(Object key) {
    if (key == null) {
      return null;
    }
    if (key instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return key.toString();
  }

  static long seqOf(Object value) {
    if (value instanceof String s) {
      return WorkloadRecord.parse(s).map(WorkloadRecord::seq).orElse(-1L);
    }
    return -1;
  }
}
