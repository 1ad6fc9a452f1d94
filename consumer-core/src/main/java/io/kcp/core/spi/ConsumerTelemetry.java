package io.kcp.core.spi;

import io.kcp.core.ProducerContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Spans and metrics of a consumer engine, named by the OpenTelemetry messaging semantic
 * conventions, through the OpenTelemetry <em>API</em> only (the application or {@code kcp} brings
 * the SDK; the default is no-op and costs next to nothing).
 *
 * <ul>
 *   <li>A span per handler attempt, {@code process <topic>}, kind CONSUMER, with {@code
 *       messaging.system=kafka}, {@code messaging.operation.type=process}, {@code
 *       messaging.operation.name=process}, {@code messaging.destination.name}, {@code
 *       messaging.destination.partition.id} (a string), {@code messaging.consumer.group.name},
 *       {@code messaging.kafka.offset}, {@code messaging.kafka.message.key} (when the key is
 *       UTF-8 text) and {@code kcp.attempt} (1 for the first attempt). It links to the producer's
 *       context from the record's W3C {@code traceparent} header, and has it as parent unless
 *       {@link ProducerContext#LINK}. A failed attempt has status ERROR, {@code error.type} and
 *       the exception as an event. The handler runs inside it: {@code Context.current()} is this
 *       span.
 *   <li>A span per offset commit, {@code commit <topic>} ({@code commit} when several topics),
 *       kind CLIENT, {@code messaging.operation.type=settle}, {@code
 *       messaging.operation.name=commit}, {@code kcp.commit.sync}, the offsets as {@code
 *       kcp.commit.offsets} ({@code ["orders-0=42", …]}) and as one {@code kcp.commit.offset}
 *       event per partition ({@code messaging.destination.partition.id}, {@code
 *       messaging.kafka.offset}), and its outcome (status, {@code error.type}).
 *   <li>Metrics: {@code messaging.process.duration} (s), {@code
 *       messaging.client.consumed.messages}, {@code kcp.consumer.in_flight}, {@code
 *       kcp.consumer.paused_partitions}, {@code kcp.consumer.retries}, {@code
 *       kcp.consumer.dead_lettered}, {@code kcp.consumer.commit.duration} (s).
 * </ul>
 *
 * Thread-safe; one per engine, shared by its threads.
 */
public final class ConsumerTelemetry {
  /** The instrumentation scope name. */
  public static final String SCOPE = "io.kcp.consumer";

  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");
  static final AttributeKey<Boolean> TOMBSTONE = AttributeKey.booleanKey("messaging.kafka.message.tombstone");
  static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("kcp.attempt");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Boolean> SYNC = AttributeKey.booleanKey("kcp.commit.sync");
  static final AttributeKey<List<String>> OFFSETS = AttributeKey.stringArrayKey("kcp.commit.offsets");
  static final AttributeKey<List<String>> ACKNOWLEDGEMENTS = AttributeKey.stringArrayKey("kcp.acknowledgements");

  private static final TextMapGetter<Headers> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
          List<String> keys = new ArrayList<>();
          for (Header h : carrier) {
            keys.add(h.key());
          }
          return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
          if (carrier == null) {
            return null;
          }
          Header h = carrier.lastHeader(key);
          return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
      };

  private final boolean enabled;
  private final String group;
  private final ProducerContext producerContext;
  private final Tracer tracer;
  private final DoubleHistogram processDuration;
  private final LongCounter consumed;
  private final LongUpDownCounter inFlight;
  private final LongUpDownCounter paused;
  private final LongCounter retries;
  private final LongCounter deadLettered;
  private final DoubleHistogram commitDuration;
  private final Attributes base;
  private final Map<TopicPartition, Attributes> perPartition = new ConcurrentHashMap<>();

  /**
   * Bucket boundaries (seconds) advised for the duration histograms: the messaging semantic
   * conventions' (5 ms to 10 s) below which 1 ms and 2.5 ms are added, since a record often takes
   * less than 5 ms. The SDK's defaults (0, 5, 10, 25 … in the unit, seconds) would put every
   * attempt below 5 s into one bucket and make a p99 meaningless. An SDK view still overrides them.
   */
  public static final List<Double> DURATION_BUCKETS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1,
      0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private ConsumerTelemetry(OpenTelemetry otel, String group, ProducerContext producerContext) {
    this.enabled = otel != OpenTelemetry.noop();
    this.group = Objects.requireNonNull(group, "group");
    this.producerContext = Objects.requireNonNull(producerContext, "producerContext");
    this.tracer = otel.getTracer(SCOPE);
    Meter meter = otel.getMeter(SCOPE);
    this.processDuration = meter.histogramBuilder("messaging.process.duration")
        .setUnit("s").setDescription("Duration of processing one record (one handler attempt)")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    this.consumed = meter.counterBuilder("messaging.client.consumed.messages")
        .setUnit("{message}").setDescription("Records delivered to the engine by poll()").build();
    this.inFlight = meter.upDownCounterBuilder("kcp.consumer.in_flight")
        .setUnit("{message}").setDescription("Records handed out and not finished yet").build();
    this.paused = meter.upDownCounterBuilder("kcp.consumer.paused_partitions")
        .setUnit("{partition}").setDescription("Partitions paused (backpressure, retry or open breaker)").build();
    this.retries = meter.counterBuilder("kcp.consumer.retries")
        .setUnit("{attempt}").setDescription("Handler attempts scheduled again after a failure").build();
    this.deadLettered = meter.counterBuilder("kcp.consumer.dead_lettered")
        .setUnit("{message}").setDescription("Records written to the dead-letter topic").build();
    this.commitDuration = meter.histogramBuilder("kcp.consumer.commit.duration")
        .setUnit("s").setDescription("Offset commit latency").setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    this.base = Attributes.of(SYSTEM, "kafka", GROUP, group);
  }

  /** Telemetry through this OpenTelemetry instance. */
  public static ConsumerTelemetry create(OpenTelemetry otel, String group, ProducerContext producerContext) {
    return new ConsumerTelemetry(Objects.requireNonNull(otel, "otel"), group, producerContext);
  }

  /** No spans, no metrics. */
  public static ConsumerTelemetry noop(String group) {
    return new ConsumerTelemetry(OpenTelemetry.noop(), group, ProducerContext.PARENT);
  }

  /** The consumer group the attributes name. */
  public String group() {
    return group;
  }

  private Attributes attributes(TopicPartition tp) {
    return perPartition.computeIfAbsent(tp, k -> base.toBuilder()
        .put(DESTINATION, k.topic())
        .put(PARTITION, Integer.toString(k.partition()))
        .build());
  }

  /** The producer's span context from the record's {@code traceparent} header (invalid if none). */
  public static SpanContext producerContext(Headers headers) {
    Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
    return Span.fromContext(extracted).getSpanContext();
  }

  /** Starts the span of one handler attempt (not current yet: call {@code makeCurrent()}). */
  public Span startProcess(ConsumerRecord<byte[], byte[]> raw, int attempt) {
    if (!enabled) {
      return Span.getInvalid();
    }
    SpanBuilder b = tracer.spanBuilder("process " + raw.topic())
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(SYSTEM, "kafka")
        .setAttribute(OPERATION_TYPE, "process")
        .setAttribute(OPERATION_NAME, "process")
        .setAttribute(DESTINATION, raw.topic())
        .setAttribute(PARTITION, Integer.toString(raw.partition()))
        .setAttribute(GROUP, group)
        .setAttribute(OFFSET, raw.offset())
        .setAttribute(ATTEMPT, (long) attempt);
    String key = utf8(raw.key());
    if (key != null) {
      b.setAttribute(KEY, key);
    }
    if (raw.value() == null) {
      b.setAttribute(TOMBSTONE, true);
    } else {
      b.setAttribute(BODY_SIZE, (long) raw.value().length);
    }
    SpanContext producer = producerContext(raw.headers());
    if (producer.isValid()) {
      b.addLink(producer);
      if (producerContext == ProducerContext.PARENT) {
        b.setParent(Context.root().with(Span.wrap(producer)));
      } else {
        b.setNoParent();
      }
    } else {
      b.setNoParent();
    }
    return b.startSpan();
  }

  /** Ends an attempt's span and records its duration. */
  public void endProcess(Span span, TopicPartition tp, long nanos, Throwable error) {
    if (!enabled) {
      return; // the span is the invalid one and the histogram a no-op: skip the attribute lookup
    }
    Attributes a = attributes(tp);
    if (error != null) {
      String type = error.getClass().getName();
      span.setAttribute(ERROR_TYPE, type);
      span.recordException(error);
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      a = a.toBuilder().put(ERROR_TYPE, type).build();
    }
    span.end();
    processDuration.record(nanos / 1e9, a);
  }

  /** Counts records delivered by poll. */
  public void consumed(TopicPartition tp, int count) {
    if (enabled && count > 0) {
      consumed.add(count, attributes(tp));
    }
  }

  /** Changes the in-flight gauge. */
  public void inFlight(TopicPartition tp, int delta) {
    if (enabled) {
      inFlight.add(delta, attributes(tp));
    }
  }

  /** Changes the paused-partitions gauge. */
  public void paused(int delta) {
    if (enabled && delta != 0) {
      paused.add(delta, base);
    }
  }

  /** Counts a scheduled retry. */
  public void retried(TopicPartition tp) {
    if (enabled) {
      retries.add(1, attributes(tp));
    }
  }

  /** Counts a dead-lettered record. */
  public void deadLettered(TopicPartition tp) {
    if (enabled) {
      deadLettered.add(1, attributes(tp));
    }
  }

  /** Starts the span of one commit. */
  public Span startCommit(Map<TopicPartition, OffsetAndMetadata> offsets, boolean sync) {
    if (!enabled) {
      return Span.getInvalid();
    }
    Set<String> topics = new TreeSet<>();
    offsets.keySet().forEach(tp -> topics.add(tp.topic()));
    String topic = topics.size() == 1 ? topics.iterator().next() : null;
    SpanBuilder b = tracer.spanBuilder(topic == null ? "commit" : "commit " + topic)
        .setSpanKind(SpanKind.CLIENT)
        .setNoParent()
        .setAttribute(SYSTEM, "kafka")
        .setAttribute(OPERATION_TYPE, "settle")
        .setAttribute(OPERATION_NAME, "commit")
        .setAttribute(GROUP, group)
        .setAttribute(SYNC, sync);
    if (topic != null) {
      b.setAttribute(DESTINATION, topic);
    }
    List<Map.Entry<TopicPartition, OffsetAndMetadata>> sorted = sortedEntries(offsets);
    List<String> summary = new ArrayList<>();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : sorted) {
      summary.add(e.getKey() + "=" + e.getValue().offset());
    }
    b.setAttribute(OFFSETS, summary);
    Span span = b.startSpan();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : sorted) {
      span.addEvent("kcp.commit.offset", Attributes.of(
          DESTINATION, e.getKey().topic(),
          PARTITION, Integer.toString(e.getKey().partition()),
          OFFSET, e.getValue().offset()));
    }
    return span;
  }

  private static List<Map.Entry<TopicPartition, OffsetAndMetadata>> sortedEntries(
      Map<TopicPartition, OffsetAndMetadata> offsets) {
    List<Map.Entry<TopicPartition, OffsetAndMetadata>> list = new ArrayList<>(offsets.entrySet());
    list.sort((a, b) -> {
      int c = a.getKey().topic().compareTo(b.getKey().topic());
      return c != 0 ? c : Integer.compare(a.getKey().partition(), b.getKey().partition());
    });
    return list;
  }

  /**
   * Starts the span of one acknowledgement of a share group's records: a {@code settle} operation
   * named {@code acknowledge <topic>}, with how many records of each type it settles (e.g. {@code
   * ACCEPT=498, RELEASE=2}). End it with {@link #endCommit}.
   */
  public Span startAcknowledge(String topic, Map<String, Integer> countsByType) {
    if (!enabled) {
      return Span.getInvalid();
    }
    SpanBuilder b = tracer.spanBuilder("acknowledge " + topic)
        .setSpanKind(SpanKind.CLIENT)
        .setNoParent()
        .setAttribute(SYSTEM, "kafka")
        .setAttribute(OPERATION_TYPE, "settle")
        .setAttribute(OPERATION_NAME, "acknowledge")
        .setAttribute(GROUP, group)
        .setAttribute(DESTINATION, topic);
    List<String> summary = new ArrayList<>();
    countsByType.forEach((type, n) -> summary.add(type + "=" + n));
    b.setAttribute(ACKNOWLEDGEMENTS, summary);
    return b.startSpan();
  }

  /** Ends a commit's span with its outcome and records its latency. */
  public void endCommit(Span span, long nanos, Throwable error) {
    if (error != null) {
      span.setAttribute(ERROR_TYPE, error.getClass().getName());
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
    }
    span.end();
    if (enabled) {
      commitDuration.record(nanos / 1e9, error == null ? base
          : base.toBuilder().put(ERROR_TYPE, error.getClass().getName()).build());
    }
  }

  static String utf8(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
