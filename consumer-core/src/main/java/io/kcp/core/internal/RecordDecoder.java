package io.kcp.core.internal;

import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns a raw record into a typed one with the user's deserializers. Runs where the handler runs,
 * so a record that cannot be decoded fails as that record's handling, not as {@code poll()}.
 */
public final class RecordDecoder<K, V> {
  private final Deserializer<K> keys;
  private final Deserializer<V> values;

  /** A decoder with these deserializers. */
  public RecordDecoder(Deserializer<K> keys, Deserializer<V> values) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.values = Objects.requireNonNull(values, "values");
  }

  /** Decodes key and value, keeping every other field of the record. */
  public ConsumerRecord<K, V> decode(ConsumerRecord<byte[], byte[]> raw) {
    K key = keys.deserialize(raw.topic(), raw.headers(), raw.key());
    V value = values.deserialize(raw.topic(), raw.headers(), raw.value());
    return new ConsumerRecord<>(
        raw.topic(),
        raw.partition(),
        raw.offset(),
        raw.timestamp(),
        raw.timestampType(),
        raw.serializedKeySize(),
        raw.serializedValueSize(),
        key,
        value,
        raw.headers(),
        raw.leaderEpoch() == null ? Optional.empty() : raw.leaderEpoch());
  }
}
