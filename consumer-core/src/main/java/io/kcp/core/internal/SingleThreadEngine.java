package io.kcp.core.internal;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerFactory;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineState;
import io.kcp.core.OffsetLedger;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread polls and handles records in order; offsets go through an {@link OffsetLedger} and
 * are committed only once finished. Everything that touches the consumer or the ledger runs on
 * the engine's thread; other threads only flip {@code closing}, call {@code wakeup()} and read
 * counters.
 */
public final class SingleThreadEngine implements ConsumerEngine {
  private static final Logger LOG = LoggerFactory.getLogger(SingleThreadEngine.class);

  private final ConsumerSettings settings;
  private final RecordProcessor processor;
  private final ConsumerFactory consumerFactory;
  private final long commitIntervalNanos;
  private final LongSupplier nanoTime;
  private final OffsetLedger ledger;

  private final AtomicReference<EngineState> state = new AtomicReference<>(EngineState.NEW);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong commitFailures = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Boolean> assigned = new ConcurrentHashMap<>();

  private volatile Consumer<byte[], byte[]> consumer;
  private volatile Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
  private Thread thread;
  private boolean asyncCommitPending;
  private long lastCommitNanos;

  public SingleThreadEngine(
      ConsumerSettings settings,
      RecordProcessor processor,
      ConsumerFactory consumerFactory,
      Duration commitInterval,
      LongSupplier nanoTime,
      OffsetLedger ledger) {
    this.settings = settings;
    this.processor = processor;
    this.consumerFactory = consumerFactory;
    this.commitIntervalNanos = commitInterval.toNanos();
    this.nanoTime = nanoTime;
    this.ledger = ledger;
  }

  @Override
  public synchronized void start() {
    if (!state.compareAndSet(EngineState.NEW, EngineState.STARTING)) {
      throw new IllegalStateException("engine already started (state " + state.get() + ")");
    }
    consumer = consumerFactory.create(settings.toConsumerConfig());
    thread = new Thread(this::run, "kcp-single-" + settings.groupId());
    thread.setDaemon(false);
    thread.start();
  }

  private void run() {
    Consumer<byte[], byte[]> c = consumer;
    try {
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
        if (!handleBatch(records)) {
          break;
        }
        maybeCommitAsync(c);
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
  private boolean handleBatch(ConsumerRecords<byte[], byte[]> records) {
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
        fail(
            new RecordFailedException(
                "handler failed on " + tp + " offset " + record.offset() + ": " + e, e));
        return false; // nothing past this record is committed
      }
      ledger.finish(tp, record.offset());
      inFlight.decrementAndGet();
      handled.incrementAndGet();
    }
    return true;
  }

  private void maybeCommitAsync(Consumer<byte[], byte[]> c) {
    long now = nanoTime.getAsLong();
    if (asyncCommitPending || now - lastCommitNanos < commitIntervalNanos) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable();
    lastCommitNanos = now;
    if (offsets.isEmpty()) {
      return;
    }
    asyncCommitPending = true;
    c.commitAsync(
        offsets,
        (done, error) -> {
          asyncCommitPending = false;
          if (error == null) {
            recordCommit(done);
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
    try {
      try {
        c.commitSync(offsets, closeTimeout);
      } catch (WakeupException e) {
        c.commitSync(offsets, closeTimeout); // close() raced us; the wakeup is consumed now
      }
      recordCommit(offsets);
    } catch (RuntimeException e) {
      commitFailures.incrementAndGet();
      LOG.warn("commit of {} failed: {}", offsets, e.toString());
    }
  }

  private void recordCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    ledger.markCommitted(offsets);
    offsets.forEach((tp, om) -> committed.merge(tp, om.offset(), Math::max));
    commits.incrementAndGet();
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
      state.getAndUpdate(s -> s == EngineState.FAILED ? s : EngineState.CLOSED);
      stopped.countDown();
    }
  }

  private void fail(Throwable e) {
    failure.compareAndSet(null, e);
    state.set(EngineState.FAILED);
    LOG.error("engine for group {} failed: {}", settings.groupId(), e.toString());
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
        LOG.warn("engine for group {} did not stop within {}", settings.groupId(), timeout);
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
    return new EngineMetrics(
        handled.get(),
        failed.get(),
        inFlight.get(),
        commits.get(),
        commitFailures.get(),
        assigned.size(),
        new HashMap<>(committed));
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
