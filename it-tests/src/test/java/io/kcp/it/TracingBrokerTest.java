package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.ProducerContext;
import io.kcp.core.RecordHandler;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Spans and metrics through the OpenTelemetry SDK's in-memory exporters, on a real broker, for
 * both strategies and both ways of relating to the producer's context: one {@code process <topic>}
 * span per attempt with the messaging attributes, child of (or only linked to) the producer span
 * from the record's {@code traceparent}, current inside the handler; a failed attempt with
 * {@code error.type} and the retry as attempt 2; one {@code commit <topic>} span per commit; for a
 * share group, the broker's delivery count as the attempt and an {@code acknowledge <topic>} settle
 * span per batch.
 */
@ExtendWith(SharedBroker.class)
class TracingBrokerTest {
  static final int RECORDS = 300;

  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OP_TYPE = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OP_NAME = AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("kcp.attempt");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** What the handler saw: the current span's context per partition/offset/attempt. */
  record Seen(int partition, long offset, SpanContext current, String traceparent) {}

  static SpanContext fromTraceparent(String tp) {
    String[] p = tp.split("-");
    return SpanContext.createFromRemoteParent(p[1], p[2], io.opentelemetry.api.trace.TraceFlags.getSampled(),
        io.opentelemetry.api.trace.TraceState.getDefault());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"PARTITION, PARENT", "PARTITION, LINK", "WORKER_KEY, PARENT", "WORKER_KEY, LINK"})
  void spansAndMetricsFollowTheMessagingConventions(Engines strategy, ProducerContext mode, KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("traced");
    String group = SharedBroker.uniqueName("traced-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(RECORDS).keys(30).traceparent(true).run();

    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    Map<String, Seen> seen = new ConcurrentHashMap<>(); // "p/offset/attempt" -> what the handler saw
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    RecordHandler<String, String> handler = r -> {
      Header h = r.headers().lastHeader("traceparent");
      String tp = new String(h.value(), StandardCharsets.UTF_8);
      int attempt = failedOnce.contains(r.partition() + "/" + r.offset()) ? 2 : 1;
      seen.put(r.partition() + "/" + r.offset() + "/" + attempt,
          new Seen(r.partition(), r.offset(), Span.current().getSpanContext(), tp));
      if (r.offset() == 5 && failedOnce.add(r.partition() + "/" + r.offset())) {
        throw new IllegalStateException("first attempt fails");
      }
    };
    ConsumerEngine engine = strategy.build(
        ConsumerSettings.builder().bootstrapServers(kafka.bootstrapServers()).groupId(group).topics(topic).build(),
        new org.apache.kafka.common.serialization.StringDeserializer(), handler,
        ErrorPolicy.builder().backoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(100)).build(), otel, mode);
    engine.start();
    Map<TopicPartition, Long> end = TestClients.endOffsets(kafka.bootstrapServers(), topic);
    try {
      await().atMost(Duration.ofSeconds(60)).until(
          () -> TestClients.committed(kafka.bootstrapServers(), group).equals(end));
    } finally {
      engine.close(Duration.ofSeconds(20));
    }
    otel.getSdkTracerProvider().forceFlush();

    List<SpanData> process = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().startsWith("process")).collect(Collectors.toList());
    List<SpanData> commits = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().startsWith("commit")).collect(Collectors.toList());
    int failures = failedOnce.size();
    assertThat(failures).isEqualTo(3); // offset 5 of each partition
    assertThat(process).hasSize(RECORDS + failures);

    Map<String, SpanData> byAttempt = new HashMap<>();
    for (SpanData s : process) {
      assertThat(s.getName()).isEqualTo("process " + topic);
      assertThat(s.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(s.getAttributes().get(SYSTEM)).isEqualTo("kafka");
      assertThat(s.getAttributes().get(OP_TYPE)).isEqualTo("process");
      assertThat(s.getAttributes().get(OP_NAME)).isEqualTo("process");
      assertThat(s.getAttributes().get(DESTINATION)).isEqualTo(topic);
      assertThat(s.getAttributes().get(GROUP)).isEqualTo(group);
      assertThat(s.getAttributes().get(KEY)).startsWith("k-");
      String id = s.getAttributes().get(PARTITION) + "/" + s.getAttributes().get(OFFSET) + "/"
          + s.getAttributes().get(ATTEMPT);
      assertThat(byAttempt.put(id, s)).as("one span per attempt: " + id).isNull();
      Seen in = seen.get(id);
      assertThat(in).as("the handler ran for " + id).isNotNull();
      // the span is current inside the handler
      assertThat(in.current()).isEqualTo(s.getSpanContext());
      SpanContext producer = fromTraceparent(in.traceparent());
      assertThat(s.getLinks()).anySatisfy(l -> {
        assertThat(l.getSpanContext().getTraceId()).isEqualTo(producer.getTraceId());
        assertThat(l.getSpanContext().getSpanId()).isEqualTo(producer.getSpanId());
      });
      if (mode == ProducerContext.PARENT) {
        assertThat(s.getTraceId()).isEqualTo(producer.getTraceId());
        assertThat(s.getParentSpanId()).isEqualTo(producer.getSpanId());
      } else {
        assertThat(s.getParentSpanContext().isValid()).isFalse();
        assertThat(s.getTraceId()).isNotEqualTo(producer.getTraceId());
      }
    }
    for (String failed : failedOnce) {
      SpanData first = byAttempt.get(failed + "/1");
      SpanData retry = byAttempt.get(failed + "/2");
      assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(first.getAttributes().get(ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
      assertThat(first.getEvents()).extracting(EventData::getName).contains("exception");
      assertThat(retry.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
      if (mode == ProducerContext.PARENT) {
        assertThat(retry.getTraceId()).isEqualTo(first.getTraceId()); // both in the producer's trace
      }
    }

    // one commit span per commit, each with its outcome and offsets
    assertThat(commits).hasSize((int) (engine.metrics().commits() + engine.metrics().commitFailures()));
    Map<String, Long> lastCommitted = new HashMap<>();
    for (SpanData c : commits) {
      assertThat(c.getName()).isEqualTo("commit " + topic);
      assertThat(c.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(c.getAttributes().get(OP_TYPE)).isEqualTo("settle");
      assertThat(c.getAttributes().get(OP_NAME)).isEqualTo("commit");
      assertThat(c.getAttributes().get(GROUP)).isEqualTo(group);
      assertThat(c.getEvents()).isNotEmpty().allSatisfy(e -> assertThat(e.getName()).isEqualTo("kcp.commit.offset"));
      for (EventData e : c.getEvents()) {
        lastCommitted.merge(e.getAttributes().get(PARTITION), e.getAttributes().get(OFFSET), Math::max);
      }
    }
    Map<String, Long> expected = new HashMap<>();
    end.forEach((tp, o) -> expected.put(Integer.toString(tp.partition()), o));
    assertThat(lastCommitted).isEqualTo(expected);

    // metrics: one duration per attempt, one consumed message per record
    Map<String, MetricData> byName = metrics.collectAllMetrics().stream()
        .collect(Collectors.toMap(MetricData::getName, m -> m));
    long durations = byName.get("messaging.process.duration").getHistogramData().getPoints().stream()
        .mapToLong(p -> p.getCount()).sum();
    long consumed = byName.get("messaging.client.consumed.messages").getLongSumData().getPoints().stream()
        .mapToLong(p -> p.getValue()).sum();
    long retries = byName.get("kcp.consumer.retries").getLongSumData().getPoints().stream()
        .mapToLong(p -> p.getValue()).sum();
    assertThat(durations).isEqualTo(RECORDS + failures);
    assertThat(consumed).isGreaterThanOrEqualTo(RECORDS); // a rebalance may deliver a record twice
    assertThat(retries).isEqualTo(failures);
    assertThat(byName).containsKeys("kcp.consumer.commit.duration", "kcp.consumer.in_flight");
    otel.close();
  }

  @org.junit.jupiter.api.Test
  void aShareGroupsSpansCarryTheDeliveryCountAndItsAcknowledgementsAreSettleSpans(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("traced-share");
    String group = SharedBroker.uniqueName("traced-share-group");
    int records = 100;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(2).records(records).keys(10).traceparent(true).run();
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    Set<String> handled = ConcurrentHashMap.newKeySet();
    io.kcp.share.ShareStrategyEngine engine = io.kcp.share.ShareStrategy.of(
        io.kcp.core.EngineConfig.custom(ConsumerSettings.builder().bootstrapServers(kafka.bootstrapServers())
            .groupId(group).topics(topic).build()).openTelemetry(otel).build(),
        io.kcp.share.ShareConfig.custom().members(1).concurrency(4).startFrom("earliest").build(), r -> {
          if (r.offset() == 5 && failedOnce.add(r.partition() + "/" + r.offset())) {
            throw new IllegalStateException("first delivery fails");
          }
          handled.add(r.partition() + "/" + r.offset());
        });
    engine.start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> engine.shareMetrics().accepted() == records);
    } finally {
      engine.close(Duration.ofSeconds(10));
    }
    otel.getSdkTracerProvider().forceFlush();
    List<SpanData> process = spans.getFinishedSpanItems().stream()
        .filter(sp -> sp.getName().startsWith("process")).collect(Collectors.toList());
    List<SpanData> acks = spans.getFinishedSpanItems().stream()
        .filter(sp -> sp.getName().startsWith("acknowledge")).collect(Collectors.toList());
    assertThat(failedOnce).hasSize(2);
    assertThat(process).hasSize(records + 2);
    for (String failed : failedOnce) { // delivered twice: attempts 1 and 2 are the broker's delivery counts
      String[] po = failed.split("/");
      assertThat(process).filteredOn(sp -> sp.getAttributes().get(PARTITION).equals(po[0])
              && sp.getAttributes().get(OFFSET) == Long.parseLong(po[1]))
          .extracting(sp -> sp.getAttributes().get(ATTEMPT)).containsExactlyInAnyOrder(1L, 2L);
    }
    long accepted = 0;
    long released = 0;
    for (SpanData a : acks) {
      assertThat(a.getName()).isEqualTo("acknowledge " + topic);
      assertThat(a.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(a.getAttributes().get(OP_TYPE)).isEqualTo("settle");
      assertThat(a.getAttributes().get(OP_NAME)).isEqualTo("acknowledge");
      assertThat(a.getAttributes().get(GROUP)).isEqualTo(group);
      for (String c : a.getAttributes().get(AttributeKey.stringArrayKey("kcp.acknowledgements"))) {
        long n = Long.parseLong(c.substring(c.indexOf('=') + 1));
        accepted += c.startsWith("ACCEPT=") ? n : 0;
        released += c.startsWith("RELEASE=") ? n : 0;
      }
    }
    assertThat(accepted).isEqualTo(records);
    assertThat(released).isEqualTo(2);
    assertThat(handled).hasSize(records);
    otel.close();
  }
}
