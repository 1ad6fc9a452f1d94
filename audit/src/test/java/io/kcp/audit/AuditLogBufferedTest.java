package io.kcp.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogBufferedTest {
  @TempDir Path dir;

  static AuditEntry entry(String run, String thread, int partition, long offset) {
    return new AuditEntry(run, thread, "t", partition, offset, "k" + (offset % 7), offset, 1, 2, 3);
  }

  @Test
  void everyLineOfEveryThreadReachesTheFileWholeAtClose() throws Exception {
    Path file = dir.resolve("a.tsv");
    AuditLog log = AuditLog.openBuffered(file);
    int threads = 8;
    int perThread = 50_000; // several buffers' worth each: flushed while running and at close
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int partition = t;
      Thread w = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          log.append(entry(log.runId(), "w" + partition, partition, i));
        }
      });
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    assertThat(log.linesWritten()).isEqualTo((long) threads * perThread);
    log.close();
    AuditFiles.Contents c = AuditFiles.read(file);
    assertThat(c.tornLines()).isZero();
    assertThat(c.entries()).hasSize(threads * perThread);
    Set<String> seen = new HashSet<>();
    for (AuditEntry e : c.entries()) {
      seen.add(e.partition() + "@" + e.offset());
    }
    assertThat(seen).hasSize(threads * perThread);
    assertThatThrownBy(() -> log.append(entry(log.runId(), "late", 0, 1))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aThreadThatStartsAfterTheCloseCannotAppendIntoALostBuffer() throws Exception {
    AuditLog log = AuditLog.openBuffered(dir.resolve("b.tsv"));
    log.append(entry(log.runId(), "main", 0, 0));
    log.close();
    Throwable[] failure = new Throwable[1];
    Thread late = new Thread(() -> {
      try {
        log.append(entry(log.runId(), "late", 0, 1));
      } catch (Throwable t) {
        failure[0] = t;
      }
    });
    late.start();
    late.join();
    assertThat(failure[0]).isInstanceOf(IllegalStateException.class);
    assertThat(AuditFiles.read(dir.resolve("b.tsv")).entries()).hasSize(1);
  }

  @Test
  void recordsAuditedThroughWrapAreParsedAndWrittenAtTheClose() throws Exception {
    Path file = dir.resolve("c.tsv");
    AuditLog log = AuditLog.openBuffered(file);
    io.kcp.core.RecordHandler<String, String> audited = Audit.wrap(r -> { }, log, "h");
    for (long i = 0; i < 3; i++) {
      WorkloadRecord w = WorkloadRecord.of(i, 2, 1_000L);
      audited.handle(new org.apache.kafka.clients.consumer.ConsumerRecord<>("t", 0, i, w.key(), w.toValue()));
    }
    assertThat(AuditFiles.read(file).entries()).as("nothing written before the close").isEmpty();
    assertThat(log.linesWritten()).isEqualTo(3);
    log.close();
    List<AuditEntry> entries = AuditFiles.read(file).entries();
    assertThat(entries).extracting(AuditEntry::offset).containsExactly(0L, 1L, 2L);
    assertThat(entries).extracting(AuditEntry::seq).containsExactly(
        WorkloadRecord.of(0, 2, 1_000L).seq(), WorkloadRecord.of(1, 2, 1_000L).seq(), WorkloadRecord.of(2, 2, 1_000L).seq());
    assertThat(entries).extracting(AuditEntry::handlerId).containsOnly("h");
    assertThat(entries).extracting(AuditEntry::runId).containsOnly(log.runId());
  }

  @Test
  void aThreadPerRecordCostsTheRecordNotABufferEach() throws Exception {
    // a virtual-thread executor runs every record on a thread of its own: 20,000 threads here, each
    // with a buffer of its own; a buffer sized up front (256 KB each at the close) would need 5 GB
    Path file = dir.resolve("d.tsv");
    AuditLog log = AuditLog.openBuffered(file);
    io.kcp.core.RecordHandler<String, String> audited = Audit.wrap(r -> { }, log, "vt");
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      long offset = i;
      Thread t = new Thread(() -> {
        try {
          WorkloadRecord w = WorkloadRecord.of(offset, 10, 1_000L);
          audited.handle(new org.apache.kafka.clients.consumer.ConsumerRecord<>("t", 0, offset, w.key(), w.toValue()));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      t.start();
      t.join();
    }
    log.close();
    assertThat(log.bufferedBytes()).as("bytes the 20,000 buffers kept").isLessThan(1 << 20);
    assertThat(AuditFiles.read(file).entries()).hasSize(n);
  }
}
