package io.kcp.core.spi;

import io.kcp.core.RecordHandler;
import io.kcp.core.internal.RecordDecoder;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The user's part of an engine, without its type parameters: the deserializers and the handler
 * of a {@code RecordHandler<K, V>}, so that an engine (which always reads bytes) can run it.
 * Decoding and handling are two steps because a record that cannot be decoded goes to the
 * dead-letter topic at once, while a handler failure is retried.
 */
public final class DecodingHandler {

  /** A decoded record, ready to be handled. */
  @FunctionalInterface
  public interface Call {
    /** Runs the user's handler on the decoded record. */
    void handle() throws Exception;
  }

  private interface Step {
    Call prepare(ConsumerRecord<byte[], byte[]> raw);
  }

  private final Step step;

  private DecodingHandler(Step step) {
    this.step = step;
  }

  /** A handler of records with {@code String} keys and values. */
  public static DecodingHandler ofStrings(RecordHandler<String, String> handler) {
    return of(new StringDeserializer(), new StringDeserializer(), handler);
  }

  /** A handler with the given deserializers (called on the thread that runs the record). */
  public static <K, V> DecodingHandler of(
      Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, RecordHandler<K, V> handler) {
    Objects.requireNonNull(handler, "handler");
    RecordDecoder<K, V> decoder = new RecordDecoder<>(
        Objects.requireNonNull(keyDeserializer, "keyDeserializer"),
        Objects.requireNonNull(valueDeserializer, "valueDeserializer"));
    return new DecodingHandler(raw -> {
      ConsumerRecord<K, V> record = decoder.decode(raw);
      return () -> handler.handle(record);
    });
  }

  /**
   * Decodes {@code raw}.
   *
   * @throws RuntimeException (or an {@code Error}) when the key or value cannot be decoded
   */
  public Call prepare(ConsumerRecord<byte[], byte[]> raw) {
    return step.prepare(raw);
  }
}
