package io.kcp.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcp.core.RecordHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTest {

  @TempDir Path dir;

  private static ConsumerRecord<String, String> record(int partition, long offset, long seq) {
    String key = "k-" + (offset % 10);
    return new ConsumerRecord<>(
        "orders", partition, offset, key, new WorkloadRecord(key, seq, 1000).toValue());
  }

  @Test
  void onlySuccessfulRecordsAreWrittenOneIntactLineEachFromManyThreads() throws Exception {
    Path file = dir.resolve("audit/run.tsv");
    int threads = 6;
    int perThread = 2000;
    AtomicInteger delegateCalls = new AtomicInteger();
    RecordHandler<String, String> delegate =
        r -> {
          delegateCalls.incrementAndGet();
          if (r.offset() % 7 == 3) {
            throw new IllegalStateException("boom at " + r.offset());
          }
        };
    List<String> threadNames = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      threadNames.add("audit-test-worker-" + t);
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads, r -> new Thread(r, threadNames.get(next.getAndIncrement())));
    AuditLog log = AuditLog.open(file);
    int expected = 0;
    try {
      RecordHandler<String, String> audited = Audit.wrap(delegate, log);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int partition = t;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  int failures = 0;
                  for (int o = 0; o < perThread; o++) {
                    try {
                      audited.handle(record(partition, o, o / 10));
                    } catch (IllegalStateException e) {
                      assertThat(e).hasMessage("boom at " + o);
                      failures++;
                    }
                  }
                  return failures;
                }));
      }
      go.countDown();
      int failures = 0;
      for (Future<Integer> f : futures) {
        failures += f.get();
      }
      expected = threads * perThread - failures;
      assertThat(failures).isGreaterThan(0);
    } finally {
      pool.shutdown();
      log.close();
    }

    assertThat(delegateCalls).hasValue(threads * perThread);
    assertThat(log.linesWritten()).isEqualTo(expected);
    List<String> raw = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(raw).hasSize(expected);

    AuditFiles.Contents contents = AuditFiles.read(file);
    assertThat(contents.tornLines()).isZero();
    assertThat(contents.entries()).hasSize(expected);
    Set<String> identities = new HashSet<>();
    for (AuditEntry e : contents.entries()) {
      assertThat(e.offset() % 7).as("a throwing handler's record is never recorded").isNotEqualTo(3);
      assertThat(identities.add(e.partition() + "@" + e.offset())).isTrue();
      assertThat(e.runId()).isEqualTo(log.runId());
      assertThat(e.handlerId()).isIn(threadNames);
      assertThat(e.topic()).isEqualTo("orders");
      assertThat(e.key()).isEqualTo("k-" + (e.offset() % 10));
      assertThat(e.seq()).isEqualTo(e.offset() / 10);
      assertThat(e.endNanos()).isGreaterThanOrEqualTo(e.startNanos());
      assertThat(e.endEpochMillis()).isPositive();
    }
  }

  @Test
  void fixedHandlerIdAndNonWorkloadValues() throws Exception {
    Path file = dir.resolve("fixed.tsv");
    try (AuditLog log = AuditLog.open(file)) {
      RecordHandler<byte[], String> h = Audit.wrap(r -> {}, log, "canary\tv2");
      h.handle(new ConsumerRecord<>("t", 0, 5, "kéy".getBytes(StandardCharsets.UTF_8), "plain"));
      h.handle(new ConsumerRecord<>("t", 0, 6, null, "k|3|99"));
      RecordHandler<Long, Integer> numeric = Audit.wrap(r -> {}, log);
      numeric.handle(new ConsumerRecord<>("t", 1, 0, 77L, 5));
    }
    List<AuditEntry> entries = AuditFiles.read(file).entries();
    assertThat(entries).extracting(AuditEntry::handlerId)
        .containsExactly("canary\tv2", "canary\tv2", Thread.currentThread().getName());
    assertThat(entries).extracting(AuditEntry::key).containsExactly("kéy", null, "77");
    assertThat(entries).extracting(AuditEntry::seq).containsExactly(-1L, 3L, -1L);
  }

  @Test
  void throwingHandlerPropagatesTheSameExceptionAndWritesNothing() throws Exception {
    Path file = dir.resolve("throws.tsv");
    Exception boom = new java.io.IOException("downstream down");
    try (AuditLog log = AuditLog.open(file)) {
      RecordHandler<String, String> h =
          Audit.wrap(
              r -> {
                throw boom;
              },
              log);
      assertThatThrownBy(() -> h.handle(record(0, 1, 0))).isSameAs(boom);
      assertThat(log.linesWritten()).isZero();
    }
    assertThat(Files.size(file)).isZero();
  }

  @Test
  void reopeningAppendsAsANewRunAndClosedLogRefusesWrites() throws Exception {
    Path file = dir.resolve("two-runs.tsv");
    AuditLog first = AuditLog.open(file);
    Audit.<String, String>wrap(r -> {}, first).handle(record(0, 0, 0));
    first.close();
    first.close(); // idempotent
    assertThatThrownBy(() -> Audit.<String, String>wrap(r -> {}, first).handle(record(0, 1, 0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");

    String secondRunId;
    try (AuditLog second = AuditLog.open(file)) {
      secondRunId = second.runId();
      Audit.<String, String>wrap(r -> {}, second).handle(record(0, 0, 0));
    }
    assertThat(secondRunId).isNotEqualTo(first.runId()).matches("[0-9a-f]{16}");
    assertThat(AuditFiles.read(file).entries())
        .extracting(AuditEntry::runId)
        .containsExactly(first.runId(), secondRunId);
  }

  @Test
  void reopeningAFileWithATornTailKeepsItReadable() throws Exception {
    Path file = dir.resolve("torn.tsv");
    try (AuditLog log = AuditLog.open(file)) {
      Audit.<String, String>wrap(r -> {}, log).handle(record(0, 0, 0));
    }
    // the previous process died in the middle of a line
    Files.write(
        file, "abc123\tworker-1\tord".getBytes(StandardCharsets.UTF_8),
        java.nio.file.StandardOpenOption.APPEND);
    try (AuditLog log = AuditLog.open(file)) {
      Audit.<String, String>wrap(r -> {}, log).handle(record(0, 1, 0));
    }
    AuditFiles.Contents contents = AuditFiles.read(file);
    assertThat(contents.entries()).extracting(AuditEntry::offset).containsExactly(0L, 1L);
    assertThat(contents.tornLines()).isEqualTo(1);
  }
}
