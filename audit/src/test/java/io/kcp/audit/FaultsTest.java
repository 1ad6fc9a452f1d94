package io.kcp.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcp.core.RecordHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class FaultsTest {

  private static ConsumerRecord<String, String> workload(String key, long seq) {
    return new ConsumerRecord<>(
        "orders", 0, seq, key, new WorkloadRecord(key, seq, 1_767_225_600_000L).toValue());
  }

  /** Calls the handler until it returns normally; the number of injected failures before that. */
  private static int failuresUntilSuccess(
      RecordHandler<String, String> h, ConsumerRecord<String, String> r) throws Exception {
    for (int failures = 0; ; failures++) {
      try {
        h.handle(r);
        return failures;
      } catch (Faults.InjectedFailure e) {
        // retry
      }
    }
  }

  @Test
  void selectedShareIsAboutTheRate() {
    int n = 100_000;
    for (double rate : new double[] {0.01, 0.1, 0.5}) {
      int selected = 0;
      for (int i = 0; i < n; i++) {
        if (Faults.isSelected(WorkloadRecord.keyName(i % 100), i / 100, rate)) {
          selected++;
        }
      }
      // binomial sd at 0.5 is 158; the bound is far wider, and the hash is fixed anyway
      assertThat((double) selected / n).as("rate " + rate).isBetween(rate * 0.8, rate * 1.2);
    }
    assertThat(Faults.isSelected("k-0", 0, 0)).isFalse();
    assertThat(Faults.isSelected("k-0", 0, 1)).isTrue();
  }

  @Test
  void failingSelectsExactlyWhatIsSelectedSays() throws Exception {
    double rate = 0.05;
    AtomicInteger delegateCalls = new AtomicInteger();
    RecordHandler<String, String> h =
        Faults.failing(r -> delegateCalls.incrementAndGet(), rate, 1);
    Set<String> failed = new HashSet<>();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      String key = WorkloadRecord.keyName(i % 7);
      long seq = i / 7;
      try {
        h.handle(workload(key, seq));
      } catch (Faults.InjectedFailure e) {
        failed.add(key + "#" + seq);
      }
      if (Faults.isSelected(key, seq, rate)) {
        expected.add(key + "#" + seq);
      }
    }
    assertThat(failed).isEqualTo(expected).isNotEmpty();
    assertThat(delegateCalls.get()).isEqualTo(5_000 - expected.size());
  }

  @Test
  void aSelectedRecordFailsFailTimesThenReachesTheDelegate() throws Exception {
    List<Long> seen = new ArrayList<>();
    RecordHandler<String, String> h = Faults.failing(r -> seen.add(r.offset()), 1.0, 2);
    ConsumerRecord<String, String> r = workload("k-3", 17);
    assertThatThrownBy(() -> h.handle(r))
        .isInstanceOf(Faults.InjectedFailure.class)
        .hasMessage("injected failure 1 of 2 for k-3#17");
    assertThatThrownBy(() -> h.handle(r)).hasMessage("injected failure 2 of 2 for k-3#17");
    h.handle(r);
    assertThat(seen).containsExactly(17L);
    // a redelivery after success (e.g. after a crash before the commit) fails again
    assertThatThrownBy(() -> h.handle(r)).hasMessage("injected failure 1 of 2 for k-3#17");
  }

  @Test
  void theSameRecordIsSelectedWhateverItsPositionOrValueType() throws Exception {
    String value = new WorkloadRecord("k-3", 17, 5).toValue();
    RecordHandler<String, String> strings = Faults.failing(r -> {}, 1.0, 1);
    RecordHandler<byte[], byte[]> bytes = Faults.failing(r -> {}, 1.0, 1);
    assertThatThrownBy(
            () -> strings.handle(new ConsumerRecord<>("elsewhere", 4, 999, "k-3", value)))
        .hasMessageEndingWith("for k-3#17");
    assertThatThrownBy(
            () ->
                bytes.handle(
                    new ConsumerRecord<>(
                        "orders", 1, 2, null, value.getBytes(StandardCharsets.UTF_8))))
        .hasMessageEndingWith("for k-3#17");
  }

  @Test
  void aValueNotInTheWorkloadFormatIsIdentifiedByItsPosition() throws Exception {
    RecordHandler<String, String> h = Faults.failing(r -> {}, 1.0, 1);
    ConsumerRecord<String, String> r = new ConsumerRecord<>("t", 2, 40, "k", "hello");
    assertThatThrownBy(() -> h.handle(r)).hasMessage("injected failure 1 of 1 for t-2@40");
    h.handle(r);
    assertThat(Faults.identity(new ConsumerRecord<>("t", 2, 40, "k", 42))).isEqualTo("t-2@40");
  }

  @Test
  void alwaysMakesPoisonRecords() {
    AtomicInteger delegateCalls = new AtomicInteger();
    RecordHandler<String, String> h =
        Faults.failing(r -> delegateCalls.incrementAndGet(), 1.0, Faults.ALWAYS);
    ConsumerRecord<String, String> r = workload("k-0", 1);
    for (int i = 1; i <= 1_000; i++) {
      assertThatThrownBy(() -> h.handle(r)).isInstanceOf(Faults.InjectedFailure.class);
    }
    assertThatThrownBy(() -> h.handle(r)).hasMessage("injected failure 1001 of ALWAYS for k-0#1");
    assertThat(delegateCalls).hasValue(0);
  }

  @Test
  void aDelegateFailurePropagatesAndTheNextAttemptReachesTheDelegateAgain() throws Exception {
    AtomicInteger delegateCalls = new AtomicInteger();
    RecordHandler<String, String> h =
        Faults.failing(
            r -> {
              if (delegateCalls.incrementAndGet() == 1) {
                throw new IllegalStateException("real failure");
              }
            },
            1.0,
            1);
    ConsumerRecord<String, String> r = workload("k-0", 0);
    assertThatThrownBy(() -> h.handle(r)).isInstanceOf(Faults.InjectedFailure.class);
    assertThatThrownBy(() -> h.handle(r)).hasMessage("real failure");
    h.handle(r);
    assertThat(delegateCalls).hasValue(2);
  }

  @Test
  void rateZeroNeverFails() {
    RecordHandler<String, String> h = Faults.failing(r -> {}, 0.0, Faults.ALWAYS);
    for (int i = 0; i < 1_000; i++) {
      ConsumerRecord<String, String> r = workload("k-" + i, i);
      assertThatCode(() -> h.handle(r)).doesNotThrowAnyException();
    }
  }

  @Test
  void invalidSettingsAreRejectedNamingTheParameter() {
    RecordHandler<String, String> noop = RecordHandler.noop();
    for (double rate : new double[] {-0.01, 1.01, Double.NaN}) {
      assertThatThrownBy(() -> Faults.failing(noop, rate, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("rate must be in [0, 1]");
      assertThatThrownBy(() -> Faults.isSelected("k", 0, rate))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("rate");
    }
    assertThatThrownBy(() -> Faults.failing(noop, 0.5, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failTimes must be >= 1")
        .hasMessageContaining("ALWAYS");
    assertThatThrownBy(() -> Faults.failing(null, 0.5, 1)).hasMessageContaining("delegate");
    assertThatThrownBy(() -> Faults.outage(noop, Duration.ofSeconds(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("startAfter");
    assertThatThrownBy(() -> Faults.outage(noop, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length must be > 0");
    assertThatThrownBy(() -> Faults.outage().begin(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length");
  }

  @Test
  void concurrentAttemptsAreCountedPerRecord() throws Exception {
    int threads = 8;
    int perThread = 200;
    int failTimes = 3;
    ConcurrentHashMap<String, AtomicInteger> delegateCalls = new ConcurrentHashMap<>();
    RecordHandler<String, String> h =
        Faults.failing(
            r -> delegateCalls.computeIfAbsent(r.value(), v -> new AtomicInteger()).incrementAndGet(),
            1.0,
            failTimes);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        String key = "k-" + t;
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  int failures = 0;
                  for (int seq = 0; seq < perThread; seq++) {
                    failures += failuresUntilSuccess(h, workload(key, seq));
                  }
                  return failures;
                }));
      }
      go.countDown();
      for (Future<Integer> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(perThread * failTimes);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(delegateCalls).hasSize(threads * perThread);
    assertThat(delegateCalls.values()).allSatisfy(n -> assertThat(n).hasValue(1));
  }

  @Test
  void oneRecordHammeredFromManyThreadsFailsExactlyFailTimesBeforeItsFirstSuccess()
      throws Exception {
    int failTimes = 50;
    AtomicInteger delegateCalls = new AtomicInteger();
    AtomicInteger injected = new AtomicInteger();
    RecordHandler<String, String> h =
        Faults.failing(r -> delegateCalls.incrementAndGet(), 1.0, Faults.ALWAYS);
    RecordHandler<String, String> limited =
        Faults.failing(r -> delegateCalls.incrementAndGet(), 1.0, failTimes);
    ConsumerRecord<String, String> r = workload("k-9", 9);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 100; i++) {
                    try {
                      h.handle(r);
                    } catch (Faults.InjectedFailure e) {
                      injected.incrementAndGet();
                    } catch (Exception e) {
                      throw new AssertionError(e);
                    }
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(injected).hasValue(1_600);
    assertThat(delegateCalls).hasValue(0);
    // the first failTimes attempts fail whatever threads make them, then the next one succeeds
    assertThat(failuresUntilSuccess(limited, r)).isEqualTo(failTimes);
  }

  @Test
  void scheduledOutageStartsAfterTheFirstCall() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    AtomicInteger delegateCalls = new AtomicInteger();
    Faults.Outage outage = Faults.outage(Duration.ofSeconds(10), Duration.ofSeconds(5), now::get);
    RecordHandler<String, String> h = outage.wrap(r -> delegateCalls.incrementAndGet());
    ConsumerRecord<String, String> r = workload("k-0", 0);

    now.addAndGet(Duration.ofHours(1).toNanos()); // time before the first call does not count
    assertThat(outage.isDown()).isFalse();
    long first = now.get();
    h.handle(r); // fixes the window: [first + 10 s, first + 15 s)
    now.set(first + Duration.ofSeconds(10).toNanos() - 1);
    h.handle(r);
    assertThat(outage.isDown()).isFalse();
    now.set(first + Duration.ofSeconds(10).toNanos());
    assertThat(outage.isDown()).isTrue();
    assertThatThrownBy(() -> h.handle(r))
        .isInstanceOf(Faults.InjectedFailure.class)
        .hasMessage("downstream outage");
    now.set(first + Duration.ofSeconds(15).toNanos() - 1);
    assertThatThrownBy(() -> h.handle(r)).isInstanceOf(Faults.InjectedFailure.class);
    now.set(first + Duration.ofSeconds(15).toNanos());
    h.handle(r);
    assertThat(outage.isDown()).isFalse();
    assertThat(delegateCalls).hasValue(3);
  }

  @Test
  void scheduledOutageOnADelegateFromTheStart() throws Exception {
    AtomicLong now = new AtomicLong(-5); // nanoTime may be negative
    RecordHandler<String, String> h =
        Faults.outage(r -> {}, Duration.ZERO, Duration.ofMillis(1), now::get);
    ConsumerRecord<String, String> r = workload("k-0", 0);
    assertThatThrownBy(() -> h.handle(r)).hasMessage("downstream outage");
    now.addAndGet(Duration.ofMillis(1).toNanos());
    h.handle(r);
  }

  @Test
  void manualOutageBeginsAndEndsOnDemandForEveryWrappedHandler() throws Exception {
    AtomicLong now = new AtomicLong();
    Faults.Outage outage = Faults.outage(now::get);
    RecordHandler<String, String> a = outage.wrap(r -> {});
    RecordHandler<String, String> b = outage.wrap(r -> {});
    ConsumerRecord<String, String> r = workload("k-0", 0);
    a.handle(r);
    outage.begin();
    now.addAndGet(Duration.ofDays(1).toNanos());
    assertThatThrownBy(() -> a.handle(r)).isInstanceOf(Faults.InjectedFailure.class);
    assertThatThrownBy(() -> b.handle(r)).isInstanceOf(Faults.InjectedFailure.class);
    outage.end();
    a.handle(r);
    b.handle(r);

    outage.begin(Duration.ofSeconds(2));
    assertThat(outage.isDown()).isTrue();
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(outage.isDown()).isFalse();
    b.handle(r);
  }

  @Test
  void endCancelsAPendingScheduleAndBeginReplacesIt() throws Exception {
    AtomicLong now = new AtomicLong();
    ConsumerRecord<String, String> r = workload("k-0", 0);
    Faults.Outage cancelled = Faults.outage(Duration.ZERO, Duration.ofSeconds(1), now::get);
    cancelled.end();
    cancelled.<String, String>wrap(x -> {}).handle(r);

    Faults.Outage replaced = Faults.outage(Duration.ofSeconds(100), Duration.ofSeconds(1), now::get);
    replaced.begin(Duration.ofSeconds(1));
    RecordHandler<String, String> h = replaced.wrap(x -> {});
    assertThatThrownBy(() -> h.handle(r)).isInstanceOf(Faults.InjectedFailure.class);
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    h.handle(r);
    now.addAndGet(Duration.ofSeconds(100).toNanos());
    h.handle(r); // the schedule is gone
  }
}
