package io.kcp.core;

/**
 * The headers a dead-lettered record carries, besides its original key, value and headers. All
 * values are UTF-8 strings; times are epoch milliseconds. A public contract: tools that read the
 * dead-letter topic (the audit, {@code kcp}, your replay job) depend on these names.
 */
public final class DeadLetterHeaders {
  /** The topic the record was consumed from. */
  public static final String ORIGINAL_TOPIC = "kcp.dlt.original.topic";
  /** Its partition. */
  public static final String ORIGINAL_PARTITION = "kcp.dlt.original.partition";
  /** Its offset. */
  public static final String ORIGINAL_OFFSET = "kcp.dlt.original.offset";
  /** Its timestamp. */
  public static final String ORIGINAL_TIMESTAMP = "kcp.dlt.original.timestamp.ms";
  /** The consumer group that gave up on it. */
  public static final String CONSUMER_GROUP = "kcp.dlt.consumer.group";
  /** Class name of the last exception. */
  public static final String EXCEPTION_CLASS = "kcp.dlt.exception.class";
  /** Message of the last exception (at most 1,000 characters). */
  public static final String EXCEPTION_MESSAGE = "kcp.dlt.exception.message";
  /**
   * SHA-256 (hex, first 16 characters) of the last exception's stack trace without messages: the
   * same bug gives the same digest, so dead letters group by cause.
   */
  public static final String STACKTRACE_DIGEST = "kcp.dlt.stacktrace.digest";
  /** Handler attempts made (1 for a record that could not be decoded). */
  public static final String ATTEMPTS = "kcp.dlt.attempts";
  /** When the first attempt failed. */
  public static final String FIRST_FAILURE = "kcp.dlt.first.failure.ms";
  /** When the last attempt failed. */
  public static final String LAST_FAILURE = "kcp.dlt.last.failure.ms";
  /** Why: {@code handler} (attempts used up or not retryable) or {@code decode}. */
  public static final String REASON = "kcp.dlt.reason";

  private DeadLetterHeaders() {}
}
