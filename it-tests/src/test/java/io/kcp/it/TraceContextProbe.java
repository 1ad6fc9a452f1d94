package io.kcp.it;

import io.kcp.core.EngineConfig;
import io.kcp.worker.WorkerConfig;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.ErrorPolicy;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerStrategy;
import io.kcp.worker.WorkerStrategyEngine;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Run in a child JVM (Java 21+) by {@link WorkerVirtualThreadsTest}: consumes a topic with the
 * worker strategy on virtual threads and checks, inside the handler, that the current span is
 * this record's {@code process} span and that the thread is virtual. Prints one {@code PROBE}
 * line with the counts.
 */
public final class TraceContextProbe {
  private TraceContextProbe() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    long expected = Long.parseLong(args[2]);
    Method isVirtual = Thread.class.getMethod("isVirtual");
    AttributeKey<Long> offset = AttributeKey.longKey("messaging.kafka.offset");
    AtomicLong handled = new AtomicLong();
    AtomicLong matched = new AtomicLong();
    AtomicLong virtual = new AtomicLong();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build())
        .build()) {
      WorkerStrategyEngine engine = WorkerStrategy.of(
          EngineConfig.custom(ConsumerSettings.builder()
              .bootstrapServers(bootstrap).groupId("probe-" + topic).topics(topic).build())
              .openTelemetry(otel).errorPolicy(ErrorPolicy.failFast()).build(),
          WorkerConfig.custom().ordering(Ordering.KEY).concurrency(64).virtualThreads(true).build(),
          r -> {
            Span current = Span.current();
            if (current instanceof ReadableSpan s && Long.valueOf(r.offset()).equals(s.getAttribute(offset))
                && s.getName().equals("process " + topic)) {
              matched.incrementAndGet();
            }
            if ((Boolean) isVirtual.invoke(Thread.currentThread())) {
              virtual.incrementAndGet();
            }
            Thread.sleep(1);
            handled.incrementAndGet();
          });
      engine.start();
      try {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> handled.get() >= expected);
      } catch (ConditionTimeoutException e) {
        // the PROBE line below reports how far it got; the test asserts on it
      }
      engine.close(Duration.ofSeconds(10));
    }
    System.out.println("PROBE handled=" + handled.get() + " matched=" + matched.get() + " virtual=" + virtual.get());
  }
}
