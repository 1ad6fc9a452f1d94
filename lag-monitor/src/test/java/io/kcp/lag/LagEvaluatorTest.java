package io.kcp.lag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Burrow's rules over hand-written windows, boundaries included. */
class LagEvaluatorTest {
  private static final long T0 = 1_700_000_000_000L;

  /** Entries {offset, seconds after T0, lag (negative = null)}. */
  private static PartitionWindow p(int partition, long[]... entries) {
    return p("t", partition, null, List.of(), entries);
  }

  private static PartitionWindow p(String topic, int partition, Long current, List<Long> broker, long[]... entries) {
    List<OffsetEntry> w = new ArrayList<>();
    for (long[] e : entries) {
      w.add(new OffsetEntry(e[0], T0 + e[1] * 1000, e[2] < 0 ? null : e[2]));
    }
    return new PartitionWindow(topic, partition, w, broker, current);
  }

  private static long[] e(long offset, long sec, long lag) {
    return new long[] {offset, sec, lag};
  }

  private static PartitionEvaluation one(long nowSec, long allowed, PartitionWindow pw) {
    return LagEvaluator.evaluate(new LagWindow(T0 + nowSec * 1000, allowed, 3, List.of(pw))).partitions().get(0);
  }

  @Test
  void emptyWindowIsOkWithNoOffsets() {
    PartitionEvaluation v = one(10, 0, p(0));
    assertThat(v.status()).isEqualTo(LagStatus.OK);
    assertThat(v.rule()).isEqualTo("no_offsets");
    assertThat(v.currentLag()).isNull();
  }

  /** A window of five commits 100 s apart, evaluated at {@code nowSec} (not stopped before 900 s). */
  private static PartitionEvaluation five(long nowSec, long allowed, Long current, List<Long> broker, long[] offsets,
      long[] lags) {
    long[][] entries = new long[offsets.length][];
    for (int i = 0; i < offsets.length; i++) {
      entries[i] = e(offsets[i], 100 + 100L * i, lags[i]);
    }
    return LagEvaluator.evaluate(new LagWindow(T0 + nowSec * 1000, allowed, 5,
        List.of(p("t", 0, current, broker, entries)))).partitions().get(0);
  }

  @Test
  void aRewindWithNoLagNowIsOkThePartitionIsJudgedOnlyWithLag() {
    PartitionEvaluation v = one(3, 0, p(0, e(100, 0, 5), e(120, 1, 0), e(50, 2, 0)));
    assertThat(v.status()).isEqualTo(LagStatus.OK);
    assertThat(v.rule()).isEqualTo("lag_within_allowed");
  }

  @Test
  void aRewindThatHasNotRecoveredIsRewind() {
    PartitionEvaluation v = five(600, 0, 300L, List.of(),
        new long[] {1000, 2000, 3000, 2000, 2500}, new long[] {100, 150, 200, 1250, 300});
    assertThat(v.status()).isEqualTo(LagStatus.REWIND);
    assertThat(v.rule()).isEqualTo("offset_rewound");
  }

  @Test
  void aRewindThatRecoveredWithinTheWindowIsNotRewind() {
    // back past 3000 at the last commit: the other rules decide (the lag fell 1250 -> 300: OK)
    PartitionEvaluation v = five(600, 0, 300L, List.of(),
        new long[] {1000, 2000, 3000, 2000, 4000}, new long[] {100, 150, 200, 1250, 300});
    assertThat(v.status()).isEqualTo(LagStatus.OK);
    assertThat(v.rule()).isEqualTo("lag_decreasing");
    // back to exactly the offset it fell from counts as recovered too (lags never fall: WARN)
    PartitionEvaluation exact = five(600, 0, 300L, List.of(),
        new long[] {1000, 2000, 3000, 2000, 3000}, new long[] {100, 150, 200, 1250, 1300});
    assertThat(exact.status()).isEqualTo(LagStatus.WARN);
  }

  @Test
  void onlyTheFirstRewindOfTheWindowIsLookedAt() {
    // 10 -> 5 recovers at 10; the later drop to 3 is not examined: the lag rules decide
    PartitionEvaluation v = five(600, 0, 30L, List.of(),
        new long[] {10, 5, 10, 3, 3}, new long[] {10, 15, 20, 25, 30});
    assertThat(v.status()).isEqualTo(LagStatus.WARN);
    assertThat(v.rule()).isEqualTo("lag_not_decreasing");
  }

  @Test
  void stopComesBeforeRewind() {
    PartitionEvaluation v = five(1000, 0, 300L, List.of(),
        new long[] {1000, 2000, 3000, 2000, 2500}, new long[] {100, 150, 200, 1250, 300});
    assertThat(v.status()).isEqualTo(LagStatus.STOP);
  }

  @Test
  void noStopWhenARecentBrokerOffsetWasAtOrBelowTheLastCommit() {
    long[] offsets = {1000, 2000, 3000, 4000, 5000};
    long[] lags = {50, 100, 150, 200, 250};
    // stopped (silent 500 s > span 400 s), and the log end stayed above the last commit: STOP
    assertThat(five(1000, 0, 250L, List.of(5100L, 5250L), offsets, lags).status()).isEqualTo(LagStatus.STOP);
    // a recent log end at exactly the last commit: it had zero lag recently, not STOP (lags rise: WARN)
    PartitionEvaluation v = five(1000, 0, 250L, List.of(5000L, 5250L), offsets, lags);
    assertThat(v.status()).isEqualTo(LagStatus.WARN);
    // silent exactly as long as the span: not yet stopped
    assertThat(five(900, 0, 250L, List.of(5250L), offsets, lags).status()).isEqualTo(LagStatus.WARN);
  }

  @Test
  void theAllowedLagGateComesBeforeEveryRule() {
    long[] offsets = {1000, 2000, 2000, 2000, 2000};
    long[] lags = {2, 1, 1, 1, 1};
    // stopped and stalled, but the lag now (1) is not above the allowed lag (1)
    assertThat(five(5000, 1, 1L, List.of(), offsets, lags).rule()).isEqualTo("lag_within_allowed");
    // one above: judged (stopped)
    assertThat(five(5000, 1, 2L, List.of(), offsets, lags).status()).isEqualTo(LagStatus.STOP);
  }

  @Test
  void equalOffsetsAreNotARewind() {
    PartitionEvaluation v = one(2, 0, p(0, e(100, 0, 0), e(100, 1, 0), e(100, 2, 0)));
    assertThat(v.status()).isEqualTo(LagStatus.OK);
    assertThat(v.rule()).isEqualTo("lag_within_allowed");
  }

  @Test
  void lagAtExactlyTheAllowedLagIsOk() {
    assertThat(one(2, 10, p(0, e(100, 0, 10), e(100, 1, 10), e(100, 2, 10))).status()).isEqualTo(LagStatus.OK);
    assertThat(one(2, 9, p(0, e(100, 0, 10), e(100, 1, 10), e(100, 2, 10))).status()).isEqualTo(LagStatus.STALL);
  }

  @Test
  void stopNeedsTheSilenceStrictlyLongerThanTheWindowSpan() {
    PartitionWindow w = p(0, e(100, 0, 10), e(110, 5, 20), e(120, 10, 30));
    // span 10 s; silence exactly 10 s is not yet STOP, 10.001 s is
    assertThat(one(20, 0, w).status()).isEqualTo(LagStatus.WARN);
    PartitionEvaluation stop = LagEvaluator.evaluate(new LagWindow(T0 + 20_001, 0, 3, List.of(w))).partitions().get(0);
    assertThat(stop.status()).isEqualTo(LagStatus.STOP);
    assertThat(stop.rule()).isEqualTo("stopped");
  }

  @Test
  void allEntriesAtTheSameInstantStopAsSoonAsTimeMoves() {
    PartitionWindow w = p(0, e(100, 5, 10), e(100, 5, 10));
    assertThat(one(5, 0, w).status()).isEqualTo(LagStatus.STALL);
    assertThat(one(6, 0, w).status()).isEqualTo(LagStatus.STOP);
  }

  @Test
  void anUnknownLagIsNotJudged() {
    PartitionEvaluation v = one(100, 0, p(0, e(100, 0, -1)));
    assertThat(v.status()).as("unknown lag is not proven lag").isEqualTo(LagStatus.OK);
    assertThat(v.rule()).isEqualTo("lag_unknown");
    assertThat(v.currentLag()).isNull();
  }

  @Test
  void noStopWhenCaughtUp() {
    PartitionEvaluation v = one(1000, 0, p(0, e(100, 0, 0), e(100, 1, 0)));
    assertThat(v.status()).isEqualTo(LagStatus.OK);
  }

  @Test
  void aSingleCommitWithLagIsStallThenStopOnceTimeMoves() {
    PartitionEvaluation now = one(0, 0, p(0, e(100, 0, 50)));
    assertThat(now.status()).as("one commit: offsets not moving").isEqualTo(LagStatus.STALL);
    assertThat(now.rule()).isEqualTo("offset_not_moving");
    assertThat(now.complete()).isFalse();
    assertThat(one(1, 0, p(0, e(100, 0, 50))).status()).isEqualTo(LagStatus.STOP);
  }

  @Test
  void aWindowLessCompleteThanTheMinimumIsNotJudged() {
    PartitionWindow w = p(0, e(100, 0, 10), e(100, 1, 20));
    GroupEvaluation skipped = LagEvaluator.evaluate(new LagWindow(T0 + 1000, 0, 3, List.of(w), 0.7));
    assertThat(skipped.partitions().get(0).rule()).isEqualTo("window_incomplete");
    assertThat(skipped.status()).isEqualTo(LagStatus.OK);
    GroupEvaluation judged = LagEvaluator.evaluate(new LagWindow(T0 + 1000, 0, 3, List.of(w), 0.66));
    assertThat(judged.status()).isEqualTo(LagStatus.STALL); // 2 of 3 = 0.667 >= 0.66
  }

  @Test
  void zeroLagAnywhereInTheWindowIsOk() {
    PartitionEvaluation v = one(2, 0, p(0, e(100, 0, 0), e(150, 1, 40), e(200, 2, 60)));
    assertThat(v.status()).isEqualTo(LagStatus.OK);
    assertThat(v.rule()).isEqualTo("caught_up_in_window");
  }

  @Test
  void offsetNotMovingWithLagIsStall() {
    PartitionEvaluation v = one(2, 0, p(0, e(100, 0, 10), e(100, 1, 20), e(100, 2, 30)));
    assertThat(v.status()).isEqualTo(LagStatus.STALL);
    assertThat(v.rule()).isEqualTo("offset_not_moving");
  }

  @Test
  void movingButLagNeverDecreasingIsWarnEqualLagsIncluded() {
    PartitionEvaluation v = one(2, 0, p(0, e(100, 0, 10), e(110, 1, 10), e(120, 2, 15)));
    assertThat(v.status()).isEqualTo(LagStatus.WARN);
    assertThat(v.rule()).isEqualTo("lag_not_decreasing");
  }

  @Test
  void anyDecreaseIsOk() {
    PartitionEvaluation v = one(2, 0, p(0, e(100, 0, 10), e(110, 1, 30), e(140, 2, 29)));
    assertThat(v.status()).isEqualTo(LagStatus.OK);
    assertThat(v.rule()).isEqualTo("lag_decreasing");
  }

  @Test
  void nullLagsAreSkippedNotReadAsZero() {
    // with nulls read as 0 this would be OK (caught up); skipped, two known lags 10 -> 20 is WARN
    PartitionEvaluation v = one(3, 0, p(0, e(100, 0, -1), e(110, 1, 10), e(120, 2, -1), e(130, 3, 20)));
    assertThat(v.status()).isEqualTo(LagStatus.WARN);
    // only one known lag: it never decreased, so WARN
    PartitionEvaluation one = one(2, 0, p(0, e(100, 0, -1), e(110, 1, -1), e(120, 2, 10)));
    assertThat(one.status()).isEqualTo(LagStatus.WARN);
    assertThat(one.rule()).isEqualTo("lag_not_decreasing");
    assertThat(one.currentLag()).isEqualTo(10);
  }

  @Test
  void currentLagComesFromCurrentLagThenBrokerOffsetsThenLastEntry() {
    assertThat(one(1, 0, p("t", 0, 0L, List.of(), e(100, 0, 10), e(100, 1, 10))).rule()).isEqualTo("lag_within_allowed");
    assertThat(one(1, 0, p("t", 0, null, List.of(90L, 100L), e(100, 0, 10), e(100, 1, 10))).currentLag()).isZero();
    assertThat(one(1, 0, p("t", 0, null, List.of(), e(100, 0, 10), e(100, 1, 7))).currentLag()).isEqualTo(7);
    assertThat(one(1, 0, p("t", 0, -5L, List.of(), e(100, 0, 10))).currentLag()).as("never negative").isZero();
  }

  @Test
  void groupIsWorstPartitionWithTotalsAndCompleteness() {
    LagWindow in = new LagWindow(T0 + 2000, 0, 3, List.of(
        p(0, e(100, 0, 0), e(110, 1, 0), e(120, 2, 0)),
        p(1, e(100, 0, 10), e(110, 1, 20), e(120, 2, 30)),
        p(2, e(100, 0, 10), e(100, 1, 20))));
    GroupEvaluation g = LagEvaluator.evaluate(in);
    assertThat(g.partitions()).extracting(PartitionEvaluation::status)
        .containsExactly(LagStatus.OK, LagStatus.WARN, LagStatus.STALL);
    assertThat(g.status()).isEqualTo(LagStatus.STALL);
    assertThat(g.burrowStatus()).as("a STALL partition makes the group ERR").isEqualTo(BurrowGroupStatus.ERR);
    assertThat(g.totalLag()).isEqualTo(50);
    assertThat(g.maxLag()).isEqualTo(30);
    assertThat(g.complete()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void burrowsNumbersAndGroupStatuses() {
    assertThat(List.of(LagStatus.OK, LagStatus.WARN, LagStatus.STOP, LagStatus.STALL, LagStatus.REWIND))
        .extracting(LagStatus::burrowCode).containsExactly(1, 2, 4, 5, 6);
    assertThat(List.of(BurrowGroupStatus.NOTFOUND, BurrowGroupStatus.OK, BurrowGroupStatus.WARN, BurrowGroupStatus.ERR))
        .extracting(BurrowGroupStatus::code).containsExactly(0, 1, 2, 3);
    assertThat(LagStatus.WARN.toGroupStatus()).isEqualTo(BurrowGroupStatus.WARN);
    assertThat(LagStatus.REWIND.toGroupStatus()).isEqualTo(BurrowGroupStatus.ERR);
    assertThat(LagStatus.STOP.toGroupStatus()).isEqualTo(BurrowGroupStatus.ERR);
    assertThat(LagStatus.ERR.toGroupStatus()).isEqualTo(BurrowGroupStatus.NOTFOUND);
  }

  @Test
  void noPartitionsIsOkAndComplete() {
    GroupEvaluation g = LagEvaluator.evaluate(new LagWindow(T0, 0, 3, List.of()));
    assertThat(g.status()).isEqualTo(LagStatus.OK);
    assertThat(g.complete()).isEqualTo(1.0);
    assertThat(g.totalLag()).isZero();
  }

  @Test
  void hotPartitionGrowsWhileItsPeersAreFineUnderComparableInput() {
    List<Long> input = Arrays.asList(1000L, 1100L, 1200L);
    LagWindow in = new LagWindow(T0 + 2000, 0, 3, List.of(
        p("t", 0, null, input, e(1000, 0, 0), e(1100, 1, 0), e(1200, 2, 0)),
        p("t", 1, null, input, e(1000, 0, 0), e(1100, 1, 0), e(1200, 2, 0)),
        p("t", 2, null, input, e(900, 0, 100), e(900, 1, 200), e(900, 2, 300))));
    GroupEvaluation g = LagEvaluator.evaluate(in);
    PartitionEvaluation hot = g.partitions().get(2);
    assertThat(hot.status()).isEqualTo(LagStatus.STALL);
    assertThat(hot.hot()).isTrue();
    assertThat(hot.hotReason()).contains("lag grew from 100 to 300", "other 2 partition(s) of t are OK",
        "input +200 records vs a median of +200");
    assertThat(g.partitions().get(0).hot()).isFalse();
  }

  @Test
  void notHotWhenItsInputIsFarAboveItsPeers() {
    LagWindow in = new LagWindow(T0 + 2000, 0, 3, List.of(
        p("t", 0, null, List.of(1000L, 1010L, 1020L), e(1000, 0, 0), e(1010, 1, 0), e(1020, 2, 0)),
        p("t", 1, null, List.of(1000L, 2000L, 3000L), e(900, 0, 100), e(1500, 1, 500), e(2000, 2, 1000))));
    PartitionEvaluation v = LagEvaluator.evaluate(in).partitions().get(1);
    assertThat(v.status()).isEqualTo(LagStatus.WARN);
    assertThat(v.hot()).as("a producer skew, not a sick consumer").isFalse();
  }

  @Test
  void notHotWhenAlone() {
    PartitionEvaluation v = one(2, 0, p(0, e(100, 0, 10), e(100, 1, 20), e(100, 2, 30)));
    assertThat(v.status()).isEqualTo(LagStatus.STALL);
    assertThat(v.hot()).isFalse();
  }
}
