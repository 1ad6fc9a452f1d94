package io.kcp.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matching and counting, the pure part of an {@link AuditReport}: each audit line is matched to
 * the produced record it handled (by topic, partition and offset), each dead-letter record to the
 * record it stands for, and the lost, duplicated, reordered and dead-lettered records are counted,
 * with a few examples of each.
 */
final class AuditCounting {
  private AuditCounting() {}

  /** Counts; see {@link AuditReport#compute(List, List, long, List)}. */
  static AuditTally count(
      List<ProducedRecord> produced,
      List<AuditEntry> handled,
      long tornLines,
      List<DeadLetterRecord> deadLetters) {
    AuditTally b = new AuditTally();
    b.produced = produced.size();
    b.handledTotal = handled.size();
    b.tornLines = tornLines;

    ProducedIndex index = new ProducedIndex(produced);
    int[] times = new int[produced.size()];
    Set<String> runIds = new HashSet<>();
    for (AuditEntry e : handled) {
      runIds.add(e.runId());
      int i = index.find(e.topic(), e.partition(), e.offset());
      if (i < 0) {
        b.unknownHandled++;
        if (b.unknownHandledExamples.size() < AuditReport.MAX_EXAMPLES) {
          b.unknownHandledExamples.add(e);
        }
      } else if (times[i] < Integer.MAX_VALUE) {
        times[i]++;
      }
    }
    b.runs = runIds.size();

    DeadLetterRecord[] deadLetterOf = deadLetters(produced, index, deadLetters);
    Map<Integer, Integer> duplicateExampleIndex = new LinkedHashMap<>();
    for (int i = 0; i < times.length; i++) {
      int t = times[i];
      DeadLetterRecord dead = deadLetterOf[i];
      if (dead != null) {
        b.deadLettered++;
        if (t > 0) {
          b.deadLetteredAndHandled++;
        }
        if (b.deadLetteredExamples.size() < AuditReport.MAX_EXAMPLES) {
          b.deadLetteredExamples.add(new AuditReport.DeadLettered(produced.get(i), dead, t > 0));
        }
      }
      if (t == 0 && dead == null) {
        b.lost++;
        if (b.lostExamples.size() < AuditReport.MAX_EXAMPLES) {
          b.lostExamples.add(produced.get(i));
        }
      } else if (t > 0) {
        b.handled++;
        if (t > 1) {
          b.duplicates += t - 1;
          if (duplicateExampleIndex.size() < AuditReport.MAX_EXAMPLES) {
            duplicateExampleIndex.put(i, t);
          }
        }
      }
    }
    if (!duplicateExampleIndex.isEmpty()) {
      Map<Integer, Set<String>> runsOf = new HashMap<>();
      for (AuditEntry e : handled) {
        int i = index.find(e.topic(), e.partition(), e.offset());
        if (i >= 0 && duplicateExampleIndex.containsKey(i)) {
          runsOf.computeIfAbsent(i, x -> new LinkedHashSet<>()).add(e.runId());
        }
      }
      duplicateExampleIndex.forEach(
          (i, t) ->
              b.duplicateExamples.add(
                  new AuditReport.Duplicate(produced.get(i), t, new ArrayList<>(runsOf.get(i)))));
    }

    orderViolations(handled, b);
    return b;
  }

  private record WorkloadIdentity(String key, long seq) {}

  /** Per produced record (by index), the first DLT record that matches it, or null. */
  private static DeadLetterRecord[] deadLetters(
      List<ProducedRecord> produced, ProducedIndex index, List<DeadLetterRecord> deadLetters) {
    DeadLetterRecord[] first = new DeadLetterRecord[produced.size()];
    Map<WorkloadIdentity, Integer> byIdentity = null; // built on the first DLT record without origin
    for (DeadLetterRecord d : deadLetters) {
      int i;
      if (d.hasOrigin()) {
        i = index.find(d.originalTopic(), d.originalPartition(), d.originalOffset());
      } else if (d.key() == null || d.seq() < 0) {
        i = -1;
      } else {
        if (byIdentity == null) {
          byIdentity = new HashMap<>();
          for (int j = 0; j < produced.size(); j++) {
            ProducedRecord r = produced.get(j);
            if (r.key() != null && r.seq() >= 0) {
              // -1 marks an identity that several produced records share: ambiguous
              byIdentity.merge(new WorkloadIdentity(r.key(), r.seq()), j, (a, x) -> -1);
            }
          }
        }
        i = byIdentity.getOrDefault(new WorkloadIdentity(d.key(), d.seq()), -1);
      }
      if (i >= 0 && first[i] == null) {
        first[i] = d;
      }
    }
    return first;
  }

  private record RunKey(String runId, String topic, String key) {}

  private static final Comparator<AuditEntry> BY_SEQ_THEN_START =
      Comparator.comparingLong(AuditEntry::seq)
          .thenComparing((x, y) -> Long.signum(x.startNanos() - y.startNanos()))
          .thenComparing((x, y) -> Long.signum(x.endNanos() - y.endNanos()));

  private static void orderViolations(List<AuditEntry> handled, AuditTally b) {
    Map<RunKey, List<AuditEntry>> groups = new LinkedHashMap<>();
    RunKey last = null;
    List<AuditEntry> lastGroup = null;
    for (AuditEntry e : handled) {
      if (e.seq() < 0 || e.key() == null) {
        continue;
      }
      if (last == null
          || !last.key().equals(e.key())
          || !last.runId().equals(e.runId())
          || !last.topic().equals(e.topic())) {
        last = new RunKey(e.runId(), e.topic(), e.key());
        lastGroup = groups.computeIfAbsent(last, k -> new ArrayList<>());
      }
      lastGroup.add(e);
    }
    for (List<AuditEntry> group : groups.values()) {
      group.sort(BY_SEQ_THEN_START);
      // sweep in seq order; `latest` is the first handling, among smaller seqs, that ended last
      AuditEntry latest = null;
      long previousSeq = -1;
      for (AuditEntry e : group) {
        if (e.seq() == previousSeq) {
          continue; // a later handling of the same seq in this run: a duplicate, not an order issue
        }
        previousSeq = e.seq();
        if (latest != null && e.startNanos() - latest.endNanos() < 0) {
          b.orderViolations++;
          if (b.orderViolationExamples.size() < AuditReport.MAX_EXAMPLES) {
            b.orderViolationExamples.add(
                new AuditReport.OrderViolation(
                    e.runId(),
                    e.topic(),
                    e.partition(),
                    e.key(),
                    latest.seq(),
                    latest.offset(),
                    e.seq(),
                    e.offset()));
          }
        }
        if (latest == null || e.endNanos() - latest.endNanos() > 0) {
          latest = e;
        }
      }
    }
  }

  /** Produced records by identity: per topic and partition, offsets sorted for binary search. */
  private static final class ProducedIndex {
    private record Partition(String topic, int partition) {}

    private final Map<Partition, long[]> offsets = new HashMap<>();
    private final Map<Partition, int[]> positions = new HashMap<>();
    private String lastTopic;
    private int lastPartition = -1;
    private long[] lastOffsets;
    private int[] lastPositions;

    ProducedIndex(List<ProducedRecord> produced) {
      Map<Partition, Integer> sizes = new HashMap<>();
      for (ProducedRecord r : produced) {
        sizes.merge(new Partition(r.topic(), r.partition()), 1, Integer::sum);
      }
      Map<Partition, Integer> filled = new HashMap<>();
      sizes.forEach(
          (p, n) -> {
            offsets.put(p, new long[n]);
            positions.put(p, new int[n]);
            filled.put(p, 0);
          });
      for (int i = 0; i < produced.size(); i++) {
        ProducedRecord r = produced.get(i);
        Partition p = new Partition(r.topic(), r.partition());
        int at = filled.merge(p, 1, Integer::sum) - 1;
        offsets.get(p)[at] = r.offset();
        positions.get(p)[at] = i;
      }
      offsets.forEach((p, offs) -> sortAndCheck(p, offs, positions.get(p)));
    }

    private static void sortAndCheck(Partition p, long[] offs, int[] pos) {
      boolean sorted = true;
      for (int i = 1; i < offs.length && sorted; i++) {
        sorted = offs[i - 1] < offs[i];
      }
      if (!sorted) {
        Integer[] order = new Integer[offs.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingLong(i -> offs[i]));
        long[] o = offs.clone();
        int[] q = pos.clone();
        for (int i = 0; i < order.length; i++) {
          offs[i] = o[order[i]];
          pos[i] = q[order[i]];
        }
      }
      for (int i = 1; i < offs.length; i++) {
        if (offs[i - 1] == offs[i]) {
          throw new IllegalArgumentException(
              "produced lists " + p.topic() + "-" + p.partition() + "@" + offs[i] + " twice");
        }
      }
    }

    /** Index in the produced list, or -1. */
    int find(String topic, int partition, long offset) {
      if (partition != lastPartition || !topic.equals(lastTopic)) {
        Partition p = new Partition(topic, partition);
        lastTopic = topic;
        lastPartition = partition;
        lastOffsets = offsets.get(p);
        lastPositions = positions.get(p);
      }
      if (lastOffsets == null) {
        return -1;
      }
      int at = Arrays.binarySearch(lastOffsets, offset);
      return at < 0 ? -1 : lastPositions[at];
    }
  }
}
