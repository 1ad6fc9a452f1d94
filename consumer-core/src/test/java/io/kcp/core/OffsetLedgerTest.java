package io.kcp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {

  private static final TopicPartition TP = new TopicPartition("orders", 0);
  private static final TopicPartition TP1 = new TopicPartition("orders", 1);
  private static final TopicPartition OTHER = new TopicPartition("payments", 0);

  private final OffsetLedger ledger = new OffsetLedger();

  private void handOut(TopicPartition tp, long from, long toInclusive) {
    for (long o = from; o <= toInclusive; o++) {
      ledger.handOut(tp, o);
    }
  }

  private static OffsetAndMetadata at(long offset) {
    return new OffsetAndMetadata(offset);
  }

  @Test
  void aCompletionFromBeforeARevokeOrResetNeverFinishesAnOffsetHandedOutAgain() {
    int before = ledger.handOut(TP, 5);
    ledger.revoke(List.of(TP)); // the partition moves away and comes back
    int after = ledger.handOut(TP, 5);
    assertThat(after).isNotEqualTo(before);
    assertThat(ledger.finish(TP, 5, before)).as("the old owner's completion").isFalse();
    assertThat(ledger.safeOffset(TP)).hasValue(5);
    assertThat(ledger.inFlight(TP)).isEqualTo(1);

    ledger.reset(TP); // the position moved back: offset 5 is handed out once more
    int reset = ledger.handOut(TP, 5);
    assertThat(ledger.finish(TP, 5, after)).isFalse();
    assertThat(ledger.finish(TP, 5, reset)).isTrue();
    assertThat(ledger.safeOffset(TP)).hasValue(6);
  }

  @Test
  void lastHandedOutTellsWhenThePositionMovedBack() {
    assertThat(ledger.lastHandedOut(TP)).isEmpty();
    handOut(TP, 10, 12);
    assertThat(ledger.lastHandedOut(TP)).hasValue(12);
    ledger.reset(TP);
    assertThat(ledger.lastHandedOut(TP)).isEmpty();
  }

  @Test
  void emptyLedgerHasNothing() {
    assertThat(ledger.safeOffset(TP)).isEmpty();
    assertThat(ledger.inFlight(TP)).isZero();
    assertThat(ledger.inFlight()).isZero();
    assertThat(ledger.partitions()).isEmpty();
    assertThat(ledger.committable()).isEmpty();
    assertThat(ledger.safeOffsets()).isEmpty();
  }

  @Test
  void handedOutButUnfinishedOffsetIsTheSafeOffset() {
    ledger.handOut(TP, 42);

    assertThat(ledger.safeOffset(TP)).hasValue(42);
    assertThat(ledger.inFlight(TP)).isEqualTo(1);
    assertThat(ledger.partitions()).containsExactly(TP);
  }

  @Test
  void inOrderCompletionMovesTheSafeOffsetOneByOne() {
    handOut(TP, 0, 4);

    for (long o = 0; o <= 4; o++) {
      assertThat(ledger.finish(TP, o)).isTrue();
      assertThat(ledger.safeOffset(TP)).hasValue(o + 1);
      assertThat(ledger.inFlight(TP)).isEqualTo((int) (4 - o));
    }
    assertThat(ledger.inFlight()).isZero();
  }

  @Test
  void outOfOrderCompletionMovesOnlyOverTheContiguousFinishedPrefix() {
    handOut(TP, 10, 15);

    assertThat(ledger.finish(TP, 12)).isTrue();
    assertThat(ledger.finish(TP, 14)).isTrue();
    assertThat(ledger.safeOffset(TP)).as("10 still running").hasValue(10);
    assertThat(ledger.inFlight(TP)).isEqualTo(4);

    assertThat(ledger.finish(TP, 10)).isTrue();
    assertThat(ledger.safeOffset(TP)).as("11 still running").hasValue(11);

    assertThat(ledger.finish(TP, 11)).isTrue();
    assertThat(ledger.safeOffset(TP)).as("12 was done, 13 is not").hasValue(13);

    assertThat(ledger.finish(TP, 15)).isTrue();
    assertThat(ledger.safeOffset(TP)).hasValue(13);

    assertThat(ledger.finish(TP, 13)).isTrue();
    assertThat(ledger.safeOffset(TP)).as("everything finished").hasValue(16);
    assertThat(ledger.inFlight(TP)).isZero();
  }

  @Test
  void reverseCompletionJumpsAtTheEnd() {
    handOut(TP, 0, 999);
    for (long o = 999; o >= 1; o--) {
      ledger.finish(TP, o);
      assertThat(ledger.safeOffset(TP)).hasValue(0);
    }
    ledger.finish(TP, 0);
    assertThat(ledger.safeOffset(TP)).hasValue(1000);
    assertThat(ledger.inFlight()).isZero();
  }

  @Test
  void gapsNeverBlockTheSafeOffset() {
    // compacted topic / transaction markers: 3, 4, 8..19 are never delivered
    ledger.handOut(TP, 0);
    ledger.handOut(TP, 1);
    ledger.handOut(TP, 2);
    ledger.handOut(TP, 5);
    ledger.handOut(TP, 6);
    ledger.handOut(TP, 7);
    ledger.handOut(TP, 20);

    ledger.finish(TP, 0);
    ledger.finish(TP, 1);
    ledger.finish(TP, 2);
    assertThat(ledger.safeOffset(TP)).as("next pending is 5, not the missing 3").hasValue(5);

    ledger.finish(TP, 6);
    ledger.finish(TP, 7);
    ledger.finish(TP, 5);
    assertThat(ledger.safeOffset(TP)).hasValue(20);

    ledger.finish(TP, 20);
    assertThat(ledger.safeOffset(TP)).hasValue(21);
  }

  @Test
  void gapOffsetsCannotBeFinished() {
    ledger.handOut(TP, 0);
    ledger.handOut(TP, 5);

    assertThat(ledger.finish(TP, 3)).isFalse();
    assertThat(ledger.safeOffset(TP)).hasValue(0);
    assertThat(ledger.inFlight(TP)).isEqualTo(2);
  }

  @Test
  void finishingAllOfAFirstBatchWithGapThenAnotherBatchAdvancesPastBoth() {
    handOut(TP, 0, 2);
    ledger.finish(TP, 0);
    ledger.finish(TP, 1);
    ledger.finish(TP, 2);
    assertThat(ledger.safeOffset(TP)).hasValue(3);

    // next poll starts after a gap
    handOut(TP, 100, 101);
    assertThat(ledger.safeOffset(TP)).hasValue(100);
    ledger.finish(TP, 101);
    ledger.finish(TP, 100);
    assertThat(ledger.safeOffset(TP)).hasValue(102);
  }

  @Test
  void partitionsAreIndependent() {
    handOut(TP, 0, 9);
    handOut(TP1, 100, 109);
    handOut(OTHER, 5, 6);

    ledger.finish(TP1, 100);
    ledger.finish(TP1, 101);
    ledger.finish(OTHER, 6);
    // the same offset number on another partition is a different record
    assertThat(ledger.finish(TP, 100)).isFalse();
    assertThat(ledger.finish(TP, 5)).isTrue();

    assertThat(ledger.safeOffset(TP)).hasValue(0);
    assertThat(ledger.safeOffset(TP1)).hasValue(102);
    assertThat(ledger.safeOffset(OTHER)).hasValue(5);
    assertThat(ledger.inFlight(TP)).isEqualTo(9);
    assertThat(ledger.inFlight(TP1)).isEqualTo(8);
    assertThat(ledger.inFlight(OTHER)).isEqualTo(1);
    assertThat(ledger.inFlight()).isEqualTo(18);
    assertThat(ledger.partitions()).containsExactlyInAnyOrder(TP, TP1, OTHER);
    assertThat(ledger.safeOffsets())
        .containsOnly(Map.entry(TP, at(0)), Map.entry(TP1, at(102)), Map.entry(OTHER, at(5)));
  }

  @Test
  void nonIncreasingHandOutIsRejectedWithAClearMessage() {
    ledger.handOut(TP, 7);

    assertThatThrownBy(() -> ledger.handOut(TP, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("orders-0")
        .hasMessageContaining("offset 7 handed out after 7")
        .hasMessageContaining("strictly increasing")
        .hasMessageContaining("reset");
    assertThatThrownBy(() -> ledger.handOut(TP, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 3 handed out after 7");

    // nothing changed
    assertThat(ledger.inFlight()).isEqualTo(1);
    assertThat(ledger.safeOffset(TP)).hasValue(7);
    // another partition is not affected
    ledger.handOut(TP1, 3);
    assertThat(ledger.safeOffset(TP1)).hasValue(3);
  }

  @Test
  void nonIncreasingHandOutIsRejectedEvenAfterEverythingFinished() {
    handOut(TP, 0, 5);
    for (long o = 0; o <= 5; o++) {
      ledger.finish(TP, o);
    }
    assertThatThrownBy(() -> ledger.handOut(TP, 5)).isInstanceOf(IllegalArgumentException.class);
    ledger.handOut(TP, 6);
    assertThat(ledger.safeOffset(TP)).hasValue(6);
  }

  @Test
  void outOfRangeOffsetsAreRejectedAndDoNotStartTracking() {
    assertThatThrownBy(() -> ledger.handOut(TP, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> ledger.handOut(TP, Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    assertThat(ledger.partitions()).isEmpty();
    assertThat(ledger.safeOffset(TP)).isEmpty();
  }

  @Test
  void offsetsNearLongMaxValue() {
    long base = Long.MAX_VALUE - 10;
    for (int i = 0; i < 4; i++) {
      ledger.handOut(TP, base + 3L * i); // base, +3, +6, +9 = Long.MAX_VALUE - 1
    }
    assertThat(ledger.inFlight(TP)).isEqualTo(4);
    assertThat(ledger.finish(TP, base + 9)).isTrue();
    assertThat(ledger.finish(TP, base + 3)).isTrue();
    assertThat(ledger.finish(TP, base + 1)).isFalse();
    assertThat(ledger.safeOffset(TP)).hasValue(base);
    assertThat(ledger.finish(TP, base)).isTrue();
    assertThat(ledger.safeOffset(TP)).hasValue(base + 6);
    assertThat(ledger.finish(TP, base + 6)).isTrue();
    assertThat(ledger.safeOffset(TP)).hasValue(Long.MAX_VALUE);
    assertThat(ledger.committable()).containsExactly(Map.entry(TP, at(Long.MAX_VALUE)));
  }

  @Test
  void largeOffsetsWithHugeGaps() {
    long[] offsets = {1L << 40, (1L << 40) + 1, 1L << 50, 1L << 62, (1L << 62) + 12_345};
    for (long o : offsets) {
      ledger.handOut(TP, o);
    }
    ledger.finish(TP, offsets[4]);
    ledger.finish(TP, offsets[0]);
    ledger.finish(TP, offsets[2]);
    assertThat(ledger.safeOffset(TP)).hasValue(offsets[1]);
    ledger.finish(TP, offsets[1]);
    assertThat(ledger.safeOffset(TP)).hasValue(offsets[3]);
    ledger.finish(TP, offsets[3]);
    assertThat(ledger.safeOffset(TP)).hasValue(offsets[4] + 1);
  }

  @Test
  void duplicateFinishReturnsFalseAndChangesNothing() {
    handOut(TP, 0, 2);

    assertThat(ledger.finish(TP, 1)).isTrue();
    assertThat(ledger.finish(TP, 1)).isFalse();
    assertThat(ledger.inFlight(TP)).isEqualTo(2);
    assertThat(ledger.inFlight()).isEqualTo(2);

    assertThat(ledger.finish(TP, 0)).isTrue();
    assertThat(ledger.safeOffset(TP)).hasValue(2);
    // 0 and 1 were compacted away: finishing them again is still a no-op
    assertThat(ledger.finish(TP, 0)).isFalse();
    assertThat(ledger.finish(TP, 1)).isFalse();
    assertThat(ledger.inFlight()).isEqualTo(1);
    assertThat(ledger.safeOffset(TP)).hasValue(2);
  }

  @Test
  void finishOfNeverHandedOutOffsetReturnsFalse() {
    ledger.handOut(TP, 10);
    ledger.handOut(TP, 12);

    assertThat(ledger.finish(TP, 9)).as("below the window").isFalse();
    assertThat(ledger.finish(TP, 11)).as("a gap inside the window").isFalse();
    assertThat(ledger.finish(TP, 13)).as("above the last handed out").isFalse();
    assertThat(ledger.finish(TP, -5)).isFalse();
    assertThat(ledger.finish(TP, Long.MAX_VALUE)).isFalse();
    assertThat(ledger.finish(OTHER, 10)).as("unknown partition").isFalse();
    assertThat(ledger.partitions()).as("finish never starts tracking").containsExactly(TP);
    assertThat(ledger.inFlight()).isEqualTo(2);
    assertThat(ledger.safeOffset(TP)).hasValue(10);
  }

  @Test
  void revokeReturnsSafeOffsetsAndForgetsThePartitions() {
    handOut(TP, 0, 9);
    handOut(TP1, 50, 59);
    handOut(OTHER, 0, 4);
    for (long o = 0; o <= 4; o++) {
      ledger.finish(TP, o);
    }
    ledger.finish(TP, 6); // behind unfinished 5
    ledger.finish(TP1, 50);

    Map<TopicPartition, OffsetAndMetadata> revoked =
        ledger.revoke(List.of(TP, TP1, new TopicPartition("never-seen", 0)));

    assertThat(revoked).containsOnly(Map.entry(TP, at(5)), Map.entry(TP1, at(51)));
    assertThat(ledger.partitions()).containsExactly(OTHER);
    assertThat(ledger.safeOffset(TP)).isEmpty();
    assertThat(ledger.inFlight(TP)).isZero();
    assertThat(ledger.inFlight()).as("only OTHER's 5 records remain").isEqualTo(5);
    assertThat(ledger.committable()).containsOnlyKeys(OTHER);
  }

  @Test
  void finishAfterRevokeReturnsFalse() {
    handOut(TP, 0, 3);
    ledger.revoke(List.of(TP));

    assertThat(ledger.finish(TP, 0)).isFalse();
    assertThat(ledger.finish(TP, 3)).isFalse();
    assertThat(ledger.inFlight()).isZero();
    assertThat(ledger.partitions()).isEmpty();
  }

  @Test
  void partitionAssignedAgainAfterRevokeStartsFresh() {
    handOut(TP, 100, 105);
    ledger.markCommitted(ledger.committable());
    ledger.revoke(List.of(TP));

    // reassigned later: position may be anywhere, e.g. lower if the new owner did not commit
    ledger.handOut(TP, 50);
    assertThat(ledger.safeOffset(TP)).hasValue(50);
    assertThat(ledger.committable()).as("committed mark was forgotten too").containsKey(TP);
    assertThat(ledger.finish(TP, 50)).isTrue();
    assertThat(ledger.safeOffset(TP)).hasValue(51);
  }

  @Test
  void forgetDropsWithoutReturningAnything() {
    handOut(TP, 0, 9);
    handOut(TP1, 0, 9);
    ledger.finish(TP, 0);

    ledger.forget(List.of(TP, new TopicPartition("never-seen", 3)));

    assertThat(ledger.partitions()).containsExactly(TP1);
    assertThat(ledger.safeOffset(TP)).isEmpty();
    assertThat(ledger.finish(TP, 1)).isFalse();
    assertThat(ledger.inFlight()).isEqualTo(10);
    assertThat(ledger.committable()).containsOnlyKeys(TP1);
  }

  @Test
  void resetAfterSeekAllowsLowerOffsetsAndDropsPendingOnes() {
    handOut(TP, 100, 109);
    ledger.finish(TP, 100);
    ledger.finish(TP, 105);
    assertThat(ledger.safeOffset(TP)).hasValue(101);

    ledger.reset(TP); // consumer.seek(TP, 40)

    assertThat(ledger.safeOffset(TP)).as("unknown until the next hand-out").isEmpty();
    assertThat(ledger.inFlight(TP)).isZero();
    assertThat(ledger.inFlight()).isZero();
    assertThat(ledger.partitions()).as("still assigned").containsExactly(TP);
    assertThat(ledger.finish(TP, 106)).as("dropped by reset").isFalse();

    handOut(TP, 40, 42);
    assertThat(ledger.safeOffset(TP)).hasValue(40);
    assertThat(ledger.finish(TP, 41)).isTrue();
    assertThat(ledger.finish(TP, 40)).isTrue();
    assertThat(ledger.safeOffset(TP)).hasValue(42);
    assertThat(ledger.inFlight()).isEqualTo(1);
  }

  @Test
  void resetAllowsSeekingForwardAndAffectsNoOtherPartition() {
    handOut(TP, 0, 3);
    handOut(TP1, 0, 3);
    ledger.reset(TP);
    ledger.handOut(TP, 1_000_000);

    assertThat(ledger.safeOffset(TP)).hasValue(1_000_000);
    assertThat(ledger.safeOffset(TP1)).hasValue(0);
    assertThat(ledger.inFlight()).isEqualTo(5);
  }

  @Test
  void resetOfUntrackedPartitionDoesNothing() {
    ledger.reset(TP);
    assertThat(ledger.partitions()).isEmpty();
    assertThat(ledger.safeOffset(TP)).isEmpty();
  }

  @Test
  void committableReportsOnlyPartitionsThatMoved() {
    handOut(TP, 0, 4);
    handOut(TP1, 0, 4);
    handOut(OTHER, 0, 4);
    ledger.finish(TP, 0);
    ledger.finish(TP1, 0);
    ledger.finish(TP1, 1);

    Map<TopicPartition, OffsetAndMetadata> first = ledger.committable();
    assertThat(first)
        .containsOnly(Map.entry(TP, at(1)), Map.entry(TP1, at(2)), Map.entry(OTHER, at(0)));

    ledger.markCommitted(first);
    assertThat(ledger.committable()).as("nothing moved since the commit").isEmpty();

    ledger.finish(TP1, 3); // behind unfinished 2: safe offset does not move
    assertThat(ledger.committable()).isEmpty();

    ledger.finish(TP1, 2);
    ledger.finish(OTHER, 0);
    assertThat(ledger.committable()).containsOnly(Map.entry(TP1, at(4)), Map.entry(OTHER, at(1)));
  }

  @Test
  void committableKeepsReportingUntilMarkedCommitted() {
    handOut(TP, 0, 1);
    ledger.finish(TP, 0);

    assertThat(ledger.committable()).containsExactly(Map.entry(TP, at(1)));
    // the commit failed: nothing was marked, so it is still committable
    assertThat(ledger.committable()).containsExactly(Map.entry(TP, at(1)));
  }

  @Test
  void markCommittedIgnoresStaleUnknownAndFutureOffsets() {
    handOut(TP, 0, 9);
    for (long o = 0; o < 8; o++) {
      ledger.finish(TP, o);
    }
    Map<TopicPartition, OffsetAndMetadata> older = Map.of(TP, at(3));
    ledger.markCommitted(Map.of(TP, at(8)));
    ledger.markCommitted(older); // late callback of an older async commit
    assertThat(ledger.committable()).isEmpty();

    ledger.markCommitted(Map.of(OTHER, at(5))); // not tracked: ignored
    assertThat(ledger.partitions()).containsExactly(TP);

    ledger.reset(TP);
    handOut(TP, 2, 3);
    ledger.finish(TP, 2);
    ledger.markCommitted(Map.of(TP, at(8))); // stale: from before the seek, beyond safe offset 3
    assertThat(ledger.committable()).containsExactly(Map.entry(TP, at(3)));
  }

  @Test
  void resetClearsTheCommittedMark() {
    handOut(TP, 0, 9);
    for (long o = 0; o <= 9; o++) {
      ledger.finish(TP, o);
    }
    ledger.markCommitted(ledger.committable());
    assertThat(ledger.committable()).isEmpty();

    ledger.reset(TP);
    assertThat(ledger.committable()).as("nothing handed out since the seek").isEmpty();
    ledger.handOut(TP, 3);
    ledger.finish(TP, 3);
    assertThat(ledger.committable())
        .as("after seeking back, the new position is committable")
        .containsExactly(Map.entry(TP, at(4)));
  }

  @Test
  void returnedCollectionsAreDetachedFromTheLedger() {
    handOut(TP, 0, 1);
    var partitions = ledger.partitions();
    var committable = ledger.committable();
    ledger.handOut(TP1, 0);
    ledger.finish(TP, 0);

    assertThat(partitions).containsExactly(TP);
    assertThat(committable).containsExactly(Map.entry(TP, at(0)));
    assertThatThrownBy(() -> partitions.add(OTHER))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void backlogCountsFinishedRecordsStuckBehindASlowOne() {
    handOut(TP, 0, 99);
    for (long o = 1; o < 100; o++) {
      ledger.finish(TP, o);
    }
    assertThat(ledger.inFlight(TP)).isEqualTo(1);
    assertThat(ledger.backlog(TP)).as("a crash now re-delivers all 100").isEqualTo(100);
    assertThat(ledger.backlog(OTHER)).isZero();

    ledger.finish(TP, 0);
    assertThat(ledger.backlog(TP)).isZero();
    assertThat(ledger.safeOffset(TP)).hasValue(100);
  }

  @Test
  void toStringSummarizesWithoutListingOffsets() {
    handOut(TP, 5, 6);
    ledger.handOut(TP1, 9);
    assertThat(ledger.toString()).isEqualTo("OffsetLedger{partitions=2, inFlight=3}");
  }
}
