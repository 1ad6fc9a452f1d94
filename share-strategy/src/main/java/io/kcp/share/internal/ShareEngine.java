package io.kcp.share.internal;

import io.kcp.core.EngineConfig;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineState;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.core.spi.Failures;
import io.kcp.core.spi.NanoClock;
import io.kcp.core.spi.RecordRunner;
import io.kcp.core.spi.Workers;
import io.kcp.share.ShareConfig;
import io.kcp.share.ShareConsumerFactory;
import io.kcp.share.ShareMetrics;
import io.kcp.share.ShareStrategyEngine;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N share consumers, each owned by one member thread, and one worker pool behind them. A member
 * polls a batch, hands its records to the workers, acknowledges each record as its worker reports
 * back (only the owning thread may call its consumer), renews the locks of records still running
 * at half the lock time, and polls again only when every record of the batch is acknowledged — a
 * share consumer in explicit mode refuses a poll before that, so the pool is batch-synchronous per
 * member, and the members keep it busy together.
 *
 * <p>The error policy maps onto acknowledgement: a failed attempt is RELEASEd and the broker
 * delivers the record again (its delivery count is the attempt number); when the deliveries reach
 * {@code maxAttempts} the record goes to the dead-letter topic and is ACCEPTed, or, without one, is
 * REJECTed (archived). A record waiting for an OPEN circuit breaker stays with its member (its
 * lock renewed) and no new batch is polled meanwhile.
 *
 * <p>Every way out goes through one life cycle: a failed member fails the engine, every member
 * then leaves its loop, releases what it has not finished, and closes its consumer; the last one
 * out stops the workers and ends the engine CLOSED or FAILED.
 */
public final class ShareEngine implements ShareStrategyEngine {
  private static final Logger LOG = LoggerFactory.getLogger(ShareEngine.class);
  /** The longest a member waits for a completion before it looks at its locks and its close. */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** The same while renewals are out: the client hands renewed records back only through a poll. */
  private static final long RENEW_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  /** The longest a batch's acknowledgement may take before the member goes on (and warns). */
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
  /** The lock time assumed when the consumer does not say (the broker's default). */
  private static final long DEFAULT_LOCK_MS = 30_000;
  /** The engine a worker thread is running a record for: a handler's close() must not wait. */
  private static final ThreadLocal<ShareEngine> WORKING_FOR = new ThreadLocal<>();

  private final EngineConfig config;
  private final ShareConfig share;
  private final String name;
  private final ShareConsumerFactory factory;
  private final RecordRunner runner;
  private final Workers workers;
  private final NanoClock clock;
  private final EngineLifecycle life;
  private final GroupSetup setup;
  private final Semaphore permits;
  private final int maxAttempts;
  private final List<Member> members = new ArrayList<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger stoppedMembers = new AtomicInteger();

  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong released = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong renewed = new AtomicLong();
  private final AtomicLong redelivered = new AtomicLong();
  private final AtomicLong ackFailures = new AtomicLong();
  private final AtomicLong settles = new AtomicLong();
  private final AtomicLong settleNanos = new AtomicLong();
  private final AtomicLong settleMaxNanos = new AtomicLong();

  private volatile ExecutorService executor;

  public ShareEngine(EngineConfig config, ShareConfig share, String name, ShareConsumerFactory factory,
      RecordRunner runner, Workers workers, NanoClock clock, EngineLifecycle life) {
    this.config = config;
    this.share = share;
    this.name = name;
    this.factory = factory;
    this.runner = runner;
    this.workers = workers;
    this.clock = clock;
    this.life = life;
    this.setup = new GroupSetup(config.settings(), config.missingTopics(), config.startupTimeout(), share.startFrom());
    this.permits = workers.bounded() ? null : new Semaphore(share.concurrency());
    this.maxAttempts = config.errorPolicy().maxAttempts();
  }

  @Override
  public synchronized void start() {
    life.beginStart();
    try {
      executor = workers.start(share.concurrency(), name);
      for (int i = 0; i < share.members(); i++) {
        members.add(new Member(i, factory.create(ShareSettings.consumerConfig(config, i))));
      }
    } catch (RuntimeException e) {
      life.fail(Failures.explain(e, ShareSettings.consumerConfig(config, members.size()),
          config.settings().topics()));
      for (Member m : members) {
        m.consumer.close(Duration.ZERO);
      }
      if (executor != null) {
        executor.shutdownNow();
      }
      life.stopped();
      throw e;
    }
    for (Member m : members) {
      m.thread.start();
    }
  }

  @Override
  public void close(Duration timeout) {
    life.close(timeout, this::wakeAll, WORKING_FOR.get() != this);
  }

  private void wakeAll() {
    for (Member m : members) {
      m.consumer.wakeup();
    }
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
  public int members() {
    return share.members();
  }

  @Override
  public ShareMetrics shareMetrics() {
    return new ShareMetrics(accepted.get(), released.get(), rejected.get(), renewed.get(), redelivered.get(),
        ackFailures.get());
  }

  @Override
  public EngineMetrics metrics() {
    long n = settles.get();
    int partitions = Math.max(0, setup.partitions());
    return EngineMetrics.builder()
        .recordsHandled(handled.get())
        .recordsFailed(runner.failures())
        .retries(runner.retries())
        .deadLettered(runner.deadLettered())
        .inFlight(inFlight.get())
        .consumers(share.members())
        .idleConsumers(0)
        .topicPartitions(partitions)
        .assignedPartitions(life.state() == EngineState.RUNNING ? partitions : 0)
        .commits(n)
        .commitFailures(ackFailures.get())
        .commitLatencyAvgMillis(n == 0 ? 0 : settleNanos.get() / 1e6 / n)
        .commitLatencyMaxMillis(settleMaxNanos.get() / 1e6)
        .build();
  }

  /** A record's place: what the client knows a record by. */
  private record Place(String topic, int partition, long offset) {}

  private static Place key(ConsumerRecord<?, ?> r) {
    return new Place(r.topic(), r.partition(), r.offset());
  }

  /** One share consumer and the thread that owns it. */
  private final class Member {
    final int index;
    final ShareConsumer<byte[], byte[]> consumer;
    final Thread thread;
    final LinkedBlockingQueue<Item> done = new LinkedBlockingQueue<>();

    Member(int index, ShareConsumer<byte[], byte[]> consumer) {
      this.index = index;
      this.consumer = consumer;
      this.thread = new Thread(this::loop, name + "-member-" + index);
    }

    private void loop() {
      ShareConsumer<byte[], byte[]> c = consumer;
      try {
        if (setup.await(life.closeSignal()) < 0) {
          return;
        }
        c.subscribe(config.settings().topics());
        if (running.incrementAndGet() == share.members()) {
          life.running();
        }
        while (!life.stopRequested()) {
          if (runner.breakerOpen()) { // a failing downstream: no new batch until the breaker lets go
            runner.nudgeBreaker();
            if (life.closeSignal().await(RecordRunner.BREAKER_RECHECK.toMillis(), TimeUnit.MILLISECONDS)) {
              break;
            }
            continue;
          }
          ConsumerRecords<byte[], byte[]> batch;
          try {
            batch = c.poll(config.settings().pollTimeout());
          } catch (WakeupException e) {
            continue; // close() woke us: the loop condition says whether to stop
          }
          if (!batch.isEmpty()) {
            runBatch(c, batch);
          }
        }
      } catch (WakeupException e) {
        // close() woke us inside a commit: fall through to the close
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable e) {
        life.fail(Failures.explain(e, ShareSettings.consumerConfig(config, index),
            config.settings().topics()));
      } finally {
        shutdown(c);
      }
    }

    /**
     * Runs one batch to its end: every record acknowledged, or the engine stopping.
     *
     * <p>A record still running at half its lock time is renewed: RENEW, then a {@code poll} sends
     * it; the client hands the renewed records back through a later {@code poll} (they are
     * acknowledged again when done, and cannot be until they are back), and must not be polled
     * again once all are back while any is unacknowledged.
     */
    private void runBatch(ShareConsumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records)
        throws InterruptedException {
      Item.Batch batch = new Item.Batch();
      List<Item> items = new ArrayList<>(records.count());
      for (ConsumerRecord<byte[], byte[]> r : records) {
        items.add(newItem(r, batch));
      }
      int pending = items.size();
      List<Item> waiting = new ArrayList<>(); // for the breaker
      Map<Place, Item> renewing = new HashMap<>(); // renewed, not handed back by the client yet
      List<Item> deferred = new ArrayList<>(); // finished while renewing: acknowledged once back
      Map<AcknowledgeType, Integer> counts = new EnumMap<>(AcknowledgeType.class);
      long lockNanos = TimeUnit.MILLISECONDS.toNanos(c.acquisitionLockTimeoutMs().map(Integer::longValue)
          .orElse(DEFAULT_LOCK_MS));
      long renewAt = clock.nanoTime() + lockNanos / 2;
      long renewGiveUp = 0;
      long deadline = 0; // once the engine stops: until when running records may finish
      while (pending > 0) {
        long now = clock.nanoTime();
        if (life.stopRequested() && !batch.cancelled) {
          batch.cancelled = true; // queued records never start; running ones get the close timeout
          deadline = now + life.closeTimeout().toNanos();
          for (Item w : waiting) {
            if (!renewing.containsKey(key(w.record))) {
              acknowledge(c, w, AcknowledgeType.RELEASE, counts);
              pending--;
            }
          }
          waiting.clear();
        }
        if (batch.cancelled && now - deadline >= 0) {
          LOG.warn("{}: {} record(s) still running at the close timeout; they are not acknowledged and the"
              + " broker delivers them again", thread.getName(), pending);
          break;
        }
        if (!renewing.isEmpty()) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ZERO)) { // sends the renewals; hands back the renewed
            if (renewing.remove(key(r)) == null) {
              items.add(newItem(r, batch)); // not one of ours (not expected): run it like the others
              pending++;
            }
          }
          if (!renewing.isEmpty() && now - renewGiveUp >= 0) {
            LOG.warn("{}: {} renewal(s) not confirmed within the lock time: the broker may deliver those records"
                + " again", thread.getName(), renewing.size());
            ackFailures.addAndGet(renewing.size());
            for (Item lost : renewing.values()) {
              lost.settled = true; // its lock is gone: no acknowledgement of it can succeed
            }
            for (int i = 0; i < deferred.size(); i++) {
              if (renewing.containsKey(key(deferred.get(i).record))) {
                countHandled(deferred.remove(i--));
                pending--;
              }
            }
            renewing.clear();
          }
          for (int i = 0; i < deferred.size(); i++) {
            Item d = deferred.get(i);
            if (!renewing.containsKey(key(d.record))) {
              deferred.remove(i--);
              pending -= settleDone(c, d, counts);
            }
          }
        }
        long next = batch.cancelled && deadline - renewAt < 0 ? deadline : renewAt;
        for (int i = 0; i < waiting.size(); i++) {
          Item w = waiting.get(i);
          if (w.dueNanos - now <= 0 && !runner.breakerOpen()) {
            waiting.remove(i--);
            submit(w);
          } else {
            next = Math.min(next, w.dueNanos);
          }
        }
        long slice = renewing.isEmpty() ? SLICE_NANOS : RENEW_SLICE_NANOS;
        Item item = done.poll(Math.max(0, Math.min(slice, next - now)), TimeUnit.NANOSECONDS);
        if (item != null) {
          if (item.type == null) {
            waiting.add(item); // the breaker is OPEN: ask it again when due
          } else if (renewing.containsKey(key(item.record))) {
            deferred.add(item);
          } else if (item.settled) {
            countHandled(item); // its renewal was lost: nothing to acknowledge
            pending--;
          } else {
            pending -= settleDone(c, item, counts);
          }
        }
        if (renewing.isEmpty() && clock.nanoTime() - renewAt >= 0) {
          for (Item i : items) {
            if (!i.settled && !deferred.contains(i)) {
              c.acknowledge(i.record, AcknowledgeType.RENEW);
              renewing.put(key(i.record), i);
            }
          }
          renewed.addAndGet(renewing.size());
          renewAt = clock.nanoTime() + lockNanos / 2;
          renewGiveUp = clock.nanoTime() + lockNanos / 2;
        }
      }
      settle(c, counts);
    }

    private Item newItem(ConsumerRecord<byte[], byte[]> r, Item.Batch batch) {
      Item item = new Item(r, batch);
      if (item.delivery() > 1) {
        redelivered.incrementAndGet();
      }
      submit(item);
      return item;
    }

    /** Acknowledges a finished record; 1 (it no longer pends). A failure it carries fails the engine. */
    private int settleDone(ShareConsumer<byte[], byte[]> c, Item item, Map<AcknowledgeType, Integer> counts) {
      acknowledge(c, item, item.type, counts);
      if (item.failure != null) {
        life.fail(item.failure);
      }
      return 1;
    }

    private void countHandled(Item item) {
      if (item.handled) {
        handled.incrementAndGet();
      }
    }

    private void acknowledge(ShareConsumer<byte[], byte[]> c, Item item, AcknowledgeType type,
        Map<AcknowledgeType, Integer> counts) {
      c.acknowledge(item.record, type);
      item.settled = true;
      counts.merge(type, 1, Integer::sum);
      (type == AcknowledgeType.ACCEPT ? accepted : type == AcknowledgeType.REJECT ? rejected : released)
          .incrementAndGet();
      countHandled(item);
    }

    /** Sends the batch's acknowledgements and waits for the broker's answer: the settle span. */
    private void settle(ShareConsumer<byte[], byte[]> c, Map<AcknowledgeType, Integer> counts) {
      if (counts.isEmpty()) {
        return;
      }
      Map<String, Integer> byName = new LinkedHashMap<>();
      counts.forEach((t, n) -> byName.put(t.name(), n));
      Span span = runner.telemetry().startAcknowledge(String.join(",", config.settings().topics()), byName);
      long t0 = clock.nanoTime();
      KafkaException first = null;
      try {
        Map<TopicIdPartition, Optional<KafkaException>> result = c.commitSync(
            life.stopRequested() ? life.closeTimeout() : SETTLE_TIMEOUT);
        for (Map.Entry<TopicIdPartition, Optional<KafkaException>> e : result.entrySet()) {
          if (e.getValue().isPresent()) {
            ackFailures.incrementAndGet();
            if (first == null) {
              first = e.getValue().get();
              LOG.warn("{}: the broker refused acknowledgements of {} ({}); those records are delivered again",
                  thread.getName(), e.getKey(), first.toString());
            }
          }
        }
      } finally {
        long nanos = clock.nanoTime() - t0;
        settles.incrementAndGet();
        settleNanos.addAndGet(nanos);
        settleMaxNanos.accumulateAndGet(nanos, Math::max);
        runner.telemetry().endCommit(span, nanos, first);
      }
    }

    private void submit(Item item) {
      inFlight.incrementAndGet();
      try {
        executor.execute(() -> runOnWorker(item));
      } catch (RejectedExecutionException e) { // the workers stopped: nothing more runs
        inFlight.decrementAndGet();
        item.type = AcknowledgeType.RELEASE;
        done.add(item);
      }
    }

    /** On a worker: one attempt of the record, and what its acknowledgement will be. */
    private void runOnWorker(Item item) {
      boolean permitted = false;
      try {
        if (item.batch.cancelled) {
          item.type = AcknowledgeType.RELEASE; // the member is stopping: never start it
          return;
        }
        if (permits != null) {
          permits.acquire(); // the concurrency bound, for virtual threads
          permitted = true;
        }
        WORKING_FOR.set(ShareEngine.this);
        decide(item, runner.run(item.record, item.state, item.delivery()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        item.type = AcknowledgeType.RELEASE;
      } catch (Throwable e) {
        item.type = AcknowledgeType.RELEASE; // the runner's own machinery threw
        item.failure = e;
      } finally {
        WORKING_FOR.remove();
        if (permitted) {
          permits.release();
        }
        inFlight.decrementAndGet();
        done.add(item);
      }
    }

    /** The error policy, as an acknowledgement. */
    private void decide(Item item, RecordRunner.Outcome o) {
      String topic = item.record.topic();
      switch (o.kind()) {
        case DONE -> {
          item.type = AcknowledgeType.ACCEPT;
          item.handled = true;
        }
        case DEAD_LETTERED -> item.type = AcknowledgeType.ACCEPT; // it is in the dead-letter topic
        case RETRY -> {
          int delivery = item.delivery();
          if (delivery < maxAttempts) {
            item.type = AcknowledgeType.RELEASE; // the broker delivers it again, delivery count + 1
          } else if (!runner.deadLettersEnabled(topic)) {
            item.type = AcknowledgeType.REJECT; // deliveries spent, no dead-letter topic: archived
          } else {
            RecordRunner.Outcome given = runner.giveUp(item.record, o.error(), delivery);
            if (given.kind() == RecordRunner.Kind.DEAD_LETTERED) {
              item.type = AcknowledgeType.ACCEPT;
            } else {
              item.type = AcknowledgeType.RELEASE; // the dead-letter write failed: stop, lose nothing
              item.failure = given.error();
            }
          }
        }
        case WAIT -> {
          item.type = null;
          item.state = o.state();
          item.dueNanos = clock.nanoTime() + o.delayNanos();
        }
        case INTERRUPTED -> item.type = AcknowledgeType.RELEASE;
        default -> { // FAILED
          Throwable cause = o.error() == null ? null : o.error().getCause();
          if (!runner.deadLettersEnabled(topic) && !(cause instanceof VirtualMachineError)) {
            item.type = AcknowledgeType.REJECT; // spent (maxAttempts 1, or undecodable), nowhere to put it
          } else {
            item.type = AcknowledgeType.RELEASE;
            item.failure = o.error();
          }
        }
      }
    }

    /** Leaves the group: unacknowledged records go back to the broker with the consumer's close. */
    private void shutdown(ShareConsumer<byte[], byte[]> c) {
      try {
        c.close(life.closeTimeout());
      } catch (RuntimeException e) {
        LOG.warn("{}: closing the share consumer failed: {}", thread.getName(), e.toString());
      }
      if (stoppedMembers.incrementAndGet() == members.size()) {
        ExecutorService ex = executor;
        if (ex != null) {
          ex.shutdownNow();
        }
        runner.close();
        life.stopped();
      } else if (!life.stopRequested()) {
        // a member left by itself: the engine cannot run on short-handed without saying so
        life.fail(new IllegalStateException(thread.getName() + " stopped"));
      }
    }
  }
}
