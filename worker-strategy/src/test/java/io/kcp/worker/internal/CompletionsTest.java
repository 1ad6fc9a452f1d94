package io.kcp.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CompletionsTest {
  private static final PartitionState PS = new PartitionState(new TopicPartition("t", 0), new PartitionLanes());

  private static Work work(long offset) {
    return new Work(w -> { }, new ConsumerRecord<>("t", 0, offset, new byte[0], new byte[0]), PS, 0);
  }

  @Test
  void everyCompletionOfManyWorkersReachesTheWaitingPollThreadOnce() throws Exception {
    Completions completions = new Completions();
    int workers = 8;
    int each = 20_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < workers; t++) {
      int base = t * each;
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          completions.add(work(base + i));
        }
      });
      th.start();
      threads.add(th);
    }
    go.countDown();
    Map<Work, Boolean> seen = new IdentityHashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (seen.size() < workers * each && System.nanoTime() < deadline) {
      // alternate the two ways the poll thread takes completions: waiting and not waiting
      Work w = seen.size() % 2 == 0 ? completions.poll(5, TimeUnit.MILLISECONDS) : completions.poll();
      if (w != null) {
        assertThat(seen.put(w, Boolean.TRUE)).as("taken twice: %s", w).isNull();
      }
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(seen).hasSize(workers * each);
    assertThat(completions.poll()).isNull();
  }

  @Test
  void aTimedPollWithNothingQueuedReturnsNullAfterItsWait() throws Exception {
    Completions completions = new Completions();
    long t0 = System.nanoTime();
    assertThat(completions.poll(20, TimeUnit.MILLISECONDS)).isNull();
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    assertThat(completions.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void anInterruptWhileWaitingIsThrown() {
    Completions completions = new Completions();
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> completions.poll(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }
}
