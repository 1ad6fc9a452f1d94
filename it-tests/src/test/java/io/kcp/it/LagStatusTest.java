package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagReport;
import io.kcp.lag.LagStatus;
import io.kcp.lag.PartitionEvaluation;
import io.kcp.sandbox.KafkaSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Burrow's statuses on a real broker with real consumers: a {@link LagMonitor} with a window of
 * {@value #WINDOW} observations {@value #INTERVAL_MS} ms apart watches a group while steady input
 * arrives ({@value #PER_TICK} records per partition every 50 ms) and the consumer is healthy,
 * stopped, stuck on one partition, slow, or reset to earlier offsets.
 */
@ExtendWith(SharedBroker.class)
class LagStatusTest {
  static final int WINDOW = 4;
  static final long INTERVAL_MS = 500;
  static final int PER_TICK = 5;
  static final long ALLOWED_LAG = 50;

  /** Produces {@link #PER_TICK} records into every partition each 50 ms until closed. */
  static final class SteadyInput implements AutoCloseable {
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final KafkaProducer<String, String> producer;
    final AtomicLong acked = new AtomicLong();

    SteadyInput(String bootstrap, String topic, int partitions) {
      producer = LagClients.producer(bootstrap);
      timer.scheduleAtFixedRate(() -> {
        for (int p = 0; p < partitions; p++) {
          for (int i = 0; i < PER_TICK; i++) {
            producer.send(new ProducerRecord<>(topic, p, "k", "v"), (md, e) -> {
              if (e == null) {
                acked.incrementAndGet();
              }
            });
          }
        }
      }, 0, 50, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      timer.shutdown();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      producer.close();
    }
  }

  /** A consumer on its own thread: commits after every poll; can be slowed or stuck on partitions. */
  static final class RunningConsumer implements AutoCloseable {
    final Set<Integer> stuck = ConcurrentHashMap.newKeySet();
    final AtomicLong handled = new AtomicLong();
    final Thread thread;
    volatile boolean stop;

    RunningConsumer(String bootstrap, String topic, String group, int maxPoll, long nanosPerRecord) {
      thread = new Thread(() -> {
        try (KafkaConsumer<String, String> c = LagClients.consumer(bootstrap, group, "classic", maxPoll)) {
          c.subscribe(List.of(topic));
          while (!stop) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(50))) {
              if (nanosPerRecord > 0) {
                LockSupport.parkNanos(nanosPerRecord); // simulated work per record
              }
              handled.incrementAndGet();
            }
            c.commitSync();
            for (TopicPartition tp : c.assignment()) {
              if (stuck.contains(tp.partition()) && !c.paused().contains(tp)) {
                c.pause(List.of(tp));
              }
            }
          }
        }
      }, "lag-status-consumer");
      thread.start();
    }

    @Override
    public void close() {
      stop = true;
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Observes every {@link #INTERVAL_MS} until the report matches; returns every report taken. */
  static List<LagReport> observeUntil(LagMonitor m, Duration atMost, Predicate<LagReport> done) {
    List<LagReport> seen = new ArrayList<>();
    await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(INTERVAL_MS))
        .until(() -> {
          LagReport r = m.observe();
          seen.add(r);
          return done.test(r);
        });
    return seen;
  }

  static LagMonitor monitor(ConsumerLag lag, String group) {
    return LagMonitor.builder(group).source(lag).windowSize(WINDOW).allowedLag(ALLOWED_LAG).build();
  }

  static ConsumerLag lag(KafkaSandbox kafka) {
    return ConsumerLag.builder().bootstrapServers(kafka.bootstrapServers()).timeLag(false).build();
  }

  static boolean everyPartition(LagReport r, int partitions, LagStatus s) {
    return r.evaluation().partitions().size() == partitions
        && r.evaluation().partitions().stream().allMatch(v -> v.status() == s);
  }

  /** A healthy consumer is OK over full windows, and a stopped one is STOP within one window. */
  @Test
  void healthyIsOkThenStoppedIsStopWithinOneWindow(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("lag-status-stop");
    String group = topic + "-g";
    kafka.createTopic(topic, 3, 1);
    try (SteadyInput in = new SteadyInput(kafka.bootstrapServers(), topic, 3);
        ConsumerLag lag = lag(kafka);
        LagMonitor m = monitor(lag, group)) {
      RunningConsumer c = new RunningConsumer(kafka.bootstrapServers(), topic, group, 500, 0);
      try {
        // a full window of OK on every partition, twice in a row
        List<LagReport> healthy = observeUntil(m, Duration.ofSeconds(30), r -> r.evaluation().complete() == 1.0
            && r.evaluation().status() == LagStatus.OK && everyPartition(r, 3, LagStatus.OK));
        LagReport last = healthy.get(healthy.size() - 1);
        assertThat(last.evaluation().maxLag()).isLessThanOrEqualTo(ALLOWED_LAG * 4);
      } finally {
        c.close();
      }
      long stoppedAt = System.nanoTime();
      List<LagReport> after = observeUntil(m, Duration.ofSeconds(15), r -> everyPartition(r, 3, LagStatus.STOP));
      long ms = TestClients.timing("lag-status STOP after the consumer stopped", stoppedAt);
      assertThat(after.get(after.size() - 1).evaluation().partitions())
          .extracting(PartitionEvaluation::rule).containsOnly("stopped");
      assertThat(after.size()).as("observations from stop to STOP").isLessThanOrEqualTo(WINDOW + 1);
      assertThat(ms).as("STOP within one window (%d x %d ms) plus one interval", WINDOW, INTERVAL_MS)
          .isLessThanOrEqualTo((WINDOW + 1) * INTERVAL_MS + 1500);
      assertThat(in.acked.get()).as("the input kept coming").isPositive();
    }
  }

  /** A consumer stuck on one partition: that partition STALL and hot, the others OK. */
  @Test
  void stuckOnOnePartitionIsStallAndHotOthersOk(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("lag-status-stall");
    String group = topic + "-g";
    kafka.createTopic(topic, 3, 1);
    try (SteadyInput in = new SteadyInput(kafka.bootstrapServers(), topic, 3);
        ConsumerLag lag = lag(kafka);
        LagMonitor m = monitor(lag, group);
        RunningConsumer c = new RunningConsumer(kafka.bootstrapServers(), topic, group, 500, 0)) {
      observeUntil(m, Duration.ofSeconds(30), r -> everyPartition(r, 3, LagStatus.OK));
      c.stuck.add(2);
      List<LagReport> seen = observeUntil(m, Duration.ofSeconds(20),
          r -> r.verdict(topic, 2).map(v -> v.status() == LagStatus.STALL && v.hot()).orElse(false));
      LagReport r = seen.get(seen.size() - 1);
      PartitionEvaluation p2 = r.verdict(topic, 2).orElseThrow();
      assertThat(p2.rule()).isEqualTo("offset_not_moving");
      assertThat(p2.hotReason()).contains("while the other 2 partition(s) of " + topic + " are OK");
      assertThat(r.verdict(topic, 0).orElseThrow().status()).isEqualTo(LagStatus.OK);
      assertThat(r.verdict(topic, 1).orElseThrow().status()).isEqualTo(LagStatus.OK);
      assertThat(r.evaluation().status()).isEqualTo(LagStatus.STALL);
      assertThat(r.snapshot().partitions().get(2).owner()).as("the consumer is still there").isPresent();
      assertThat(in.acked.get()).as("the input kept coming").isPositive();
      assertThat(c.handled.get()).as("the other partitions are consumed").isPositive();
    }
  }

  /** A consumer slower than its steady input: offsets move, lag never decreases: WARN. */
  @Test
  void slowConsumerUnderSteadyInputIsWarn(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("lag-status-warn");
    String group = topic + "-g";
    kafka.createTopic(topic, 1, 1);
    // input 100 records/s; the consumer handles ~40/s (25 ms of work per record)
    try (SteadyInput in = new SteadyInput(kafka.bootstrapServers(), topic, 1);
        ConsumerLag lag = lag(kafka);
        LagMonitor m = monitor(lag, group);
        RunningConsumer c = new RunningConsumer(kafka.bootstrapServers(), topic, group, 5, 25_000_000)) {
      List<LagReport> seen = observeUntil(m, Duration.ofSeconds(30),
          r -> r.evaluation().status() == LagStatus.WARN && r.evaluation().complete() == 1.0);
      PartitionEvaluation v = seen.get(seen.size() - 1).verdict(topic, 0).orElseThrow();
      assertThat(v.rule()).isEqualTo("lag_not_decreasing");
      assertThat(v.currentLag()).isGreaterThan(ALLOWED_LAG);
      assertThat(c.handled.get()).as("it does consume, slower than the input")
          .isPositive().isLessThan(in.acked.get());
    }
  }

  /** Offsets reset to earlier ones (kafka-consumer-groups --reset-offsets does the same): REWIND. */
  @Test
  void resetToEarlierOffsetsIsRewind(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-status-rewind");
    String group = topic + "-g";
    kafka.createTopic(topic, 2, 1);
    LagClients.produce(b, topic, 2, 200);
    try (ConsumerLag lag = lag(kafka); LagMonitor m = monitor(lag, group)) {
      try (RunningConsumer c = new RunningConsumer(b, topic, group, 500, 0)) {
        observeUntil(m, Duration.ofSeconds(30), r -> r.evaluation().totalLag() == 0
            && r.snapshot().partitions().size() == 2 && everyPartition(r, 2, LagStatus.OK));
        assertThat(c.handled.get()).isGreaterThanOrEqualTo(400);
      }
      kafka.admin().alterConsumerGroupOffsets(group, Map.of(
              new TopicPartition(topic, 0), new OffsetAndMetadata(50),
              new TopicPartition(topic, 1), new OffsetAndMetadata(200)))
          .all().get(10, TimeUnit.SECONDS);
      List<LagReport> seen = observeUntil(m, Duration.ofSeconds(10),
          r -> r.verdict(topic, 0).map(v -> v.status() == LagStatus.REWIND).orElse(false));
      LagReport r = seen.get(seen.size() - 1);
      assertThat(seen).as("seen at the first observation after the reset").hasSize(1);
      assertThat(r.verdict(topic, 0).orElseThrow().rule()).isEqualTo("offset_rewound");
      assertThat(r.verdict(topic, 1).orElseThrow().status()).isEqualTo(LagStatus.OK);
      assertThat(r.evaluation().status()).isEqualTo(LagStatus.REWIND);
      assertThat(r.evaluation().totalLag()).isEqualTo(150);
    }
  }
}
