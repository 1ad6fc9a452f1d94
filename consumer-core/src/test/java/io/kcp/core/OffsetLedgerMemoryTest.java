package io.kcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.core.internal.PendingOffsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How much memory the ledger needs per in-flight record, and that millions of records pass through
 * it quickly with bounded memory. The numbers quoted in {@link OffsetLedger}'s javadoc come from
 * {@link #bytesPerInFlightRecord()}; its output is in {@code
 * target/surefire-reports/io.kcp.core.OffsetLedgerMemoryTest-output.txt}.
 */
class OffsetLedgerMemoryTest {

  private static final TopicPartition TP = new TopicPartition("orders", 0);

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void bytesPerInFlightRecord() {
    int records = 1_000_000;
    OffsetLedger ledger = new OffsetLedger();
    for (long o = 0; o < records; o++) {
      ledger.handOut(TP, o);
    }

    // capacity-based, exact: the sizes of the arrays the ledger holds (8-byte slot per offset,
    // 1 bit per slot, 16-byte array headers); the JVM's own heap numbers are no better here, as
    // G1 rounds an array this big up to whole regions
    long arrayBytes = ledger.retainedArrayBytes();
    double bytesPerRecord = (double) arrayBytes / records;
    System.out.printf(
        "one partition: in flight %,d; capacity %,d slots; arrays %,d bytes = %.3f bytes/record%n",
        ledger.inFlight(), ledger.capacity(TP), arrayBytes, bytesPerRecord);

    assertThat(ledger.inFlight()).isEqualTo(records);
    assertThat(ledger.capacity(TP)).isEqualTo(1 << 20);
    assertThat(arrayBytes).isEqualTo(16 + 8L * (1 << 20) + 16 + 8L * ((1 << 20) / 64));
    assertThat(bytesPerRecord).isBetween(8.0, 8.6);

    // and the memory goes away once the burst drained
    for (long o = records - 1; o >= 0; o--) {
      ledger.finish(TP, o);
    }
    assertThat(ledger.safeOffset(TP)).hasValue(records);
    assertThat(ledger.capacity(TP)).isEqualTo(PendingOffsets.MIN_CAPACITY);
    assertThat(ledger.retainedArrayBytes()).isEqualTo(16 + 8 * 64 + 16 + 8);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void retainedHeapPerInFlightRecordAcrossManyPartitions() {
    // a cross-check on the real heap: 1,000 partitions x 1,000 in flight keeps every array small
    // (no G1 humongous-region rounding) and counts the per-partition objects too
    int partitions = 1_000;
    int perPartition = 1_000;
    TopicPartition[] tps = new TopicPartition[partitions];
    for (int p = 0; p < partitions; p++) {
      tps[p] = new TopicPartition("orders", p);
    }
    long heapBefore = usedHeapAfterGc();
    OffsetLedger ledger = new OffsetLedger();
    for (TopicPartition tp : tps) {
      for (long o = 0; o < perPartition; o++) {
        ledger.handOut(tp, o * 3); // gaps cost nothing
      }
    }
    long heapAfter = usedHeapAfterGc();
    double heapBytesPerRecord = (double) (heapAfter - heapBefore) / ledger.inFlight();
    System.out.printf(
        "%,d partitions: in flight %,d; retained heap %,d bytes = %.3f bytes/record"
            + " (arrays alone: %.3f)%n",
        partitions,
        ledger.inFlight(),
        heapAfter - heapBefore,
        heapBytesPerRecord,
        (double) ledger.retainedArrayBytes() / ledger.inFlight());

    assertThat(ledger.inFlight()).isEqualTo((long) partitions * perPartition);
    assertThat(ledger.partitions()).hasSize(partitions);
    // loose, as heap readings are: a boxed Long per record alone would be 16 bytes plus a
    // reference, a TreeMap entry 40 more
    assertThat(heapBytesPerRecord).isBetween(5.0, 12.0);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void millionsOfRecordsWithABoundedWindowStayFastAndSmall() {
    // each round hands out a poll's worth of records (with gaps, as on a compacted topic), then
    // finishes the previous round's records in random order: at most two rounds in flight
    int batch = 1024;
    int rounds = 5_000;
    Random random = new Random(7);
    OffsetLedger ledger = new OffsetLedger();
    TopicPartition other = new TopicPartition("orders", 1);
    long[] previous = new long[batch];
    long[] current = new long[batch];
    int previousCount = 0;
    long next = 0;
    long cycles = 0;
    int maxCapacity = 0;
    long started = System.nanoTime();

    for (int round = 0; round < rounds; round++) {
      int count = 0;
      for (int i = 0; i < batch; i++) {
        long offset = next++;
        if (offset % 7 == 3) {
          continue; // never delivered
        }
        ledger.handOut(TP, offset);
        current[count++] = offset;
      }
      ledger.handOut(other, round); // a second, slow partition stays in the picture
      shuffle(previous, previousCount, random);
      for (int i = 0; i < previousCount; i++) {
        if (!ledger.finish(TP, previous[i])) {
          throw new AssertionError("not pending: " + previous[i]);
        }
        cycles++;
      }
      ledger.finish(other, round);
      // everything before this round finished: the safe offset is this round's first record
      assertThat(ledger.safeOffset(TP).getAsLong()).isEqualTo(current[0]);
      maxCapacity = Math.max(maxCapacity, ledger.capacity(TP));
      long[] swap = previous;
      previous = current;
      current = swap;
      previousCount = count;
    }
    for (int i = 0; i < previousCount; i++) {
      ledger.finish(TP, previous[i]);
      cycles++;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.printf(
        "%,d hand-out/finish cycles in %,d ms; max capacity %,d slots%n",
        cycles, millis, maxCapacity);

    assertThat(cycles).isGreaterThan(4_000_000);
    assertThat(ledger.inFlight()).isZero();
    long lastHandedOut = next - 1;
    while (lastHandedOut % 7 == 3) {
      lastHandedOut--;
    }
    assertThat(ledger.safeOffset(TP)).hasValue(lastHandedOut + 1);
    assertThat(ledger.safeOffset(other)).hasValue(rounds);
    assertThat(maxCapacity).as("bounded by the window, not the total").isLessThanOrEqualTo(2048);
    assertThat(ledger.capacity(TP)).isEqualTo(PendingOffsets.MIN_CAPACITY);
  }

  private static void shuffle(long[] values, int count, Random random) {
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    // a few rounds: one System.gc() is a request, and finalization/reference processing may lag
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
    }
    return used;
  }
}
