package io.kcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random hand-outs (with gaps), completions in random order, duplicate and bogus completions,
 * resets, revokes and commits, checked step by step against a plain reference model built on {@link
 * TreeSet}.
 */
class OffsetLedgerPropertyTest {

  private static final int STEPS = 60_000;

  /** The obviously correct model of one partition. */
  private static final class Model {
    final TreeSet<Long> pending = new TreeSet<>();

    /** The same offsets, for picking a random one in O(1). */
    final List<Long> pickable = new ArrayList<>();

    long lastHandedOut = -1;
    long committed = -1;

    OptionalLong safe() {
      if (!pending.isEmpty()) {
        return OptionalLong.of(pending.first());
      }
      return lastHandedOut < 0 ? OptionalLong.empty() : OptionalLong.of(lastHandedOut + 1);
    }

    void handOut(long offset) {
      pending.add(offset);
      pickable.add(offset);
      lastHandedOut = offset;
    }

    long removeRandom(Random random) {
      int i = random.nextInt(pickable.size());
      long offset = pickable.get(i);
      pickable.set(i, pickable.get(pickable.size() - 1));
      pickable.remove(pickable.size() - 1);
      pending.remove(offset);
      return offset;
    }

    void clear() {
      pending.clear();
      pickable.clear();
      lastHandedOut = -1;
      committed = -1;
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 2024, 0xC0FFEE, 987_654_321})
  void ledgerAgreesWithTreeSetModel(long seed) {
    Random random = new Random(seed);
    List<TopicPartition> partitions =
        List.of(new TopicPartition("a", 0), new TopicPartition("a", 1), new TopicPartition("b", 7));
    Map<TopicPartition, Model> models = new HashMap<>();
    OffsetLedger ledger = new OffsetLedger();
    // phases alternate between bursts (mostly hand-outs) and drains (mostly completions), so the
    // buffers grow, wrap around, and shrink again
    double handOutBias = 0.7;
    int maxInFlightSeen = 0;

    for (int step = 0; step < STEPS; step++) {
      if (step % 5_000 == 0) {
        handOutBias = random.nextBoolean() ? 0.75 : 0.3;
      }
      TopicPartition tp = partitions.get(random.nextInt(partitions.size()));
      Model model = models.computeIfAbsent(tp, k -> new Model());
      int action = random.nextInt(1000);

      if (action < 4) {
        // seek: reset, the next hand-out restarts anywhere (here: somewhere lower)
        ledger.reset(tp);
        if (ledger.partitions().contains(tp)) {
          model.clear();
        }
      } else if (action < 6) {
        Map<TopicPartition, OffsetAndMetadata> revoked = ledger.revoke(List.of(tp));
        OptionalLong expected = model.safe();
        if (expected.isPresent()) {
          assertThat(revoked)
              .containsExactly(Map.entry(tp, new OffsetAndMetadata(expected.getAsLong())));
        } else {
          assertThat(revoked).isEmpty();
        }
        models.remove(tp);
        model = models.computeIfAbsent(tp, k -> new Model());
      } else if (action < 30) {
        // commit round: what moved, then mark it committed
        Map<TopicPartition, OffsetAndMetadata> committable = ledger.committable();
        models.forEach(
            (p, m) -> {
              OptionalLong safe = m.safe();
              boolean moved = safe.isPresent() && safe.getAsLong() > m.committed;
              assertThat(committable.containsKey(p)).as("%s moved", p).isEqualTo(moved);
              if (moved) {
                assertThat(committable.get(p).offset()).isEqualTo(safe.getAsLong());
                m.committed = safe.getAsLong();
              }
            });
        ledger.markCommitted(committable);
      } else if (action < 60) {
        // a bogus completion: never handed out, or already finished
        long bogus =
            model.lastHandedOut < 0
                ? random.nextInt(100)
                : Math.max(0, model.lastHandedOut - random.nextInt(200) + 50);
        boolean pending = model.pending.contains(bogus);
        assertThat(ledger.finish(tp, bogus)).isEqualTo(pending);
        if (pending) {
          model.pending.remove(bogus);
          model.pickable.remove(Long.valueOf(bogus));
        }
      } else if (random.nextDouble() < handOutBias || model.pending.isEmpty()) {
        long base = model.lastHandedOut < 0 ? random.nextInt(1_000_000) : model.lastHandedOut + 1;
        long gap = random.nextInt(10) < 8 ? 0 : random.nextInt(random.nextBoolean() ? 3 : 10_000);
        long offset = base + gap;
        ledger.handOut(tp, offset);
        model.handOut(offset);
      } else {
        long offset = model.removeRandom(random);
        assertThat(ledger.finish(tp, offset)).as("finish %s@%d", tp, offset).isTrue();
      }

      // invariants after every step
      assertThat(ledger.safeOffset(tp)).isEqualTo(model.safe());
      assertThat(ledger.inFlight(tp)).isEqualTo(model.pending.size());
      long total = 0;
      for (Model m : models.values()) {
        total += m.pending.size();
      }
      assertThat(ledger.inFlight()).isEqualTo(total);
      maxInFlightSeen = Math.max(maxInFlightSeen, ledger.inFlight(tp));
    }

    for (TopicPartition tp : partitions) {
      Model model = models.get(tp);
      if (model != null) {
        assertThat(ledger.safeOffset(tp)).isEqualTo(model.safe());
        // drain everything: the safe offset lands right after the last hand-out
        while (!model.pending.isEmpty()) {
          assertThat(ledger.finish(tp, model.removeRandom(random))).isTrue();
        }
        assertThat(ledger.safeOffset(tp)).isEqualTo(model.safe());
        assertThat(ledger.capacity(tp)).isLessThanOrEqualTo(64);
      }
    }
    assertThat(ledger.inFlight()).isZero();
    assertThat(maxInFlightSeen).as("the bursts really piled up records").isGreaterThan(200);
  }
}
