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
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.StartupCheck;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

  private final EngineLifecycle life;
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final Map<TopicPartition, Boolean> assigned = new ConcurrentHashMap<>();

  private volatile Consumer<byte[], byte[]> consumer;
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
    this.life = new EngineLifecycle(options.threadName());
  }

  @Override
  public synchronized void start() {
    life.beginStart();
    try {
      consumer = consumerFactory.create(settings.toConsumerConfig());
    } catch (RuntimeException e) {
      life.fail(e);
      life.stopped();
      throw e;
    }
    thread = new Thread(this::run, options.threadName());
    life.pollThread(thread);
    thread.start();
  }

  private void run() {
    Consumer<byte[], byte[]> c = consumer;
    try {
      int partitions = StartupCheck.awaitTopics(
          c, settings, options.missingTopics(), options.startupTimeout(), life.closeSignal());
      if (partitions < 0) {
        return; // closed while waiting
      }
      topicPartitions = partitions;
      c.subscribe(settings.topics(), new Listener());
      life.running();
      while (!life.closing()) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(settings.pollTimeout());
        } catch (WakeupException e) {
          if (life.closing()) {
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
      life.fail(e);
    } finally {
      finish(c);
    }
  }

  /** Handles a batch in order; returns false when the engine must stop. */
  private boolean handleBatch(Consumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (life.closing()) {
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
        life.fail(new RecordFailedException(
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
      committer.commitAllSync(c, life.closeTimeout());
    } finally {
      try {
        c.close(life.closeTimeout());
      } catch (RuntimeException e) {
        LOG.warn("closing the consumer failed: {}", e.toString());
      }
      assigned.clear();
      recordsLag = Map.of();
      life.stopped();
    }
  }

  @Override
  public void close(Duration timeout) {
    life.close(timeout, () -> {
      Consumer<byte[], byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    });
  }

  @Override
  public EngineState state() {
    return life.state();
  }

  @Override
  public Optional<Throwable> failure() {
    return life.failure();
  }

  @Override
  public EngineMetrics metrics() {
    EngineState s = life.state();
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
      committer.commitSync(consumer, ledger.revoke(partitions), life.closeTimeout());
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
