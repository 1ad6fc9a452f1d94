package io.kcp.it;

import io.kcp.core.EngineConfig;
import io.kcp.partition.PartitionConfig;
import io.kcp.worker.WorkerConfig;
import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.ProducerContext;
import io.kcp.core.RecordHandler;
import io.kcp.partition.PartitionStrategy;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerStrategy;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The two strategies built the same way, so one test can prove a claim for both. */
enum Engines {
  /** Consumer per thread: 3 threads. */
  PARTITION,
  /** One poll thread, 16 workers, key ordering. */
  WORKER_KEY;

  /** Threads that may be calling the handler at once. */
  int concurrency() {
    return this == PARTITION ? 3 : 16;
  }

  ConsumerEngine build(
      ConsumerSettings settings, RecordHandler<String, String> handler, ErrorPolicy policy) {
    return build(settings, new StringDeserializer(), handler, policy, OpenTelemetry.noop(),
        ProducerContext.PARENT);
  }

  ConsumerEngine build(
      ConsumerSettings settings,
      Deserializer<String> values,
      RecordHandler<String, String> handler,
      ErrorPolicy policy,
      OpenTelemetry otel,
      ProducerContext producerContext) {
    EngineConfig config = EngineConfig.custom(settings)
        .errorPolicy(policy)
        .openTelemetry(otel)
        .producerContext(producerContext)
        .build();
    if (this == PARTITION) {
      return PartitionStrategy.of(config, PartitionConfig.ofThreads(3), new StringDeserializer(), values, handler);
    }
    return WorkerStrategy.of(config, WorkerConfig.custom().ordering(Ordering.KEY).concurrency(16).build(),
        new StringDeserializer(), values, handler);
  }
}
