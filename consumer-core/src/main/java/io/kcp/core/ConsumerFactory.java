package io.kcp.core;

import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Creates the raw {@link Consumer} an engine polls with.
 *
 * <p>Engines always read bytes and decode keys and values themselves (with the deserializers
 * given to their builder), so a record that cannot be decoded is a handler failure of that one
 * record, not an exception out of {@code poll()} that would stop the whole consumer. The default
 * builds a {@link KafkaConsumer}; unit tests pass one returning a {@code MockConsumer}.
 */
@FunctionalInterface
public interface ConsumerFactory {

  /**
   * Creates a consumer.
   *
   * @param config the full consumer configuration, from {@link ConsumerSettings#toConsumerConfig()}
   * @return a new consumer, owned (and closed) by the engine
   */
  Consumer<byte[], byte[]> create(Map<String, Object> config);

  /** The default: a {@link KafkaConsumer} reading bytes. */
  static ConsumerFactory kafka() {
    return config ->
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
