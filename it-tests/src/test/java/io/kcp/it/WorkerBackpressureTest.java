package io.kcp.it;

import io.kcp.worker.WorkerConfig;
import io.kcp.core.EngineConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineState;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerStrategy;
import io.kcp.worker.WorkerStrategyEngine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 50 ms handler against a 100,000-record backlog with a bound of 1,000 in flight: the backlog
 * never passes the bound (plus one poll), partitions get paused, the heap stays bounded, and the
 * consumer stays in its group even with {@code max.poll.interval.ms} at 5 s — because the poll
 * thread never waits for a worker.
 */
@ExtendWith(SharedBroker.class)
class WorkerBackpressureTest {
  static final int MAX_IN_FLIGHT = 1_000;
  static final int MAX_POLL_RECORDS = 200;

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void aSlowHandlerIsBoundedAndStaysInTheGroup(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("backpressure");
    String group = SharedBroker.uniqueName("backpressure-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(12).records(100_000).keys(1_000).run();
    long heapBefore = usedHeap();
    AtomicLong handled = new AtomicLong();
    WorkerStrategyEngine engine = WorkerStrategy.of(
        EngineConfig.ofDefaults(ConsumerSettings.builder()
            .bootstrapServers(kafka.bootstrapServers()).groupId(group).topics(topic)
            .property("max.poll.interval.ms", "5000")
            .property("max.poll.records", String.valueOf(MAX_POLL_RECORDS))
            .build()),
        WorkerConfig.custom().ordering(Ordering.KEY).concurrency(32).maxInFlight(MAX_IN_FLIGHT).build(),
        r -> {
          Thread.sleep(50);
          handled.incrementAndGet();
        });
    engine.start();
    AtomicLong maxBacklog = new AtomicLong();
    AtomicLong pausedSeen = new AtomicLong();
    AtomicLong heapPeak = new AtomicLong();
    try {
      // for 12 s, sampled every 200 ms: the engine stays RUNNING while we note its backlog
      await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(14))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> {
            maxBacklog.accumulateAndGet(engine.workerMetrics().backlog(), Math::max);
            pausedSeen.accumulateAndGet(engine.workerMetrics().pausedPartitions(), Math::max);
            heapPeak.accumulateAndGet(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory(), Math::max);
            return engine.state() == EngineState.RUNNING;
          });
      ConsumerGroupDescription d = kafka.admin().describeConsumerGroups(java.util.List.of(group))
          .describedGroups().get(group).get();
      assertThat(d.members()).as("still in the group after 12 s of 50 ms records, max.poll.interval.ms=5s")
          .hasSize(1);
      assertThat(d.members().iterator().next().assignment().topicPartitions()).hasSize(12);
    } finally {
      engine.close(Duration.ofSeconds(20));
    }
    long heapAfter = usedHeap();
    System.out.printf("BACKPRESSURE handled %d in 12 s, max backlog %d (bound %d + %d), heap before %d MB,"
            + " peak %d MB, after %d MB%n", handled.get(), maxBacklog.get(), MAX_IN_FLIGHT, MAX_POLL_RECORDS,
        heapBefore >> 20, heapPeak.get() >> 20, heapAfter >> 20);
    assertThat(handled.get()).as("32 workers x 20 records/s for 12 s").isGreaterThan(1_000);
    assertThat(pausedSeen.get()).as("partitions were paused").isPositive();
    assertThat(maxBacklog.get()).isLessThanOrEqualTo(MAX_IN_FLIGHT + MAX_POLL_RECORDS);
    assertThat(heapAfter - heapBefore).as("generous: the bound holds ~1,200 small records")
        .isLessThan(200L << 20);
  }
}
