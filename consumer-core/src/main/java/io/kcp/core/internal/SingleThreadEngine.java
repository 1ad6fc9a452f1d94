package io.kcp.core.internal;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineStartException;
import io.kcp.core.EngineState;
import io.kcp.core.MissingTopicPolicy;
import io.kcp.core.OffsetLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop every strategy shares: one thread owns one consumer, polls, hands records to a
 * {@link RecordProcessor} in order, and commits through an {@link OffsetLedger} only what
 * finished. Everything that touches the consumer or the ledger runs on the engine's thread; other
 * threads only flip {@code closing}, call {@code wakeup()} and read counters.
 *
 * <p>The consumer-per-thread strategy runs N of these in one group; the worker strategy's poll
 * thread extends the same loop with a dispatcher.
 */
public final class SingleThreadEngine implements ConsumerEngine {
  private static final Logger LOG = LoggerFactory.getLogger(SingleThreadEngine.class);
  private static final long SAMPLE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ConsumerSettings settings;
  private final RecordProcessor processor;
  private final ConsumerFactory consumerFactory;
  private final EngineOptions options;
  private final long commitIntervalNanos;
  private final LongSupplier nanoTime;
  private final OffsetLedger ledger;

  private final AtomicReference<EngineState> state = new AtomicReference<>(EngineState.NEW);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong commitFailures = new AtomicLong();
  private final AtomicLong commitNanosTotal = new AtomicLong();
  private final AtomicLong commitNanosMax = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Boolean> assigned = new ConcurrentHashMap<>();

  private volatile Consumer<byte[], byte[]> consumer;
  private volatile Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
  private volatile int topicPartitions;
  private volatile Map<TopicPartition, Long> recordsLag = Map.of();
  private Thread thread;
  // poll-thread state
  private boolean asyncCommitPending;
  private long lastCommitNanos;
  private long finishedSinceCommit;
  private long lastSampleNanos;

  public SingleThreadEngine(
      ConsumerSettings settings,
      RecordProcessor processor,
      ConsumerFactory consumerFactory,
      EngineOptions options,
      LongSupplier nanoTime,
      OffsetLedger ledger) {
    this.settings = settings;
    this.processor = processor;
    this.consumerFactory = consumerFactory;
    this.options = options;
    this.commitIntervalNanos = options.commitPolicy().interval().toNanos();
    this.nanoTime = nanoTime;
    this.ledger = ledger;
  }

  @Override
  public synchronized void start() {
    if (!state.compareAndSet(EngineState.NEW, EngineState.STARTING)) {
      throw new IllegalStateException("engine already started (state " + state.get() + ")");
    }
    try {
      consumer = consumerFactory.create(settings.toConsumerConfig());
    } catch (RuntimeException e) {
      fail(e);
      stopped.countDown();
      throw e;
    }
    thread = new Thread(this::run, options.threadName());
    thread.start();
  }

  private void run() {
    Consumer<byte[], byte[]> c = consumer;
    try {
      if (!awaitTopics(c)) {
        return;
      }
      c.subscribe(settings.topics(), new Listener());
      state.compareAndSet(EngineState.STARTING, EngineState.RUNNING);
      lastCommitNanos = nanoTime.getAsLong();
      while (!closing.get()) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(settings.pollTimeout());
        } catch (WakeupException e) {
          if (closing.get()) {
            break;
          }
          continue;
        }
        if (!handleBatch(c, records)) {
          break;
        }
        maybeCommit(c, false);
        sampleClientMetrics(c);
      }
    } catch (WakeupException e) {
      // close() woke us inside a commit or rebalance: fall through to the final commit
    } catch (RuntimeException e) {
      fail(e);
    } finally {
      finish(c);
    }
  }

  /**
   * Checks that every subscribed topic exists; returns false (engine failed or closing) if not.
   * Unreachable brokers fail within the startup timeout instead of retrying forever.
   */
  private boolean awaitTopics(Consumer<byte[], byte[]> c) {
    long deadline = nanoTime.getAsLong() + options.startupTimeout().toNanos();
    boolean warned = false;
    while (!closing.get()) {
      List<String> missing = new ArrayList<>();
      int partitions = 0;
      for (String topic : settings.topics()) {
        List<PartitionInfo> infos;
        try {
          long left = Math.max(1, deadline - nanoTime.getAsLong());
          infos = c.partitionsFor(topic, Duration.ofNanos(left));
        } catch (TimeoutException e) {
          fail(new EngineStartException(
              "cannot reach Kafka at " + settings.bootstrapServers() + " within "
                  + options.startupTimeout().toSeconds() + " s: is the broker running, and are"
                  + " bootstrapServers right?", e));
          return false;
        } catch (WakeupException e) {
          return false;
        }
        if (infos == null || infos.isEmpty()) {
          missing.add(topic);
        } else {
          partitions += infos.size();
        }
      }
      if (missing.isEmpty()) {
        topicPartitions = partitions;
        return true;
      }
      if (options.missingTopics() == MissingTopicPolicy.FAIL) {
        fail(new EngineStartException(
            "topic(s) " + missing + " do not exist on " + settings.bootstrapServers()
                + ": create them first, or use MissingTopicPolicy.WAIT to wait for them", null));
        return false;
      }
      if (!warned) {
        LOG.warn("waiting for topic(s) {} to exist on {}", missing, settings.bootstrapServers());
        warned = true;
      }
      deadline = nanoTime.getAsLong() + options.startupTimeout().toNanos();
      try {
        if (closeSignal.await(1, TimeUnit.SECONDS)) {
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** Handles a batch in order; returns false when the engine must stop. */
  private boolean handleBatch(Consumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (closing.get()) {
        return false; // the rest of the batch is not handed out, so not committed: redelivered later
      }
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      ledger.handOut(tp, record.offset());
      inFlight.incrementAndGet();
      try {
        processor.process(record);
      } catch (Exception e) {
        inFlight.decrementAndGet();
        failed.incrementAndGet();
        fail(new RecordFailedException(
            "handler failed on " + tp + " offset " + record.offset() + ": " + e, e));
        return false; // nothing past this record is committed
      }
      ledger.finish(tp, record.offset());
      inFlight.decrementAndGet();
      handled.incrementAndGet();
      if (++finishedSinceCommit >= options.commitPolicy().everyRecords()) {
        maybeCommit(c, true);
      }
    }
    return true;
  }

  /**
   * Commits what finished when the policy says so. When the record count forced it while an
   * asynchronous commit is still unanswered, commits synchronously: this keeps the finished but
   * uncommitted records (those handled again after a crash) below twice the count.
   */
  private void maybeCommit(Consumer<byte[], byte[]> c, boolean countReached) {
    long now = nanoTime.getAsLong();
    if (!countReached && now - lastCommitNanos < commitIntervalNanos) {
      return;
    }
    if (!countReached && asyncCommitPending) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable();
    lastCommitNanos = now;
    finishedSinceCommit = 0;
    if (offsets.isEmpty()) {
      return;
    }
    if (asyncCommitPending) {
      commitSync(c, offsets);
      return;
    }
    asyncCommitPending = true;
    long started = nanoTime.getAsLong();
    c.commitAsync(
        offsets,
        (done, error) -> {
          asyncCommitPending = false;
          if (error == null) {
            recordCommit(done, nanoTime.getAsLong() - started);
          } else {
            commitFailures.incrementAndGet();
            LOG.warn("async commit of {} failed: {}", offsets, error.toString());
          }
        });
  }

  private void commitSync(Consumer<byte[], byte[]> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) {
      return;
    }
    long started = nanoTime.getAsLong();
    try {
      try {
        c.commitSync(offsets, closeTimeout);
      } catch (WakeupException e) {
        c.commitSync(offsets, closeTimeout); // close() raced us; the wakeup is consumed now
      }
      recordCommit(offsets, nanoTime.getAsLong() - started);
    } catch (RuntimeException e) {
      commitFailures.incrementAndGet();
      LOG.warn("commit of {} failed: {}", offsets, e.toString());
    }
  }

  private void recordCommit(Map<TopicPartition, OffsetAndMetadata> offsets, long nanos) {
    ledger.markCommitted(offsets);
    offsets.forEach((tp, om) -> committed.merge(tp, om.offset(), Math::max));
    commits.incrementAndGet();
    commitNanosTotal.addAndGet(nanos);
    commitNanosMax.accumulateAndGet(nanos, Math::max);
  }

  /** Copies the client's {@code records-lag} per partition, about once a second (poll thread). */
  private void sampleClientMetrics(Consumer<byte[], byte[]> c) {
    long now = nanoTime.getAsLong();
    if (now - lastSampleNanos < SAMPLE_EVERY_NANOS) {
      return;
    }
    lastSampleNanos = now;
    Map<TopicPartition, Long> lag = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : c.metrics().entrySet()) {
      MetricName name = e.getKey();
      if (!name.name().equals("records-lag")
          || !name.group().equals("consumer-fetch-manager-metrics")) {
        continue;
      }
      String topic = name.tags().get("topic");
      String partition = name.tags().get("partition");
      Object value = e.getValue().metricValue();
      if (topic != null && partition != null && value instanceof Number) {
        double v = ((Number) value).doubleValue();
        if (!Double.isNaN(v) && v >= 0) {
          lag.put(new TopicPartition(topic, Integer.parseInt(partition)), Math.round(v));
        }
      }
    }
    recordsLag = Map.copyOf(lag);
  }

  private void finish(Consumer<byte[], byte[]> c) {
    try {
      commitSync(c, ledger.committable());
    } finally {
      try {
        c.close(closeTimeout);
      } catch (RuntimeException e) {
        LOG.warn("closing the consumer failed: {}", e.toString());
      }
      assigned.clear();
      recordsLag = Map.of();
      state.getAndUpdate(s -> s == EngineState.FAILED ? s : EngineState.CLOSED);
      stopped.countDown();
    }
  }

  private void fail(Throwable e) {
    failure.compareAndSet(null, e);
    state.set(EngineState.FAILED);
    LOG.error("{}: {}", options.threadName(), e.getMessage());
  }

  @Override
  public void close(Duration timeout) {
    EngineState s = state.get();
    if (s == EngineState.NEW) {
      state.compareAndSet(EngineState.NEW, EngineState.CLOSED);
      return;
    }
    closeTimeout = timeout;
    if (closing.compareAndSet(false, true)) {
      state.getAndUpdate(x -> x.isTerminal() ? x : EngineState.CLOSING);
      closeSignal.countDown();
      Consumer<byte[], byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    }
    if (Thread.currentThread() == thread) {
      return; // called from the handler: the loop stops after this record
    }
    try {
      if (!stopped.await(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
        LOG.warn("{} did not stop within {}", options.threadName(), timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public EngineState state() {
    return state.get();
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public EngineMetrics metrics() {
    long n = commits.get();
    EngineState s = state.get();
    int assignedNow = assigned.size();
    boolean running = s == EngineState.RUNNING;
    return new EngineMetrics(
        handled.get(),
        failed.get(),
        inFlight.get(),
        n,
        commitFailures.get(),
        n == 0 ? 0 : commitNanosTotal.get() / 1e6 / n,
        commitNanosMax.get() / 1e6,
        1,
        running && assignedNow == 0 ? 1 : 0,
        0,
        topicPartitions,
        assignedNow,
        new HashMap<>(committed),
        recordsLag);
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Runs inside poll() on the engine thread: nothing is in flight between records.
      commitSync(consumer, ledger.revoke(partitions));
      partitions.forEach(assigned::remove);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitions.forEach(tp -> assigned.put(tp, Boolean.TRUE));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      ledger.forget(partitions); // someone else may own them already: commit nothing
      partitions.forEach(assigned::remove);
    }
  }
}
