package io.kcp.core.internal;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineState;
import io.kcp.core.OffsetLedger;
import io.kcp.core.spi.ClientMetrics;
import io.kcp.core.spi.RecordProcessor;
import io.kcp.core.spi.Committer;
import io.kcp.core.spi.StartupCheck;
import java.time.Duration;
import java.util.Collection;
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
import org.apache.kafka.common.TopicPartition;
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
  private final LongSupplier nanoTime;
  private final OffsetLedger ledger;
  private final Committer committer;

  private final AtomicReference<EngineState> state = new AtomicReference<>(EngineState.NEW);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final Map<TopicPartition, Boolean> assigned = new ConcurrentHashMap<>();

  private volatile Consumer<byte[], byte[]> consumer;
  private volatile Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
  private volatile int topicPartitions;
  private volatile Map<TopicPartition, Long> recordsLag = Map.of();
  private Thread thread;
  private long lastSampleNanos; // poll thread

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
    this.nanoTime = nanoTime;
    this.ledger = ledger;
    this.committer = new Committer(ledger, options.commitPolicy(), nanoTime);
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
      int partitions = StartupCheck.awaitTopics(
          c, settings, options.missingTopics(), options.startupTimeout(), closeSignal);
      if (partitions < 0) {
        return; // closed while waiting
      }
      topicPartitions = partitions;
      c.subscribe(settings.topics(), new Listener());
      state.compareAndSet(EngineState.STARTING, EngineState.RUNNING);
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
        committer.maybeCommit(c);
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
      committer.recordFinished(c);
    }
    return true;
  }

  /** Copies the client's {@code records-lag} per partition, about once a second (poll thread). */
  private void sampleClientMetrics(Consumer<byte[], byte[]> c) {
    long now = nanoTime.getAsLong();
    if (now - lastSampleNanos < SAMPLE_EVERY_NANOS) {
      return;
    }
    lastSampleNanos = now;
    recordsLag = ClientMetrics.recordsLag(c);
  }

  private void finish(Consumer<byte[], byte[]> c) {
    try {
      committer.commitAllSync(c, closeTimeout);
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
    EngineState s = state.get();
    int assignedNow = assigned.size();
    boolean running = s == EngineState.RUNNING;
    return new EngineMetrics(
        handled.get(),
        failed.get(),
        inFlight.get(),
        committer.commits(),
        committer.failures(),
        committer.latencyAvgMillis(),
        committer.latencyMaxMillis(),
        1,
        running && assignedNow == 0 ? 1 : 0,
        0,
        topicPartitions,
        assignedNow,
        committer.committed(),
        recordsLag);
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Runs inside poll() on the engine thread: nothing is in flight between records.
      committer.commitSync(consumer, ledger.revoke(partitions), closeTimeout);
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
