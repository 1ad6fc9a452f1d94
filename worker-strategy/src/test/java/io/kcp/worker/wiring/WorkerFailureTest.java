package io.kcp.worker.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.core.CommitPolicy;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.EngineState;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.spi.DecodingHandler;
import io.kcp.core.spi.PollLoopSpec;
import io.kcp.core.spi.Workers;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategyEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * FAILED means stopped: once a record has failed for good (one attempt, no dead-letter topic), the
 * engine starts no other record — not even the next one of a lane whose record finished in the
 * same batch of completions as the failure.
 */
class WorkerFailureTest {
  private static final TopicPartition TP = new TopicPartition("orders", 0);

  @Test
  void noRecordStartsAfterTheFailureIsApplied() throws Exception {
    MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
    mock.updatePartitions("orders", List.of(new PartitionInfo("orders", 0, null, new Node[0], new Node[0])));
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger finished = new AtomicInteger();
    mock.schedulePollTask(() -> {
      mock.rebalance(List.of(TP));
      mock.updateBeginningOffsets(Map.of(TP, 0L));
    });
    mock.schedulePollTask(() -> {
      mock.addRecord(record(0, "x")); // fails for good once the gate opens
      mock.addRecord(record(1, "y")); // succeeds, after offset 0 has finished
      mock.addRecord(record(2, "y")); // waits in lane y behind offset 1
    });
    // the poll thread waits here until both completions are queued, offset 0's first, so that one
    // drain of the completion queue applies the failure and then frees lane y
    mock.schedulePollTask(() -> {
      gate.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> finished.get() == 2);
      mock.addRecord(record(3, "x")); // waits in lane x: polling returns a record, no idle wait
    });
    List<Long> handled = new CopyOnWriteArrayList<>();
    DecodingHandler handler = DecodingHandler.ofStrings(r -> {
      if (r.offset() == 0) {
        gate.await(10, TimeUnit.SECONDS);
        throw new IllegalStateException("offset 0 fails for good");
      }
      if (r.offset() == 1) {
        await().atMost(Duration.ofSeconds(10)).until(() -> finished.get() == 1);
      }
      handled.add(r.offset());
    });
    EngineConfig config = EngineConfig.custom(ConsumerSettings.builder().bootstrapServers("localhost:9092")
            .groupId("g").topics("orders").pollTimeout(Duration.ofMillis(10)).build())
        .errorPolicy(ErrorPolicy.failFast())
        .commitPolicy(CommitPolicy.builder().interval(Duration.ofHours(1)).build())
        .build();
    WorkerStrategyEngine engine = DaggerGatedWorkerComponent.factory()
        .create(new PollLoopSpec(config, handler, "fail-test", 0, Optional.empty()),
            WorkerConfig.custom().ordering(Ordering.KEY).concurrency(2).build(), mock, new ManualClock(),
            new CountingWorkers(finished))
        .engine();
    engine.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.state() == EngineState.FAILED);
    } finally {
      engine.close(Duration.ofSeconds(5));
    }
    assertThat(engine.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("offset 0 fails for good");
    assertThat(handled).as("offset 2 was freed by offset 1 after the failure: it must not run")
        .containsExactly(1L);
  }

  private static ConsumerRecord<byte[], byte[]> record(long offset, String key) {
    return new ConsumerRecord<>("orders", 0, offset, key.getBytes(StandardCharsets.UTF_8),
        "v".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A fixed pool that counts the tasks it has finished. Once two have finished (the failure and
   * offset 1), it runs what it is given at once on the caller's thread: a record handed out after
   * the failure then runs for sure, instead of only when a worker beats the shutdown to it.
   */
  private static final class CountingWorkers implements GatedWorkerComponent.TestWorkers {
    private final AtomicInteger finished;

    CountingWorkers(AtomicInteger finished) {
      this.finished = finished;
    }

    @Override
    public ExecutorService start(int concurrency, String name) {
      ExecutorService pool = Workers.platform().start(concurrency, name);
      return new AbstractExecutorService() {
        @Override
        public void execute(Runnable task) {
          if (finished.get() >= 2) {
            task.run();
            return;
          }
          pool.execute(() -> {
            try {
              task.run();
            } finally {
              finished.incrementAndGet();
            }
          });
        }

        @Override
        public void shutdown() {
          pool.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
          return pool.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
          return pool.isShutdown();
        }

        @Override
        public boolean isTerminated() {
          return pool.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
          return pool.awaitTermination(timeout, unit);
        }
      };
    }

    @Override
    public boolean bounded() {
      return true;
    }
  }
}
