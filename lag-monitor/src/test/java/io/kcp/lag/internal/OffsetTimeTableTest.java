package io.kcp.lag.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Interpolated time lag, each expected value computed by hand from the points given. */
class OffsetTimeTableTest {
  /** Log end 100 at 1 s, 200 at 2 s, 300 at 3 s, 400 at 4 s: 100 records per second. */
  private static OffsetTimeTable steady() {
    OffsetTimeTable t = new OffsetTimeTable(10);
    for (int i = 1; i <= 4; i++) {
      t.add(i * 100L, i * 1000L);
    }
    return t;
  }

  @Test
  void betweenTwoSamplesTheTimeIsLinear() {
    // 250 lies half-way between (200, 2000) and (300, 3000): the log end was 250 at 2500
    assertThat(steady().timeLag(250, 400, 5000)).hasValue(2500);
    // on a sample exactly: 200 at 2000
    assertThat(steady().timeLag(200, 400, 5000)).hasValue(3000);
  }

  @Test
  void noLagIsZeroWhateverTheHistory() {
    assertThat(steady().timeLag(400, 400, 5000)).hasValue(0);
    assertThat(new OffsetTimeTable(3).timeLag(7, 7, 5000)).as("no history at all").hasValue(0);
  }

  @Test
  void olderThanTheTableExtrapolatesFromTheOldestPoints() {
    // 50 is before (100, 1000); at 100 records/s it was the log end at 500
    assertThat(steady().timeLag(50, 400, 5000)).hasValue(4500);
  }

  @Test
  void theOldestPointsAreTheOnesLeftOnceTheTableIsFull() {
    OffsetTimeTable t = new OffsetTimeTable(3);
    t.add(100, 1000);
    t.add(200, 1500);
    t.add(300, 3000);
    t.add(400, 4000); // (100, 1000) falls out
    assertThat(t.size()).isEqualTo(3);
    // from (200, 1500) and (300, 3000): 15 ms per offset, so 150 was the log end at 1500 − 750 = 750
    assertThat(t.timeLag(150, 400, 5000)).hasValue(4250);
  }

  @Test
  void onePointIsNotEnough() {
    OffsetTimeTable t = new OffsetTimeTable(3);
    t.add(100, 1000);
    assertThat(t.timeLag(50, 100, 5000)).isEmpty();
  }

  @Test
  void flatLogEndOffsetsGiveNoRateAndKeepOnlyTheRunsEnds() {
    OffsetTimeTable t = new OffsetTimeTable(3);
    t.add(100, 1000);
    t.add(100, 2000);
    t.add(100, 3000);
    t.add(100, 4000);
    assertThat(t.size()).as("a run keeps its first and last point").isEqualTo(2);
    assertThat(t.timeLag(50, 100, 5000)).isEmpty();
  }

  @Test
  void afterAnIdleRunTheLastIdleSampleIsWhenTheNextRecordWasStillToCome() {
    OffsetTimeTable t = new OffsetTimeTable(10);
    t.add(100, 1000);
    t.add(100, 2000);
    t.add(100, 3000);
    t.add(200, 4000);
    // the log end was still 100 at 3000: record 100 arrived after it, not during the idle second
    assertThat(t.timeLag(100, 200, 5000)).hasValue(2000);
    assertThat(t.timeLag(150, 200, 5000)).hasValue(1500);
  }

  @Test
  void committedAheadOfEverySampleIsUnknown() {
    OffsetTimeTable t = new OffsetTimeTable(10);
    t.add(100, 1000);
    t.add(200, 2000);
    // the log end moved past 250 after the last sample: no sample saw when
    assertThat(t.timeLag(250, 300, 5000)).isEmpty();
  }

  @Test
  void aClockGoingBackwardsRestartsTheTableAndNothingIsNegative() {
    OffsetTimeTable t = new OffsetTimeTable(10);
    t.add(100, 1000);
    t.add(200, 2000);
    t.add(300, 1500); // the clock stepped back 500 ms
    assertThat(t.size()).isEqualTo(1);
    assertThat(t.timeLag(250, 300, 3000)).isEmpty();
    t.add(400, 2500);
    assertThat(t.timeLag(350, 400, 3000)).hasValue(1000);
    // "now" before the interpolated time (a skewed caller): clamped to 0, never negative
    assertThat(t.timeLag(350, 400, 1000)).hasValue(0);
  }

  @Test
  void aShrinkingLogEndRestartsTheTable() {
    OffsetTimeTable t = steady();
    t.add(10, 6000); // topic recreated
    assertThat(t.size()).isEqualTo(1);
    assertThat(t.timeLag(5, 10, 7000)).isEmpty();
  }

  @Test
  void samplesAtTheSameInstantDoNotDivideByZero() {
    OffsetTimeTable t = new OffsetTimeTable(10);
    t.add(100, 1000);
    t.add(200, 1000);
    assertThat(t.timeLag(150, 200, 3000)).hasValue(2000);
    assertThat(t.timeLag(50, 200, 3000)).as("no rate to extrapolate with").isEmpty();
  }

  @Test
  void aTableNeedsRoomForARunAndAMove() {
    assertThatThrownBy(() -> new OffsetTimeTable(2)).isInstanceOf(IllegalArgumentException.class);
  }
}
