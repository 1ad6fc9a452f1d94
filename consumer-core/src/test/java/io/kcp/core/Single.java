package io.kcp.core;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Test shorthand: an {@link EngineConfig} and a handler in one chain, for a single-thread engine. */
final class Single<K, V> {
  private final EngineConfig.Builder config;
  private final Deserializer<K> keys;
  private final Deserializer<V> values;
  private RecordHandler<K, V> handler;

  private Single(ConsumerSettings settings, Deserializer<K> keys, Deserializer<V> values) {
    this.config = EngineConfig.custom(settings);
    this.keys = keys;
    this.values = values;
  }

  static Single<String, String> builder(ConsumerSettings settings) {
    return new Single<>(settings, new StringDeserializer(), new StringDeserializer());
  }

  static <K, V> Single<K, V> builder(ConsumerSettings settings, Deserializer<K> keys, Deserializer<V> values) {
    return new Single<>(settings, keys, values);
  }

  Single<K, V> handler(RecordHandler<K, V> handler) {
    this.handler = handler;
    return this;
  }

  Single<K, V> errorPolicy(ErrorPolicy policy) {
    config.errorPolicy(policy);
    return this;
  }

  Single<K, V> commitPolicy(CommitPolicy policy) {
    config.commitPolicy(policy);
    return this;
  }

  Single<K, V> missingTopics(MissingTopicPolicy policy) {
    config.missingTopics(policy);
    return this;
  }

  Single<K, V> consumerFactory(ConsumerFactory factory) {
    config.consumerFactory(factory);
    return this;
  }

  ConsumerEngine build() {
    return SingleThreadConsumer.of(config.build(), keys, values, handler);
  }
}
