package io.kcp.worker;

import io.kcp.core.CommitPolicy;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.InvalidSettingsException;
import io.kcp.core.MissingTopicPolicy;
import io.kcp.core.RecordHandler;
import io.kcp.core.SingleThreadConsumer;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.ProducerContext;
import io.kcp.core.spi.RecordDecoder;
import io.kcp.core.spi.RecordRunner;
import io.opentelemetry.api.OpenTelemetry;
import io.kcp.worker.internal.WorkerConfig;
import io.kcp.worker.internal.Workers;
import io.kcp.worker.wiring.WorkerWiring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The multi worker thread strategy (멀티 워커 스레드 전략): one thread polls, a pool of
 * {@code concurrency} workers handles the records — so a slow handler scales past the partition
 * count.
 *
 * <pre>{@code
 * WorkerStrategyEngine engine = WorkerStrategy.builder(settings)
 *     .ordering(Ordering.KEY)
 *     .concurrency(64)
 *     .handler(record -> callSlowService(record))
 *     .build();
 * engine.start();
 * }</pre>
 *
 * <p>The note warns of two caveats of this design: offsets committed before processing finished
 * (records lost on a crash or rebalance), and workers finishing at different speeds (records of a
 * partition or key handled out of order). {@link Ordering#NAIVE} has both, on purpose, to show
 * them; the other modes have neither: an offset is committed only when every earlier record of
 * its partition finished (the {@code OffsetLedger}), and {@link Ordering#PARTITION} / {@link
 * Ordering#KEY} never start a record before the previous one of its partition / key finished.
 *
 * <p>Backpressure: a partition whose backlog reaches {@code maxInFlightPerPartition} is paused,
 * and every partition while the total reaches {@code maxInFlight}; the poll thread keeps polling,
 * so memory stays bounded and the consumer stays in the group however slow the handler. On
 * revoke, the revoked partitions' queued records are dropped, their running ones get {@code
 * drainTimeout} to finish, and what finished is committed before the partitions move.
 */
public final class WorkerStrategy {
  /** Default workers. */
  public static final int DEFAULT_CONCURRENCY = 16;
  /** Default backlog per partition at which it is paused. */
  public static final int DEFAULT_MAX_IN_FLIGHT_PER_PARTITION = 1_000;
  /** Default records in flight over all partitions at which everything is paused. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
  /** Default time a revoke waits for the revoked partitions' running records. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private WorkerStrategy() {}

  /** A builder for records with {@code String} keys and values. */
  public static Builder<String, String> builder(ConsumerSettings settings) {
    return new Builder<>(settings, new StringDeserializer(), new StringDeserializer());
  }

  /** A builder with the given deserializers (called on the worker threads). */
  public static <K, V> Builder<K, V> builder(
      ConsumerSettings settings, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    return new Builder<>(settings, keyDeserializer, valueDeserializer);
  }

  /** Whether this runtime has virtual threads (Java 21+). */
  public static boolean virtualThreadsAvailable() {
    return Workers.virtualThreadsAvailable();
  }

  /**
   * Builds a {@link WorkerStrategyEngine}.
   *
   * @param <K> key type
   * @param <V> value type
   */
  public static final class Builder<K, V> {
    private final ConsumerSettings settings;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private RecordHandler<K, V> handler;
    private Ordering ordering = Ordering.KEY;
    private int concurrency = DEFAULT_CONCURRENCY;
    private boolean virtualThreads;
    private int maxInFlightPerPartition = DEFAULT_MAX_IN_FLIGHT_PER_PARTITION;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private CommitPolicy commitPolicy = CommitPolicy.DEFAULT;
    private MissingTopicPolicy missingTopics = MissingTopicPolicy.FAIL;
    private Duration startupTimeout = SingleThreadConsumer.DEFAULT_STARTUP_TIMEOUT;
    private ConsumerFactory consumerFactory = ConsumerFactory.kafka();
    private ErrorPolicy errorPolicy = ErrorPolicy.DEFAULT;
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private ProducerContext producerContext = ProducerContext.PARENT;

    private Builder(
        ConsumerSettings settings, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
      this.settings = Objects.requireNonNull(settings, "settings");
      this.keyDeserializer = Objects.requireNonNull(keyDeserializer, "keyDeserializer");
      this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
    }

    /** The business logic, called on a worker thread. */
    public Builder<K, V> handler(RecordHandler<K, V> handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** Which records may run at once (default {@link Ordering#KEY}). */
    public Builder<K, V> ordering(Ordering ordering) {
      this.ordering = Objects.requireNonNull(ordering, "ordering");
      return this;
    }

    /** Workers (default 16); may be far above the partition count. */
    public Builder<K, V> concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /** Virtual threads instead of a platform pool; needs a Java 21+ runtime (default off). */
    public Builder<K, V> virtualThreads(boolean virtualThreads) {
      this.virtualThreads = virtualThreads;
      return this;
    }

    /** Backlog at which a partition is paused (default 1,000); it resumes at half. */
    public Builder<K, V> maxInFlightPerPartition(int max) {
      this.maxInFlightPerPartition = max;
      return this;
    }

    /** Records in flight over all partitions at which all are paused (default 10,000). */
    public Builder<K, V> maxInFlight(int max) {
      this.maxInFlight = max;
      return this;
    }

    /** How long a revoke waits for the revoked partitions' running records (default 10 s). */
    public Builder<K, V> drainTimeout(Duration drainTimeout) {
      this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
      return this;
    }

    /** When finished offsets are committed (default {@link CommitPolicy#DEFAULT}). */
    public Builder<K, V> commitPolicy(CommitPolicy commitPolicy) {
      this.commitPolicy = Objects.requireNonNull(commitPolicy, "commitPolicy");
      return this;
    }

    /** What to do when a topic does not exist at start (default: fail). */
    public Builder<K, V> missingTopics(MissingTopicPolicy missingTopics) {
      this.missingTopics = Objects.requireNonNull(missingTopics, "missingTopics");
      return this;
    }

    /** How long to wait for the cluster at start (default 30 s). */
    public Builder<K, V> startupTimeout(Duration startupTimeout) {
      this.startupTimeout = Objects.requireNonNull(startupTimeout, "startupTimeout");
      return this;
    }

    /**
     * Retries, dead-letter topic and circuit breaker (default {@link ErrorPolicy#DEFAULT}). A
     * record waiting for its retry holds only its lane: its key in {@link Ordering#KEY} mode, its
     * partition in {@link Ordering#PARTITION} mode, nothing else in {@link Ordering#UNORDERED}
     * mode; no worker sleeps through a backoff.
     */
    public Builder<K, V> errorPolicy(ErrorPolicy errorPolicy) {
      this.errorPolicy = Objects.requireNonNull(errorPolicy, "errorPolicy");
      return this;
    }

    /** Where spans and metrics go (default no-op). */
    public Builder<K, V> openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /** Whether a process span is the producer span's child or only linked (default child). */
    public Builder<K, V> producerContext(ProducerContext producerContext) {
      this.producerContext = Objects.requireNonNull(producerContext, "producerContext");
      return this;
    }

    /** Where the raw consumer comes from; tests pass a {@code MockConsumer}. */
    public Builder<K, V> consumerFactory(ConsumerFactory consumerFactory) {
      this.consumerFactory = Objects.requireNonNull(consumerFactory, "consumerFactory");
      return this;
    }

    /**
     * Builds the engine (not started).
     *
     * @throws InvalidSettingsException listing every problem with its fix
     */
    public WorkerStrategyEngine build() {
      List<String> problems = new ArrayList<>();
      if (handler == null) {
        problems.add("handler is required: call .handler(record -> ...) with your business logic");
      }
      if (concurrency < 1) {
        problems.add("concurrency must be at least 1 (got " + concurrency + ")");
      }
      if (maxInFlightPerPartition < 1 || maxInFlight < 1) {
        problems.add("maxInFlightPerPartition and maxInFlight must be at least 1 (got "
            + maxInFlightPerPartition + " and " + maxInFlight + ")");
      }
      if (virtualThreads && !Workers.virtualThreadsAvailable()) {
        problems.add("virtualThreads needs a Java 21+ runtime; this one is Java "
            + Runtime.version().feature() + ": run on a newer JDK or remove .virtualThreads(true)");
      }
      if (drainTimeout.isNegative()) {
        problems.add("drainTimeout must not be negative (got " + drainTimeout + ")");
      }
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      RecordDecoder<K, V> decoder = new RecordDecoder<>(keyDeserializer, valueDeserializer);
      String name = "kcp-worker-" + settings.groupId();
      RecordRunner runner = RecordRunner.create(
          decoder,
          handler,
          errorPolicy,
          openTelemetry,
          producerContext,
          settings,
          name);
      WorkerConfig config = new WorkerConfig(ordering, concurrency, virtualThreads,
          maxInFlightPerPartition, maxInFlight, drainTimeout, commitPolicy, missingTopics,
          startupTimeout, name);
      return WorkerWiring.engine(settings, runner, consumerFactory, config);
    }
  }
}
