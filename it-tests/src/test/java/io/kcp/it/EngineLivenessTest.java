package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.EngineListener;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineState;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.InvalidSettingsException;
import io.kcp.core.RecordHandler;
import io.kcp.partition.PartitionConfig;
import io.kcp.partition.PartitionStrategy;
import io.kcp.partition.PartitionStrategyEngine;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import io.kcp.audit.AuditReport;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import io.kcp.audit.WorkloadRecord;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Liveness: every path of an engine ends in progress or in a visible FAILED, and what an engine
 * holds (in-flight records, queued work, paused partitions) returns to nothing by itself. Each
 * test is one way a partition used to stop moving, or an engine used to keep going after it
 * failed, while the engine still said RUNNING; each runs on the real broker, for every strategy it
 * applies to.
 */
@ExtendWith(SharedBroker.class)
class EngineLivenessTest {
  @TempDir Path dir;

  static ConsumerSettings settings(KafkaSandbox kafka, String topic, String group) {
    return ConsumerSettings.builder().bootstrapServers(kafka.bootstrapServers()).groupId(group)
        .topics(topic).build();
  }

  static Map<TopicPartition, Long> committed(KafkaSandbox kafka, String group) {
    try {
      return TestClients.committed(kafka.bootstrapServers(), group);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Until the group committed every partition's end offset (an empty partition counts as 0). */
  static void awaitDrained(KafkaSandbox kafka, String topic, String group, Duration max) {
    Map<TopicPartition, Long> end = TestClients.endOffsets(kafka.bootstrapServers(), topic);
    await().atMost(max).until(() -> {
      Map<TopicPartition, Long> done = committed(kafka, group);
      return end.entrySet().stream().allMatch(e -> done.getOrDefault(e.getKey(), 0L).equals(e.getValue()));
    });
  }

  static String id(String value) {
    WorkloadRecord w = WorkloadRecord.parse(value).orElseThrow();
    return w.key() + "#" + w.seq();
  }

  /** The measurement window itself, not a wait for a condition. */
  static void measureFor(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      LockSupport.parkNanos(end - System.nanoTime());
    }
  }

  /** Every state an engine shows from RUNNING on, sampled every 20 ms on a thread of its own. */
  static final class StateSampler implements AutoCloseable {
    final Set<EngineState> seen = ConcurrentHashMap.newKeySet();
    final AtomicBoolean stop = new AtomicBoolean();
    final Thread thread;

    StateSampler(ConsumerEngine engine) {
      thread = new Thread(() -> {
        boolean running = false;
        while (!stop.get()) {
          EngineState s = engine.state();
          running |= s == EngineState.RUNNING;
          if (running) {
            seen.add(s);
          }
          LockSupport.parkNanos(20_000_000);
        }
      }, "state-sampler");
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join();
    }
  }

  /**
   * A handler that throws an {@code Error} — AssertionError, StackOverflowError,
   * NoClassDefFoundError — or an exception with the thread's interrupt flag set, while the engine
   * is not closing, makes a failed attempt like any exception: retried, then dead-lettered.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Strategies.class)
  void anErrorFromTheHandlerIsAFailedAttemptNotAStall(Strategies strategy, KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("errors");
    String group = SharedBroker.uniqueName("errors-group");
    int records = 2_000;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(records).keys(50).run();
    Set<String> chosen = ConcurrentHashMap.newKeySet();
    Set<String> handled = ConcurrentHashMap.newKeySet();
    RecordHandler<String, String> handler = r -> {
      WorkloadRecord w = WorkloadRecord.parse(r.value()).orElseThrow();
      String id = w.key() + "#" + w.seq();
      if (ErrorPolicyBrokerTest.picked(w.key(), w.seq(), 0.01, "errors")) {
        chosen.add(id);
        switch ((int) (w.seq() % 4)) {
          case 0 -> throw new AssertionError("assertion failed for " + id);
          case 1 -> throw new StackOverflowError("too deep for " + id);
          case 2 -> throw new NoClassDefFoundError("a class missing for " + id);
          default -> {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handling " + id);
          }
        }
      }
      handled.add(id);
    };
    ConsumerEngine engine = strategy.build(settings(kafka, topic, group),
        c -> c.errorPolicy(ErrorPolicy.builder().maxAttempts(2)
            .backoff(Duration.ofMillis(20), 2, Duration.ofMillis(40)).noCircuitBreaker().build()),
        handler);
    engine.start();
    Set<EngineState> states;
    try (StateSampler sampler = new StateSampler(engine)) {
      awaitDrained(kafka, topic, group, Duration.ofSeconds(60));
      sampler.close();
      states = sampler.seen;
    } finally {
      engine.close(Duration.ofSeconds(10));
    }
    Set<String> deadLettered = new HashSet<>();
    TestClients.readAll(kafka.bootstrapServers(), topic + ".dlt")
        .forEach(r -> deadLettered.add(id(new String(r.value(), StandardCharsets.UTF_8))));
    System.out.printf("ERRORS %s: %d chosen, %d dead-lettered, %d handled, failed attempts %d,"
            + " states %s%n", strategy, chosen.size(), deadLettered.size(), handled.size(),
        engine.metrics().recordsFailed(), states);
    assertThat(chosen).isNotEmpty();
    assertThat(deadLettered).isEqualTo(chosen);
    assertThat(handled).hasSize(records - chosen.size()).doesNotContainAnyElementsOf(chosen);
    assertThat(engine.metrics().recordsFailed()).isEqualTo(2L * chosen.size());
    assertThat(states).containsOnly(EngineState.RUNNING);
    assertThat(engine.metrics().restarts()).isZero();
  }

  /**
   * Records dropped from the lanes of revoked partitions leave the in-flight count with them: once
   * the topic is drained the engine reports 0 in flight and its poll thread waits in poll()
   * instead of spinning.
   */
  @Test
  void inFlightReturnsToZeroAfterARebalanceAndAnIdleEngineBurnsNoCpu(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("inflight");
    String group = SharedBroker.uniqueName("inflight-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(6).records(16_000).keys(8).run();
    RecordHandler<String, String> slow = r -> Thread.sleep(2);
    WorkerConfig worker = WorkerConfig.custom().ordering(Ordering.KEY).concurrency(4).build();
    SpyConsumers spyA = new SpyConsumers();
    ConsumerEngine a = Strategies.WORKER.build(settings(kafka, topic, group),
        c -> c.consumerFactory(spyA.factory()), worker, slow);
    ConsumerEngine b = Strategies.WORKER.build(settings(kafka, topic, group), c -> c, worker, slow);
    a.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> a.metrics().recordsHandled() >= 200);
      long queued = a.metrics().inFlight();
      b.start();
      awaitDrained(kafka, topic, group, Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(10)).until(() -> a.metrics().inFlight() == 0 && b.metrics().inFlight() == 0);
      Thread poll = spyA.pollThreads.iterator().next();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu0 = threads.getThreadCpuTime(poll.getId());
      long polls0 = spyA.polls.get();
      measureFor(Duration.ofSeconds(5));
      long polls = spyA.polls.get() - polls0;
      long cpuMillis = (threads.getThreadCpuTime(poll.getId()) - cpu0) / 1_000_000;
      System.out.printf("IDLE-POLL worker: %d in flight at the join (a revoked %d partitions), then idle"
              + " 5 s: %d polls, %d ms CPU on the poll thread, in_flight %d%n",
          queued, spyA.revoked.get(), polls, cpuMillis, a.metrics().inFlight());
      assertThat(spyA.revoked.get()).as("the join revoked partitions with queued records").isPositive();
      assertThat(a.metrics().inFlight()).isZero();
      // the default poll timeout is 100 ms: an idle loop polls about 50 times in 5 s
      assertThat(polls).isLessThanOrEqualTo(60);
      assertThat(cpuMillis).isLessThan(500);
    } finally {
      b.close(Duration.ofSeconds(10));
      a.close(Duration.ofSeconds(10));
    }
  }

  /**
   * A record that fails for good while a revoke drains (no dead-letter topic, one attempt) fails
   * the engine, and FAILED means stopped: it hands out nothing more, closes its consumer and leaves
   * the group, whose other member then takes every partition and the failed records.
   */
  @Test
  void aFailureSeenWhileARevokeDrainsStopsTheEngine(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("faildrain");
    String group = SharedBroker.uniqueName("faildrain-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(2).records(2_000).keys(20).run();
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger blocked = new AtomicInteger();
    RecordHandler<String, String> failing = r -> {
      if (gate.getCount() > 0) {
        blocked.incrementAndGet();
        gate.await();
        throw new IllegalStateException("failed while the revoke drained");
      }
    };
    SpyConsumers spyA = new SpyConsumers();
    WorkerConfig worker = WorkerConfig.custom().ordering(Ordering.KEY).concurrency(4).build();
    ConsumerEngine a = Strategies.WORKER.build(settings(kafka, topic, group),
        c -> c.consumerFactory(spyA.factory()).drainTimeout(Duration.ofSeconds(60))
            .errorPolicy(ErrorPolicy.builder().maxAttempts(1).noDeadLetterTopic().noCircuitBreaker().build()),
        worker, failing);
    AtomicLong handledByB = new AtomicLong();
    ConsumerEngine b = Strategies.WORKER.build(settings(kafka, topic, group), c -> c, worker,
        r -> handledByB.incrementAndGet());
    a.start();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> blocked.get() >= 2);
      b.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> spyA.revokeStarted.getCount() == 0);
      gate.countDown(); // the running records now fail, inside the revoke's drain
      await().atMost(Duration.ofSeconds(20)).until(() -> a.state() == EngineState.FAILED);
      long handledAtFailure = a.metrics().recordsHandled();
      await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeConsumerGroups(List.of(group))
          .all().get().get(group).members().size() == 1);
      awaitDrained(kafka, topic, group, Duration.ofSeconds(60));
      System.out.printf("FAILDRAIN a FAILED (%s) after %d handled, left the group; b handled %d%n",
          a.failure().map(Throwable::getMessage).orElse("?"), handledAtFailure, handledByB.get());
      assertThat(a.failure()).get().extracting(Throwable::getMessage).asString()
          .contains("failed while the revoke drained");
      assertThat(a.metrics().recordsHandled()).isEqualTo(handledAtFailure);
      assertThat(a.metrics().assignedPartitions()).isZero();
    } finally {
      b.close(Duration.ofSeconds(10));
      a.close(Duration.ofSeconds(10));
    }
  }

  /**
   * A revoke cancels the work queued for the partitions it takes away instead of running it for a
   * partition another member now owns, and waits only for the records actually running: with 16
   * workers and tens of thousands queued, the old owner handles nothing of a moved partition after
   * the new owner began on it, and its revoke takes about one handler call, far below the drain
   * timeout.
   */
  @Test
  void aRevokeCancelsQueuedWorkAndWaitsOnlyForRunningRecords(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("cancel");
    String group = SharedBroker.uniqueName("cancel-group");
    int records = 40_000;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(6).records(records).keys(1000).run();
    Map<Integer, List<Long>> startsA = new ConcurrentHashMap<>();
    Map<Integer, List<Long>> startsB = new ConcurrentHashMap<>();
    Path fileA = dir.resolve("a.tsv");
    Path fileB = dir.resolve("b.tsv");
    Duration drainTimeout = Duration.ofSeconds(2);
    List<Duration> drains = Collections.synchronizedList(new ArrayList<>());
    EngineListener drainTimes = new EngineListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions, Duration drained) {
        drains.add(drained);
      }
    };
    WorkerConfig worker = WorkerConfig.custom().ordering(Ordering.UNORDERED).concurrency(16)
        .maxInFlight(records).maxInFlightPerPartition(records).build();
    SpyConsumers spyA = new SpyConsumers();
    try (AuditLog logA = AuditLog.open(fileA); AuditLog logB = AuditLog.open(fileB)) {
      ConsumerEngine a = Strategies.WORKER.build(settings(kafka, topic, group),
          c -> c.drainTimeout(drainTimeout).listener(drainTimes).consumerFactory(spyA.factory()), worker,
          Audit.wrap(timed(startsA, 5), logA));
      ConsumerEngine b = Strategies.WORKER.build(settings(kafka, topic, group), c -> c.drainTimeout(drainTimeout),
          worker, Audit.wrap(timed(startsB, 5), logB));
      a.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> a.metrics().recordsHandled() >= 500);
        long queued = a.metrics().inFlight();
        b.start();
        awaitDrained(kafka, topic, group, Duration.ofSeconds(120));
        System.out.printf("CANCEL %d in flight at the join; revokes of a took %s (callback max %d ms)%n",
            queued, drains, spyA.revokeNanosMax.get() / 1_000_000);
      } finally {
        b.close(Duration.ofSeconds(10));
        a.close(Duration.ofSeconds(10));
      }
    }
    long late = 0;
    for (Map.Entry<Integer, List<Long>> e : startsB.entrySet()) {
      long firstB = e.getValue().stream().mapToLong(Long::longValue).min().orElseThrow();
      late += startsA.getOrDefault(e.getKey(), List.of()).stream().filter(t -> t > firstB).count();
    }
    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(fileA, fileB));
    System.out.printf("CANCEL the old owner handled %d records of moved partitions after the new owner"
        + " began; lost %d, duplicates %d%n", late, report.lost(), report.duplicates());
    assertThat(late).isZero();
    assertThat(report.lost()).isZero();
    // at most the records running at the revoke, if a drain timed out; none otherwise
    assertThat(report.duplicates()).isLessThanOrEqualTo(16);
    assertThat(drains).isNotEmpty().allSatisfy(d -> assertThat(d).isLessThan(drainTimeout));
  }

  private static RecordHandler<String, String> timed(Map<Integer, List<Long>> starts, long sleepMillis) {
    return r -> {
      starts.computeIfAbsent(r.partition(), k -> Collections.synchronizedList(new ArrayList<>()))
          .add(System.nanoTime());
      Thread.sleep(sleepMillis); // the simulated work
    };
  }

  /**
   * {@code close(timeout)} waits once: the running records get the timeout, then the workers are
   * interrupted and the consumer's own revoke has nothing left to wait for.
   */
  @Test
  void closeWaitsOnceForRunningRecords(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("closeonce");
    String group = SharedBroker.uniqueName("closeonce-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(2).records(200).keys(200).run();
    AtomicInteger running = new AtomicInteger();
    RecordHandler<String, String> stuck = r -> {
      running.incrementAndGet();
      Thread.sleep(30_000); // the simulated work: far longer than the close timeout
    };
    ConsumerEngine engine = Strategies.WORKER.build(settings(kafka, topic, group),
        c -> c.drainTimeout(Duration.ofSeconds(10)),
        WorkerConfig.custom().ordering(Ordering.UNORDERED).concurrency(4).build(), stuck);
    engine.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> running.get() >= 4);
    long t0 = System.nanoTime();
    engine.close(Duration.ofSeconds(1));
    long millis = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("CLOSE close(1 s) with 4 records stuck and 196 queued took %d ms, state %s%n",
        millis, engine.state());
    assertThat(engine.state()).isEqualTo(EngineState.CLOSED);
    assertThat(millis).isLessThan(3_000);
    assertThat(committed(kafka, group).values()).allSatisfy(o -> assertThat(o).isZero());
  }

  /**
   * An engine is made from immutable values: what the config builder is told after {@code build()}
   * changes nothing, a restarted thread runs the handler its engine was made with, and a value that
   * cannot work fails at {@code build()}, before any thread runs.
   */
  @Test
  void aBuiltEngineIsImmutableAndBadValuesFailAtBuild(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("immutable");
    String group = SharedBroker.uniqueName("immutable-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(300).keys(30).run();
    AtomicLong first = new AtomicLong();
    AtomicLong second = new AtomicLong();
    AtomicBoolean failOnce = new AtomicBoolean(true);
    ErrorPolicy failFast = ErrorPolicy.failFast();
    EngineConfig.Builder builder = EngineConfig.custom(settings(kafka, topic, group)).errorPolicy(failFast);
    EngineConfig config = builder.build();
    PartitionStrategyEngine engine = PartitionStrategy.of(config,
        PartitionConfig.custom().threads(2).restartBackoff(Duration.ofMillis(100), Duration.ofMillis(200)).build(),
        r -> {
          if (failOnce.getAndSet(false)) {
            throw new IllegalStateException("one failure, to restart a thread");
          }
          first.incrementAndGet();
        });
    builder.errorPolicy(ErrorPolicy.DEFAULT).settings(settings(kafka, "elsewhere", "other"));
    PartitionStrategyEngine other = PartitionStrategy.of(builder.build(), PartitionConfig.ofThreads(3),
        r -> second.incrementAndGet());
    engine.start();
    try {
      awaitDrained(kafka, topic, group, Duration.ofSeconds(30));
    } finally {
      engine.close(Duration.ofSeconds(10));
      other.close();
    }
    assertThat(config.errorPolicy()).isSameAs(failFast);
    assertThat(config.settings().topics()).containsExactly(topic);
    assertThat(engine.metrics().restarts()).isEqualTo(1);
    assertThat(engine.threads()).isEqualTo(2);
    assertThat(second.get()).as("the other engine's handler").isZero();
    assertThat(first.get()).isGreaterThanOrEqualTo(300);
    assertThatThrownBy(() -> EngineConfig.custom(settings(kafka, topic, group)).startupTimeout(Duration.ZERO).build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("startupTimeout must be positive");
  }

  /**
   * While the breaker is HALF_OPEN with records waiting, the partitions stay paused: only the
   * waiting records are tried, within the trials the breaker permits, instead of every partition
   * resuming and fetched records bouncing off the breaker.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Strategies.class)
  void aHalfOpenBreakerKeepsThePartitionsPaused(Strategies strategy, KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("halfopen");
    String group = SharedBroker.uniqueName("halfopen-group");
    int records = 3_000;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(6).records(records).keys(60).run();
    CircuitBreaker breaker = CircuitBreaker.of("halfopen-" + strategy, CircuitBreakerConfig.custom()
        .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofMillis(500)).automaticTransitionFromOpenToHalfOpenEnabled(true)
        .permittedNumberOfCallsInHalfOpenState(2).build());
    AtomicBoolean down = new AtomicBoolean(true);
    CountDownLatch trials = new CountDownLatch(1);
    AtomicInteger halfOpenCalls = new AtomicInteger();
    Set<String> handled = ConcurrentHashMap.newKeySet();
    RecordHandler<String, String> handler = r -> {
      if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
        halfOpenCalls.incrementAndGet();
        trials.await(); // the trials hang while the test looks at the partitions
      }
      if (down.get()) {
        throw new IllegalStateException("downstream down");
      }
      handled.add(r.value());
    };
    ConsumerEngine engine = strategy.build(settings(kafka, topic, group),
        c -> c.errorPolicy(ErrorPolicy.builder().circuitBreaker(breaker).outageGrace(Duration.ofMinutes(5)).build()),
        handler);
    engine.start();
    try {
      await().atMost(Duration.ofSeconds(30))
          .until(() -> breaker.getState() == CircuitBreaker.State.HALF_OPEN && halfOpenCalls.get() > 0);
      List<String> samples = new ArrayList<>();
      boolean allPaused = true;
      long end = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < end) { // the measurement window: 20 samples over 1 s
        EngineMetrics m = engine.metrics();
        samples.add(m.pausedPartitions() + "/" + m.assignedPartitions());
        allPaused &= m.assignedPartitions() > 0 && m.pausedPartitions() == m.assignedPartitions();
        LockSupport.parkNanos(50_000_000);
      }
      System.out.printf("HALFOPEN %s paused/assigned while HALF_OPEN %s, handler calls %d%n", strategy,
          samples, halfOpenCalls.get());
      assertThat(allPaused).as("paused/assigned " + samples).isTrue();
      assertThat(halfOpenCalls.get()).isLessThanOrEqualTo(2);
      down.set(false);
      trials.countDown();
      awaitDrained(kafka, topic, group, Duration.ofSeconds(60));
    } finally {
      trials.countDown();
      engine.close(Duration.ofSeconds(10));
    }
    assertThat(handled).hasSize(records);
    assertThat(engine.metrics().deadLettered()).isZero();
  }

  /**
   * When the consumer's position moves back (here a seek, as after {@code auto.offset.reset} on a
   * truncated log), the partition starts over from there and the engine goes on: the replayed
   * records are handled again (exactly them, for the strategies with nothing in flight between
   * polls), nothing is lost, nothing restarts.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Strategies.class)
  void thePositionMovingBackStartsThePartitionOver(Strategies strategy, KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("seekback");
    String group = SharedBroker.uniqueName("seekback-group");
    int records = 20_000;
    long replay = 200;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(records).keys(30).run();
    SpyConsumers spy = new SpyConsumers();
    Path file = dir.resolve("seek.tsv");
    ConsumerEngine engine;
    try (AuditLog log = AuditLog.open(file)) {
      engine = strategy.build(settings(kafka, topic, group), c -> c.consumerFactory(spy.factory()),
          WorkerConfig.custom().ordering(Ordering.KEY).concurrency(16).maxInFlight(500).build(),
          Audit.wrap(r -> Thread.sleep(0, 200_000), log));
      engine.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.metrics().recordsHandled() >= 1_000);
        spy.beforeNextPoll(c -> {
          for (TopicPartition tp : c.assignment()) {
            long position = c.position(tp);
            if (position >= replay + 100) {
              c.seek(tp, position - replay);
              return true;
            }
          }
          return false;
        });
        await().atMost(Duration.ofSeconds(30)).until(spy::actionDone);
        awaitDrained(kafka, topic, group, Duration.ofSeconds(90));
        assertThat(engine.state()).isEqualTo(EngineState.RUNNING);
        assertThat(engine.metrics().restarts()).isZero();
      } finally {
        engine.close(Duration.ofSeconds(10));
      }
    }
    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(file));
    System.out.printf("SEEKBACK %s replayed %d: lost %d, duplicates %d%n", strategy, replay, report.lost(),
        report.duplicates());
    assertThat(report.lost()).isZero();
    if (strategy == Strategies.WORKER) {
      // records still queued at the seek were cancelled and handled once, from the replay
      assertThat(report.duplicates()).isBetween(1L, replay);
    } else {
      assertThat(report.duplicates()).isEqualTo(replay);
    }
  }

  /**
   * Every strategy uses the cooperative-sticky assignor unless told otherwise: a member joining
   * revokes only what moves. (An eager assignor revokes all six of the first member's
   * partitions on the join.)
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Strategies.class)
  void aJoiningMemberRevokesOnlyThePartitionsThatMove(Strategies strategy, KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("assignor");
    String group = SharedBroker.uniqueName("assignor-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(6).records(6_000).keys(60).run();
    SpyConsumers spyA = new SpyConsumers();
    RecordHandler<String, String> slow = r -> Thread.sleep(1);
    ConsumerEngine a = strategy.build(settings(kafka, topic, group), c -> c.consumerFactory(spyA.factory()), slow);
    ConsumerEngine b = strategy.build(settings(kafka, topic, group), slow);
    a.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> a.metrics().assignedPartitions() == 6);
      b.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> b.metrics().assignedPartitions() > 0
          && a.metrics().assignedPartitions() + b.metrics().assignedPartitions() == 6);
      System.out.printf("ASSIGNOR %s: the first member revoked %d partition(s) when the second joined"
          + " and took %d%n", strategy, spyA.revoked.get(), b.metrics().assignedPartitions());
      assertThat(spyA.revoked.get()).isPositive().isLessThan(6);
    } finally {
      b.close(Duration.ofSeconds(10));
      a.close(Duration.ofSeconds(10));
    }
  }
}
