package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates lag windows by the rules of LinkedIn Burrow's evaluator (its current source: the shape
 * of the window decides, gated by the allowed lag), first match wins, per partition:
 *
 * <ol>
 *   <li>empty window: {@code OK} ({@code no_offsets}) — the group never committed it;
 *   <li>the current lag unknown: {@code OK} ({@code lag_unknown}) — unknown lag is not proven lag
 *       (Burrow always knows it; a hand-written window or a recording may not);
 *   <li>the current lag &le; the allowed lag: {@code OK} ({@code lag_within_allowed}), whatever the
 *       window shows — a partition is judged only when it has lag now;
 *   <li>{@code now − last.timestamp > last.timestamp − first.timestamp} (strictly; nobody
 *       committed for longer than the window spans) and no recent broker offset at or below the
 *       last committed offset (the partition did not have zero lag recently): {@code STOP}
 *       ({@code stopped});
 *   <li>the first offset lower than the one before it, and no later offset back at or above that
 *       one (the rewind did not recover within the window): {@code REWIND} ({@code
 *       offset_rewound}); only the first rewind of the window is looked at;
 *   <li>any known lag in the window &le; the allowed lag: {@code OK} ({@code caught_up_in_window});
 *   <li>every offset equal to the one before it (a single entry included): {@code STALL} ({@code
 *       offset_not_moving});
 *   <li>no known lag lower than the known lag before it (fewer than two known lags included):
 *       {@code WARN} ({@code lag_not_decreasing});
 *   <li>otherwise {@code OK} ({@code lag_decreasing}).
 * </ol>
 *
 * <p>A window less complete than {@link LagWindow#minimumComplete()} is {@code OK} ({@code
 * window_incomplete}) before any rule but the first (Burrow's {@code minimum-complete}; 0 by
 * default, so every window is judged).
 *
 * <p>The current lag is {@code current_lag} when given, else the last broker offset minus the last
 * committed offset, else the last entry's lag. Null lags are skipped, never read as 0.
 *
 * <p><b>Hot partition</b>: a partition in {@code WARN} or {@code STALL} whose lag grew across its
 * window while every other partition of its topic in the group that has a window to judge (not
 * {@code window_incomplete}, {@code lag_unknown} or {@code no_offsets}) is {@code OK}, and whose input (growth
 * of its broker offsets) is at most twice the median input of those others — so the consumer, not a
 * skewed producer, is the cause. Needs at least one other partition of the topic.
 *
 * <p>The group status is the worst partition status ({@link GroupEvaluation#burrowStatus()} gives
 * Burrow's group status: STOP, STALL and REWIND make the group ERR); {@code complete} is the share
 * of partitions whose window holds {@link LagWindow#windowSize()} entries.
 */
public final class LagEvaluator {
  private LagEvaluator() {}

  /** Evaluates every partition of the window, then the group. */
  public static GroupEvaluation evaluate(LagWindow input) {
    requireNonNull(input, "input");
    List<PartitionEvaluation> verdicts = new ArrayList<>();
    for (PartitionWindow p : input.partitions()) {
      verdicts.add(evaluate(p, input));
    }
    verdicts = markHot(input, verdicts);
    LagStatus status = LagStatus.OK;
    long total = 0;
    long max = 0;
    int complete = 0;
    for (PartitionEvaluation v : verdicts) {
      status = status.worst(v.status());
      if (v.currentLag() != null) {
        total += v.currentLag();
        max = Math.max(max, v.currentLag());
      }
      complete += v.complete() ? 1 : 0;
    }
    double share = verdicts.isEmpty() ? 1.0 : (double) complete / verdicts.size();
    return new GroupEvaluation(status, share, total, max, verdicts);
  }

  private static PartitionEvaluation evaluate(PartitionWindow p, LagWindow in) {
    List<OffsetEntry> w = p.window();
    Long current = currentLag(p);
    boolean complete = w.size() >= in.windowSize();
    if (w.isEmpty()) {
      return verdict(p, LagStatus.OK, "no_offsets", current, complete);
    }
    if ((double) Math.min(w.size(), in.windowSize()) / in.windowSize() < in.minimumComplete()) {
      return verdict(p, LagStatus.OK, "window_incomplete", current, complete);
    }
    if (current == null) {
      return verdict(p, LagStatus.OK, "lag_unknown", null, complete);
    }
    if (current <= in.allowedLag()) {
      return verdict(p, LagStatus.OK, "lag_within_allowed", current, complete);
    }
    OffsetEntry first = w.get(0);
    OffsetEntry last = w.get(w.size() - 1);
    if (in.nowMs() - last.timestampMs() > last.timestampMs() - first.timestampMs()
        && !recentlyCaughtUp(p, last.offset())) {
      return verdict(p, LagStatus.STOP, "stopped", current, complete);
    }
    if (rewoundWithoutRecovery(w)) {
      return verdict(p, LagStatus.REWIND, "offset_rewound", current, complete);
    }
    for (OffsetEntry e : w) {
      if (e.lag() != null && e.lag() <= in.allowedLag()) {
        return verdict(p, LagStatus.OK, "caught_up_in_window", current, complete);
      }
    }
    if (w.stream().allMatch(e -> e.offset() == first.offset())) {
      return verdict(p, LagStatus.STALL, "offset_not_moving", current, complete);
    }
    if (neverDecreasing(knownLags(w))) {
      return verdict(p, LagStatus.WARN, "lag_not_decreasing", current, complete);
    }
    return verdict(p, LagStatus.OK, "lag_decreasing", current, complete);
  }

  /** Whether a recent broker offset is at or below the last committed offset: zero lag recently. */
  private static boolean recentlyCaughtUp(PartitionWindow p, long lastCommitted) {
    for (long b : p.brokerOffsets()) {
      if (b <= lastCommitted) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the window's first rewind (an offset below the one before it) did not recover: no
   * offset from it on is back at or above the offset it fell from.
   */
  private static boolean rewoundWithoutRecovery(List<OffsetEntry> w) {
    for (int i = 1; i < w.size(); i++) {
      long before = w.get(i - 1).offset();
      if (w.get(i).offset() < before) {
        for (int j = i; j < w.size(); j++) {
          if (w.get(j).offset() >= before) {
            return false; // recovered
          }
        }
        return true;
      }
    }
    return false;
  }

  private static Long currentLag(PartitionWindow p) {
    if (p.currentLag() != null) {
      return Math.max(0, p.currentLag());
    }
    List<OffsetEntry> w = p.window();
    if (w.isEmpty()) {
      return null;
    }
    OffsetEntry last = w.get(w.size() - 1);
    if (!p.brokerOffsets().isEmpty()) {
      return Math.max(0, p.brokerOffsets().get(p.brokerOffsets().size() - 1) - last.offset());
    }
    return last.lag() == null ? null : Math.max(0, last.lag());
  }

  private static List<Long> knownLags(List<OffsetEntry> w) {
    List<Long> lags = new ArrayList<>();
    for (OffsetEntry e : w) {
      if (e.lag() != null) {
        lags.add(e.lag());
      }
    }
    return lags;
  }

  private static boolean neverDecreasing(List<Long> lags) {
    for (int i = 1; i < lags.size(); i++) {
      if (lags.get(i) < lags.get(i - 1)) {
        return false;
      }
    }
    return true;
  }

  private static PartitionEvaluation verdict(
      PartitionWindow p, LagStatus s, String rule, Long current, boolean complete) {
    return new PartitionEvaluation(p.topic(), p.partition(), s, rule, current, complete, false, null);
  }

  private static List<PartitionEvaluation> markHot(LagWindow in, List<PartitionEvaluation> verdicts) {
    Map<String, List<Integer>> byTopic = new HashMap<>();
    for (int i = 0; i < verdicts.size(); i++) {
      byTopic.computeIfAbsent(verdicts.get(i).topic(), t -> new ArrayList<>()).add(i);
    }
    List<PartitionEvaluation> out = new ArrayList<>(verdicts);
    for (int i = 0; i < verdicts.size(); i++) {
      PartitionEvaluation v = verdicts.get(i);
      if (v.status() != LagStatus.WARN && v.status() != LagStatus.STALL) {
        continue;
      }
      List<Integer> others = new ArrayList<>();
      for (int j : byTopic.get(v.topic())) {
        String rule = verdicts.get(j).rule();
        if (j != i && !rule.equals("window_incomplete") && !rule.equals("no_offsets") && !rule.equals("lag_unknown")) {
          others.add(j); // peers with a window to judge
        }
      }
      if (others.isEmpty() || !others.stream().allMatch(j -> verdicts.get(j).status() == LagStatus.OK)) {
        continue;
      }
      List<Long> lags = knownLags(in.partitions().get(i).window());
      if (lags.size() < 2 || lags.get(lags.size() - 1) <= lags.get(0)) {
        continue;
      }
      Long input = inputGrowth(in.partitions().get(i));
      List<Long> otherInputs = new ArrayList<>();
      for (int j : others) {
        Long g = inputGrowth(in.partitions().get(j));
        if (g != null) {
          otherInputs.add(g);
        }
      }
      String inputText;
      if (input != null && !otherInputs.isEmpty()) {
        otherInputs.sort(null);
        long median = otherInputs.get(otherInputs.size() / 2);
        if (input > 2 * Math.max(median, 1)) {
          continue; // more input than its peers: a producer skew, not a sick consumer
        }
        inputText = "; input +" + input + " records vs a median of +" + median + " on the others";
      } else {
        inputText = "; input rates unknown";
      }
      String reason = "lag grew from " + lags.get(0) + " to " + lags.get(lags.size() - 1)
          + " over the window (" + v.rule() + ") while the other " + others.size()
          + " partition(s) of " + v.topic() + " are OK" + inputText;
      out.set(i, new PartitionEvaluation(v.topic(), v.partition(), v.status(), v.rule(),
          v.currentLag(), v.complete(), true, reason));
    }
    return out;
  }

  private static Long inputGrowth(PartitionWindow p) {
    List<Long> b = p.brokerOffsets();
    return b.size() < 2 ? null : Math.max(0, b.get(b.size() - 1) - b.get(0));
  }
}
