package io.kcp.share;

import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Creates the share consumers of an engine from their full configuration. The default creates
 * {@link KafkaShareConsumer}s; a test passes one that wraps or fakes them.
 */
@FunctionalInterface
public interface ShareConsumerFactory {

  /** A share consumer of raw bytes for this configuration. */
  ShareConsumer<byte[], byte[]> create(Map<String, Object> config);

  /** The default: a {@link KafkaShareConsumer} with byte-array deserializers. */
  static ShareConsumerFactory kafka() {
    return config -> new KafkaShareConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
