package io.kcp.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PendingOffsetsTest {

  private final PendingOffsets pending = new PendingOffsets();

  @Test
  void startsEmptyAtMinimumCapacity() {
    assertThat(pending.safeOffset()).isEmpty();
    assertThat(pending.lastHandedOut()).isEmpty();
    assertThat(pending.size()).isZero();
    assertThat(pending.inFlight()).isZero();
    assertThat(pending.capacity()).isEqualTo(PendingOffsets.MIN_CAPACITY);
    assertThat(pending.retainedArrayBytes()).isEqualTo(16 + 8 * 64 + 16 + 8);
  }

  @Test
  void finishedEntriesBehindTheHeadStayUntilTheHeadFinishes() {
    for (long o = 0; o < 10; o++) {
      pending.add(o);
    }
    for (long o = 1; o < 10; o++) {
      pending.finish(o);
    }
    assertThat(pending.size()).as("all ten held: 0 blocks them").isEqualTo(10);
    assertThat(pending.inFlight()).isEqualTo(1);

    pending.finish(0);
    assertThat(pending.size()).isZero();
    assertThat(pending.safeOffset()).hasValue(10);
    assertThat(pending.lastHandedOut()).hasValue(9);
  }

  @Test
  void compactionCrossesBitmapWordsAndStopsAtTheFirstUnfinished() {
    // 300 entries span five 64-bit words; leave entries 0 and 200 unfinished
    for (long o = 0; o < 300; o++) {
      pending.add(o * 2); // even offsets only: every odd one is a gap
    }
    for (long o = 0; o < 300; o++) {
      if (o != 0 && o != 200) {
        pending.finish(o * 2);
      }
    }
    assertThat(pending.safeOffset()).hasValue(0);
    pending.finish(0);
    assertThat(pending.safeOffset()).hasValue(400);
    assertThat(pending.size()).isEqualTo(100);
    assertThat(pending.inFlight()).isEqualTo(1);
    pending.finish(400);
    assertThat(pending.safeOffset()).hasValue(599);
    assertThat(pending.size()).isZero();
  }

  @Test
  void ringWrapsAroundWithoutGrowingWhenTheWindowIsSteady() {
    // keep 50 in flight in a 64-slot ring and push 10,000 offsets through it
    long next = 0;
    for (; next < 50; next++) {
      pending.add(next);
    }
    for (long done = 0; done < 10_000; done++) {
      assertThat(pending.finish(done)).isTrue();
      pending.add(next++);
      assertThat(pending.safeOffset()).hasValue(done + 1);
    }
    assertThat(pending.capacity()).isEqualTo(PendingOffsets.MIN_CAPACITY);
    assertThat(pending.inFlight()).isEqualTo(50);
  }

  @Test
  void growsWhileWrappedAndKeepsOrderAndFinishedBits() {
    // move the head into the middle of the ring first
    for (long o = 0; o < 40; o++) {
      pending.add(o);
    }
    for (long o = 0; o < 30; o++) {
      pending.finish(o);
    }
    // now the window wraps; mark some finished, then force two resizes
    for (long o = 40; o < 100; o++) {
      pending.add(o);
    }
    pending.finish(31);
    pending.finish(77);
    for (long o = 100; o < 300; o++) {
      pending.add(o);
    }
    assertThat(pending.capacity()).isEqualTo(512);
    assertThat(pending.inFlight()).isEqualTo(268);
    assertThat(pending.finish(31)).as("finished bit survived the resize").isFalse();
    assertThat(pending.finish(77)).isFalse();

    pending.finish(30);
    assertThat(pending.safeOffset()).as("30 and 31 done").hasValue(32);
    for (long o = 32; o < 300; o++) {
      pending.finish(o);
    }
    assertThat(pending.safeOffset()).hasValue(300);
    assertThat(pending.capacity()).isEqualTo(PendingOffsets.MIN_CAPACITY);
  }

  @Test
  void shrinksStepByStepAsABurstDrains() {
    for (long o = 0; o < 100_000; o++) {
      pending.add(o);
    }
    assertThat(pending.capacity()).isEqualTo(131_072);

    // drain in order down to 1,000 left: the buffer follows the window down
    for (long o = 0; o < 99_000; o++) {
      pending.finish(o);
    }
    assertThat(pending.size()).isEqualTo(1_000);
    assertThat(pending.capacity()).isBetween(2_048, 4_096);
    assertThat(pending.safeOffset()).hasValue(99_000);

    for (long o = 99_000; o < 100_000; o++) {
      pending.finish(o);
    }
    assertThat(pending.capacity()).isEqualTo(PendingOffsets.MIN_CAPACITY);
    assertThat(pending.safeOffset()).hasValue(100_000);
  }

  @Test
  void doesNotShrinkWhileFinishedEntriesAreHeldBehindTheHead() {
    for (long o = 0; o < 10_000; o++) {
      pending.add(o);
    }
    for (long o = 1; o < 10_000; o++) {
      pending.finish(o);
    }
    assertThat(pending.capacity()).as("the window still spans 10,000").isEqualTo(16_384);
    pending.finish(0);
    assertThat(pending.capacity()).isEqualTo(PendingOffsets.MIN_CAPACITY);
  }

  @Test
  void clearForgetsEverythingAndShrinks() {
    for (long o = 500; o < 1_500; o++) {
      pending.add(o);
    }
    pending.finish(501);
    pending.clear();

    assertThat(pending.size()).isZero();
    assertThat(pending.inFlight()).isZero();
    assertThat(pending.safeOffset()).isEmpty();
    assertThat(pending.lastHandedOut()).isEmpty();
    assertThat(pending.capacity()).isEqualTo(PendingOffsets.MIN_CAPACITY);
    assertThat(pending.finish(600)).isFalse();

    pending.add(3); // lower than before: allowed after clear
    assertThat(pending.safeOffset()).hasValue(3);
  }

  @Test
  void clearAtMinimumCapacityAlsoClearsFinishedBits() {
    pending.add(0);
    pending.add(1);
    pending.finish(1);
    pending.clear();

    pending.add(0);
    pending.add(1);
    assertThat(pending.inFlight()).isEqualTo(2);
    assertThat(pending.finish(1)).as("no stale finished bit in the reused slot").isTrue();
    pending.finish(0);
    assertThat(pending.safeOffset()).hasValue(2);
  }

  @Test
  void rejectsOutOfOrderAndOutOfRangeOffsets() {
    pending.add(10);
    assertThatThrownBy(() -> pending.add(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "offset 10 handed out after 10: offsets of a partition must be handed out in"
                + " strictly increasing order (call reset after a seek)");
    assertThatThrownBy(() -> pending.add(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> pending.add(Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    pending.add(Long.MAX_VALUE - 1);
    pending.finish(10);
    pending.finish(Long.MAX_VALUE - 1);
    assertThat(pending.safeOffset()).hasValue(Long.MAX_VALUE);
  }
}
