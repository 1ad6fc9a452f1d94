package io.kcp.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditReportTest {

  private static final String T = "orders";

  /** Workload-shaped records: key k-(i % keys) in partition (i % keys) % partitions. */
  /** A strict reader (no duplicate keys, nothing after the value); whole numbers as Long. */
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_LONG_FOR_INTS)
      .build();

  private static Object parse(String json) {
    try {
      return STRICT.readValue(json, Object.class);
    } catch (Exception e) {
      throw new AssertionError("not valid JSON: " + e.getMessage() + "\n" + json, e);
    }
  }

  private static List<ProducedRecord> produced(int n, int keys, int partitions) {
    List<ProducedRecord> out = new ArrayList<>(n);
    long[] next = new long[partitions];
    for (int i = 0; i < n; i++) {
      int k = i % keys;
      int p = k % partitions;
      out.add(new ProducedRecord(T, p, next[p]++, "k-" + k, i / keys));
    }
    return out;
  }

  private static AuditEntry handled(String run, ProducedRecord r, long start, long end) {
    return new AuditEntry(
        run, "w", r.topic(), r.partition(), r.offset(), r.key(), r.seq(), start, end, 1000 + end);
  }

  /** Each record handled once, one after the other. */
  private static List<AuditEntry> sequential(String run, List<ProducedRecord> records, long t0) {
    List<AuditEntry> out = new ArrayList<>();
    long t = t0;
    for (ProducedRecord r : records) {
      out.add(handled(run, r, t, t + 5));
      t += 10;
    }
    return out;
  }

  private static void assertNoViolations(AuditReport report) {
    assertThat(report.orderViolations()).isZero();
    assertThat(report.orderViolationExamples()).isEmpty();
  }

  @Test
  void cleanRunIsAllZeros() {
    List<ProducedRecord> produced = produced(100, 7, 3);
    AuditReport report = AuditReport.compute(produced, sequential("r1", produced, 0));
    assertThat(report.produced()).isEqualTo(100);
    assertThat(report.handled()).isEqualTo(100);
    assertThat(report.handledTotal()).isEqualTo(100);
    assertThat(report.lost()).isZero();
    assertThat(report.duplicates()).isZero();
    assertThat(report.unknownHandled()).isZero();
    assertThat(report.tornLines()).isZero();
    assertThat(report.runs()).isEqualTo(1);
    assertNoViolations(report);
    assertThat(report.clean()).isTrue();
    assertThat(report.lostExamples()).isEmpty();
    assertThat(report.duplicateExamples()).isEmpty();
  }

  @Test
  void emptyTopicAndNoAuditIsClean() {
    AuditReport report = AuditReport.compute(List.of(), List.of());
    assertThat(report.clean()).isTrue();
    assertThat(report.runs()).isZero();
  }

  @Test
  void lostRecordsAreCountedWithExamples() {
    List<ProducedRecord> produced = produced(50, 5, 2);
    List<ProducedRecord> some = new ArrayList<>(produced);
    List<ProducedRecord> missing = new ArrayList<>();
    for (int i : new int[] {40, 30, 20, 12, 11, 10, 3}) {
      missing.add(0, some.remove(i));
    }
    AuditReport report = AuditReport.compute(produced, sequential("r1", some, 0));
    assertThat(report.lost()).isEqualTo(7);
    assertThat(report.handled()).isEqualTo(43);
    assertThat(report.clean()).isFalse();
    assertThat(report.lostExamples()).hasSize(AuditReport.MAX_EXAMPLES);
    assertThat(report.lostExamples()).containsExactlyElementsOf(missing.subList(0, 5));
    assertNoViolations(report);
  }

  @Test
  void crashAndRestartDuplicatesAcrossRunsAreNotViolations() {
    List<ProducedRecord> produced = produced(60, 3, 3);
    // run 1 handles the first 40 and dies; run 2 restarts from the last commit at 30
    List<AuditEntry> entries = new ArrayList<>(sequential("run-1", produced.subList(0, 40), 1_000_000));
    // run 2's nanoTime clock is unrelated (smaller) on purpose
    entries.addAll(sequential("run-2", produced.subList(30, 60), -5_000));
    AuditReport report = AuditReport.compute(produced, entries);
    assertThat(report.lost()).isZero();
    assertThat(report.handled()).isEqualTo(60);
    assertThat(report.handledTotal()).isEqualTo(70);
    assertThat(report.duplicates()).isEqualTo(10);
    assertThat(report.runs()).isEqualTo(2);
    assertNoViolations(report);
    assertThat(report.duplicateExamples()).hasSize(5);
    AuditReport.Duplicate d = report.duplicateExamples().get(0);
    assertThat(d.record()).isEqualTo(produced.get(30));
    assertThat(d.timesHandled()).isEqualTo(2);
    assertThat(d.runIds()).containsExactly("run-1", "run-2");
  }

  @Test
  void sameRunRedeliveryIsADuplicateNotAViolation() {
    List<ProducedRecord> produced = produced(3, 1, 1); // k-0 seq 0, 1, 2
    List<AuditEntry> entries =
        List.of(
            handled("r", produced.get(0), 0, 10),
            handled("r", produced.get(1), 20, 30),
            handled("r", produced.get(2), 40, 50),
            // seq 0 and 1 redelivered after a rebalance, still in the same run
            handled("r", produced.get(0), 60, 70),
            handled("r", produced.get(1), 80, 90));
    AuditReport report = AuditReport.compute(produced, entries);
    assertThat(report.duplicates()).isEqualTo(2);
    assertThat(report.lost()).isZero();
    assertNoViolations(report);
    assertThat(report.duplicateExamples()).extracting(d -> d.runIds()).containsOnly(List.of("r"));
  }

  @Test
  void firstHandlingIsTheEarliestStartWhateverTheLineOrder() {
    List<ProducedRecord> produced = produced(2, 1, 1);
    // the redelivery of seq 0 is listed first but started last
    List<AuditEntry> entries =
        List.of(
            handled("r", produced.get(0), 100, 110),
            handled("r", produced.get(0), 0, 10),
            handled("r", produced.get(1), 20, 30));
    AuditReport report = AuditReport.compute(produced, entries);
    assertThat(report.duplicates()).isEqualTo(1);
    assertNoViolations(report);
  }

  @Test
  void reversedOrderIsAViolationPerLaterRecord() {
    List<ProducedRecord> produced = produced(3, 1, 1); // k-0 seq 0, 1, 2 at offsets 0, 1, 2
    List<AuditEntry> entries =
        List.of(
            handled("r", produced.get(2), 0, 10),
            handled("r", produced.get(1), 20, 30),
            handled("r", produced.get(0), 40, 50));
    AuditReport report = AuditReport.compute(produced, entries);
    assertThat(report.orderViolations()).isEqualTo(2); // seq 1 and seq 2 each started too early
    assertThat(report.duplicates()).isZero();
    assertThat(report.lost()).isZero();
    assertThat(report.clean()).isFalse();
    assertThat(report.orderViolationExamples())
        .containsExactly(
            new AuditReport.OrderViolation("r", T, 0, "k-0", 0, 0, 1, 1),
            new AuditReport.OrderViolation("r", T, 0, "k-0", 0, 0, 2, 2));
  }

  @Test
  void overlappingHandlingOfOneKeyIsAViolation() {
    List<ProducedRecord> produced = produced(2, 1, 1);
    // seq 1 starts while seq 0 is still running (two workers on one key)
    List<AuditEntry> entries =
        List.of(handled("r", produced.get(0), 0, 100), handled("r", produced.get(1), 50, 60));
    AuditReport report = AuditReport.compute(produced, entries);
    assertThat(report.orderViolations()).isEqualTo(1);
    assertThat(report.orderViolationExamples().get(0).earlierSeq()).isZero();
    assertThat(report.orderViolationExamples().get(0).laterSeq()).isEqualTo(1);
  }

  @Test
  void startingExactlyWhenThePreviousEndedIsInOrder() {
    List<ProducedRecord> produced = produced(2, 1, 1);
    List<AuditEntry> entries =
        List.of(handled("r", produced.get(0), 0, 50), handled("r", produced.get(1), 50, 60));
    assertNoViolations(AuditReport.compute(produced, entries));
  }

  @Test
  void aLongEarlierRecordCountsEachLaterRecordOnce() {
    List<ProducedRecord> produced = produced(4, 1, 1);
    // seq 0 runs 0..1000; seqs 1..3 run inside it, in order among themselves
    List<AuditEntry> entries =
        List.of(
            handled("r", produced.get(0), 0, 1000),
            handled("r", produced.get(1), 10, 20),
            handled("r", produced.get(2), 30, 40),
            handled("r", produced.get(3), 2000, 2010));
    AuditReport report = AuditReport.compute(produced, entries);
    assertThat(report.orderViolations()).isEqualTo(2);
    assertThat(report.orderViolationExamples())
        .extracting(AuditReport.OrderViolation::laterSeq)
        .containsExactly(1L, 2L);
    assertThat(report.orderViolationExamples())
        .extracting(AuditReport.OrderViolation::earlierSeq)
        .containsOnly(0L);
  }

  @Test
  void differentKeysInterleavedConcurrentlyAreNotViolations() {
    List<ProducedRecord> produced = produced(40, 4, 2);
    List<AuditEntry> entries = new ArrayList<>();
    // every key's records in seq order, but all keys run concurrently and overlap each other
    for (ProducedRecord r : produced) {
      long start = r.seq() * 100 + (r.key().hashCode() & 7);
      entries.add(handled("r", r, start, start + 90));
    }
    java.util.Collections.reverse(entries); // line order does not matter either
    AuditReport report = AuditReport.compute(produced, entries);
    assertNoViolations(report);
    assertThat(report.clean()).isTrue();
  }

  @Test
  void sameKeyInDifferentTopicsIsNotOneKey() {
    ProducedRecord a = new ProducedRecord("a", 0, 0, "k-0", 5);
    ProducedRecord b = new ProducedRecord("b", 0, 0, "k-0", 1);
    AuditReport report =
        AuditReport.compute(List.of(a, b), List.of(handled("r", b, 0, 100), handled("r", a, 50, 60)));
    assertNoViolations(report);
  }

  @Test
  void recordsNotInTheTopicAreUnknown() {
    List<ProducedRecord> produced = produced(5, 1, 1);
    List<AuditEntry> entries = new ArrayList<>(sequential("r", produced, 0));
    entries.add(new AuditEntry("r", "w", "other", 0, 0, "k-0", -1, 1, 2, 3));
    entries.add(new AuditEntry("r", "w", T, 0, 99, "k-0", -1, 1, 2, 3));
    entries.add(new AuditEntry("r", "w", T, 7, 0, "k-0", -1, 1, 2, 3));
    AuditReport report = AuditReport.compute(produced, entries);
    assertThat(report.unknownHandled()).isEqualTo(3);
    assertThat(report.handled()).isEqualTo(5);
    assertThat(report.handledTotal()).isEqualTo(8);
    assertThat(report.unknownHandledExamples()).extracting(AuditEntry::topic)
        .containsExactly("other", T, T);
    assertThat(report.clean()).isTrue();
  }

  @Test
  void producedListingARecordTwiceIsRejected() {
    ProducedRecord r = new ProducedRecord(T, 0, 3, "k", 0);
    assertThatThrownBy(() -> AuditReport.compute(List.of(r, r), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("orders-0@3");
  }

  @Test
  void producedInAnyOrderIsIndexed() {
    List<ProducedRecord> produced = new ArrayList<>(produced(30, 3, 3));
    java.util.Collections.reverse(produced);
    AuditReport report = AuditReport.compute(produced, sequential("r", produced.subList(0, 29), 0));
    assertThat(report.lost()).isEqualTo(1);
    assertThat(report.lostExamples()).containsExactly(produced.get(29));
  }

  @Test
  void tornLinesFromTheFilesAreReported() throws Exception {
    List<ProducedRecord> produced = produced(3, 1, 1);
    AuditFiles.Contents contents = new AuditFiles.Contents(sequential("r", produced, 0), 2);
    AuditReport report = AuditReport.compute(produced, contents);
    assertThat(report.tornLines()).isEqualTo(2);
    assertThat(report.clean()).isTrue();
    assertThat(report.toText()).containsPattern("torn_lines +2\n");
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonHasTheContractKeysAndValidEscaping() {
    String nasty = "k\"\\\n\t\u0001\u2028é😀";
    ProducedRecord r0 = new ProducedRecord("t\"1", 0, 0, nasty, 0);
    ProducedRecord r1 = new ProducedRecord("t\"1", 0, 1, nasty, 1);
    ProducedRecord r2 = new ProducedRecord("t\"1", 0, 2, null, -1);
    List<AuditEntry> entries =
        List.of(
            handled("run\\1", r1, 0, 10),
            handled("run\\1", r0, 20, 30),
            handled("run\\2", r1, 0, 10),
            new AuditEntry("run\\1", "w", "elsewhere", 0, 0, "\uD800", 0, 1, 2, 3));
    AuditReport report = AuditReport.compute(List.of(r0, r1, r2), entries, 1);
    String json = report.toJson();

    Map<String, Object> m = (Map<String, Object>) parse(json);
    assertThat(m.keySet())
        .containsExactly(
            "produced", "handled", "handled_total", "lost", "duplicates", "order_violations",
            "unknown_handled", "runs", "torn_lines", "dead_lettered", "dead_lettered_and_handled",
            "clean", "lost_examples", "duplicate_examples", "order_violation_examples",
            "unknown_handled_examples", "dead_lettered_examples");
    assertThat(m)
        .containsEntry("produced", 3L)
        .containsEntry("handled", 2L)
        .containsEntry("handled_total", 4L)
        .containsEntry("lost", 1L)
        .containsEntry("duplicates", 1L)
        .containsEntry("order_violations", 1L)
        .containsEntry("unknown_handled", 1L)
        .containsEntry("runs", 2L)
        .containsEntry("torn_lines", 1L)
        .containsEntry("dead_lettered", 0L)
        .containsEntry("dead_lettered_and_handled", 0L)
        .containsEntry("clean", false);
    assertThat((List<Object>) m.get("dead_lettered_examples")).isEmpty();

    Map<String, Object> lost = ((List<Map<String, Object>>) m.get("lost_examples")).get(0);
    assertThat(lost)
        .containsEntry("topic", "t\"1")
        .containsEntry("partition", 0L)
        .containsEntry("offset", 2L)
        .containsEntry("key", null)
        .containsEntry("seq", -1L);
    Map<String, Object> dup = ((List<Map<String, Object>>) m.get("duplicate_examples")).get(0);
    assertThat(dup)
        .containsEntry("key", nasty)
        .containsEntry("offset", 1L)
        .containsEntry("times_handled", 2L)
        .containsEntry("runs", List.of("run\\1", "run\\2"));
    Map<String, Object> v = ((List<Map<String, Object>>) m.get("order_violation_examples")).get(0);
    assertThat(v)
        .containsEntry("run", "run\\1")
        .containsEntry("key", nasty)
        .containsEntry("earlier_seq", 0L)
        .containsEntry("later_seq", 1L)
        .containsEntry("earlier_offset", 0L)
        .containsEntry("later_offset", 1L);
    Map<String, Object> unknown =
        ((List<Map<String, Object>>) m.get("unknown_handled_examples")).get(0);
    assertThat(unknown).containsEntry("topic", "elsewhere").containsEntry("key", "\uD800");

    // escaping is explicit, not just "parses": no raw control characters or line separators
    assertThat(json).contains("\\\"", "\\\\", "\\n", "\\t", "\\u0001", "\\u2028", "\\ud800");
    assertThat(json.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    assertThat(json).doesNotContain("\u2028");
  }

  @Test
  void jsonKeepsItsLayoutOneTopLevelKeyPerLineOneExamplePerLine() {
    ProducedRecord r0 = new ProducedRecord("t", 0, 0, "k", 0);
    ProducedRecord r1 = new ProducedRecord("t", 0, 1, "k", 1);
    ProducedRecord r2 = new ProducedRecord("t", 1, 0, "j", 0);
    AuditReport report = AuditReport.compute(List.of(r0, r1, r2), List.of(handled("r", r0, 0, 1)), 0);
    assertThat(report.toJson()).isEqualTo("""
        {
          "produced": 3,
          "handled": 1,
          "handled_total": 1,
          "lost": 2,
          "duplicates": 0,
          "order_violations": 0,
          "unknown_handled": 0,
          "runs": 1,
          "torn_lines": 0,
          "dead_lettered": 0,
          "dead_lettered_and_handled": 0,
          "clean": false,
          "lost_examples": [
            {"topic": "t", "partition": 0, "offset": 1, "key": "k", "seq": 1},
            {"topic": "t", "partition": 1, "offset": 0, "key": "j", "seq": 0}
          ],
          "duplicate_examples": [],
          "order_violation_examples": [],
          "unknown_handled_examples": [],
          "dead_lettered_examples": []
        }
        """);
  }

  @Test
  void jsonEscapesEveryCharacterThatBreaksJsonOrJavaScriptAndReadsBackIdentically() {
    String[] keys = {"\u2028", "\u2029", "\u0000", "\u001f", "\u007f", "\"", "\\", "/", "<>&", "😀", "\uDC00", "\uD83D"};
    List<ProducedRecord> produced = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      produced.add(new ProducedRecord("t", 0, i, keys[i], i));
    }
    // at most MAX_EXAMPLES lost examples: report them in groups
    for (int from = 0; from < keys.length; from += AuditReport.MAX_EXAMPLES) {
      List<ProducedRecord> some = produced.subList(from, Math.min(keys.length, from + AuditReport.MAX_EXAMPLES));
      String json = AuditReport.compute(some, List.of(), 0).toJson();
      assertThat(json).doesNotContain("\u2028", "\u2029", "\u007f");
      assertThat(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
          .as("survives UTF-8: no unpaired surrogate written raw").isEqualTo(json);
      assertThat(json.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> lost = (List<Map<String, Object>>) ((Map<String, Object>) parse(json)).get("lost_examples");
      assertThat(lost).extracting(m -> m.get("key"))
          .containsExactlyElementsOf(some.stream().map(ProducedRecord::key).toList());
    }
  }

  @Test
  void textSummaryIsAlignedAndNamesTheProblem() {
    List<ProducedRecord> produced = produced(3, 1, 1);
    List<AuditEntry> entries =
        List.of(handled("r", produced.get(1), 0, 10), handled("r", produced.get(0), 20, 30));
    String text = AuditReport.compute(produced, entries).toText();
    assertThat(text.lines().limit(9))
        .allSatisfy(l -> assertThat(l).hasSize(31).matches("[a-z_]+ +[0-9]+"));
    assertThat(text)
        .contains("verdict            NOT CLEAN")
        .contains("orders-0@2 key k-0 seq 2")
        .contains("seq 1 started before seq 0 finished");
    assertThat(AuditReport.compute(produced, sequential("r", produced, 0)).toText())
        .contains("verdict            CLEAN\n");
  }

  @Test
  void aMillionEntriesComputeQuickly() {
    int n = 1_000_000;
    int keys = 1000;
    List<ProducedRecord> produced = produced(n, keys, 12);
    List<AuditEntry> entries = new ArrayList<>(n + 2000);
    // all keys run concurrently (staggered per key), each key strictly in seq order
    for (ProducedRecord r : produced) {
      long start = r.seq() * 1_000 + (r.key().hashCode() % 500);
      entries.add(handled("run-1", r, start, start + 400));
    }
    // a crash-and-restart tail re-handles 1000 records in a second run
    for (ProducedRecord r : produced.subList(n - 1000, n)) {
      entries.add(handled("run-2", r, r.seq(), r.seq() + 1));
    }
    // run 1 also handled k-0 seq 11 once more, starting before k-0 seq 0..10 had finished: that
    // earliest-starting handling is seq 11's first one, hence one violation and one duplicate
    ProducedRecord early = produced.get(keys * 11);
    entries.add(handled("run-1", early, 1, 2));

    long t0 = System.nanoTime();
    AuditReport report = AuditReport.compute(produced, entries);
    long millis = (System.nanoTime() - t0) / 1_000_000;

    assertThat(report.produced()).isEqualTo(n);
    assertThat(report.lost()).isZero();
    assertThat(report.duplicates()).isEqualTo(1001);
    assertThat(report.runs()).isEqualTo(2);
    assertThat(report.orderViolations()).isEqualTo(1);
    assertThat(report.orderViolationExamples().get(0).key()).isEqualTo(early.key());
    assertThat(report.orderViolationExamples().get(0).laterSeq()).isEqualTo(11);
    assertThat(millis).as("compute time in ms").isLessThan(20_000);
  }

  // ---- dead-letter topic ----

  private static final String DLT = T + ".dlt";

  /** The DLT record a consumer publishes for {@code r}, with the original-position headers. */
  private static DeadLetterRecord dlt(ProducedRecord r, long dltOffset) {
    return new DeadLetterRecord(
        DLT, 0, dltOffset, r.topic(), r.partition(), r.offset(), r.key(), r.seq());
  }

  @Test
  void deadLetteredRecordsAreNotLost() {
    List<ProducedRecord> produced = produced(20, 4, 2);
    List<ProducedRecord> handled = new ArrayList<>(produced);
    ProducedRecord poison1 = handled.remove(13);
    ProducedRecord poison2 = handled.remove(5);
    ProducedRecord lost = handled.remove(2);
    AuditReport report =
        AuditReport.compute(
            produced, sequential("r", handled, 0), 0, List.of(dlt(poison1, 0), dlt(poison2, 1)));
    assertThat(report.produced()).isEqualTo(20);
    assertThat(report.handled()).isEqualTo(17);
    assertThat(report.deadLettered()).isEqualTo(2);
    assertThat(report.deadLetteredAndHandled()).isZero();
    assertThat(report.lost()).isEqualTo(1);
    assertThat(report.lostExamples()).containsExactly(lost);
    // examples follow the produced list, not the DLT order
    assertThat(report.deadLetteredExamples())
        .containsExactly(
            new AuditReport.DeadLettered(poison2, dlt(poison2, 1), false),
            new AuditReport.DeadLettered(poison1, dlt(poison1, 0), false));
    assertThat(report.clean()).isFalse(); // because of the lost one only
    assertNoViolations(report);
  }

  @Test
  void allHandledOrDeadLetteredIsClean() {
    List<ProducedRecord> produced = produced(10, 2, 1);
    List<ProducedRecord> handled = new ArrayList<>(produced);
    ProducedRecord poison = handled.remove(4); // k-0 seq 2; k-0 seq 3 runs after it was given up
    AuditReport report =
        AuditReport.compute(produced, sequential("r", handled, 0), 0, List.of(dlt(poison, 0)));
    assertThat(report.lost()).isZero();
    assertThat(report.deadLettered()).isEqualTo(1);
    assertThat(report.handled() + report.deadLettered()).isEqualTo(report.produced());
    assertThat(report.clean()).isTrue();
    assertThat(report.toText())
        .containsPattern("dead_lettered +1\n")
        .contains("e.g. dead-letter   orders-0@4 key k-0 seq 2 in orders.dlt-0@0\n");
  }

  @Test
  void deadLetteredAndHandledIsCountedOnceAndNotAsADuplicate() {
    List<ProducedRecord> produced = produced(6, 1, 1);
    ProducedRecord r = produced.get(3);
    // run 1 gave up on seq 3 and died before committing it; run 2 handled it on redelivery and the
    // DLT holds it twice (published again by a third attempt elsewhere)
    List<AuditEntry> entries = sequential("run-1", produced, 0);
    AuditReport report =
        AuditReport.compute(produced, entries, 0, List.of(dlt(r, 0), dlt(r, 1)));
    assertThat(report.deadLettered()).isEqualTo(1);
    assertThat(report.deadLetteredAndHandled()).isEqualTo(1);
    assertThat(report.handled()).isEqualTo(6);
    assertThat(report.lost()).isZero();
    assertThat(report.duplicates()).isZero();
    assertThat(report.deadLetteredExamples())
        .containsExactly(new AuditReport.DeadLettered(r, dlt(r, 0), true));
    assertThat(report.clean()).isTrue();
    assertThat(report.toText()).containsPattern("dead_lettered_and_handled +1\n");
  }

  @Test
  void lostIsProducedMinusHandledMinusDeadLetteredOnly() {
    List<ProducedRecord> produced = produced(50, 5, 3);
    List<ProducedRecord> handled = produced.subList(0, 30);
    List<DeadLetterRecord> dead = new ArrayList<>();
    for (int i = 25; i < 40; i++) { // 25..29 both handled and dead-lettered
      dead.add(dlt(produced.get(i), i));
    }
    AuditReport report = AuditReport.compute(produced, sequential("r", handled, 0), 0, dead);
    assertThat(report.handled()).isEqualTo(30);
    assertThat(report.deadLettered()).isEqualTo(15);
    assertThat(report.deadLetteredAndHandled()).isEqualTo(5);
    assertThat(report.lost()).isEqualTo(10); // 40..49
    assertThat(report.produced())
        .isEqualTo(
            report.handled()
                + report.deadLettered()
                - report.deadLetteredAndHandled()
                + report.lost());
    assertThat(report.lostExamples()).containsExactlyElementsOf(produced.subList(40, 45));
  }

  @Test
  void theOriginHeadersWinOverKeyAndSeq() {
    List<ProducedRecord> produced = produced(4, 1, 1);
    ProducedRecord r1 = produced.get(1);
    ProducedRecord r2 = produced.get(2);
    // headers name offset 2, the value says seq 1: the headers win
    DeadLetterRecord d = new DeadLetterRecord(DLT, 0, 0, T, 0, r2.offset(), r1.key(), r1.seq());
    AuditReport report = AuditReport.compute(produced, List.of(), 0, List.of(d));
    assertThat(report.deadLetteredExamples()).extracting(AuditReport.DeadLettered::record)
        .containsExactly(r2);
    // headers naming a record that is not in the topic match nothing, with no fallback
    DeadLetterRecord elsewhere = new DeadLetterRecord(DLT, 0, 1, "other", 0, 1, r1.key(), r1.seq());
    DeadLetterRecord beyond = new DeadLetterRecord(DLT, 0, 2, T, 0, 99, r1.key(), r1.seq());
    assertThat(AuditReport.compute(produced, List.of(), 0, List.of(elsewhere, beyond)).deadLettered())
        .isZero();
  }

  @Test
  void withoutOriginHeadersKeyAndSeqMatchAUniqueProducedRecord() {
    List<ProducedRecord> produced = produced(12, 3, 2);
    ProducedRecord r = produced.get(7); // k-1 seq 2
    AuditReport report =
        AuditReport.compute(
            produced,
            List.of(),
            0,
            List.of(
                DeadLetterRecord.withoutOrigin(DLT, 0, 0, r.key(), r.seq()),
                DeadLetterRecord.withoutOrigin(DLT, 0, 1, "k-1", 99), // no such seq
                DeadLetterRecord.withoutOrigin(DLT, 0, 2, null, 0), // no key
                DeadLetterRecord.withoutOrigin(DLT, 0, 3, "k-0", -1))); // not a workload value
    assertThat(report.deadLettered()).isEqualTo(1);
    assertThat(report.deadLetteredExamples().get(0).record()).isEqualTo(r);
    assertThat(report.lost()).isEqualTo(11);
  }

  @Test
  void anAmbiguousKeyAndSeqMatchesNothing() {
    // the same workload produced twice into one topic: k-0 seq 0 at offsets 0 and 1
    List<ProducedRecord> produced =
        List.of(new ProducedRecord(T, 0, 0, "k-0", 0), new ProducedRecord(T, 0, 1, "k-0", 0));
    AuditReport report =
        AuditReport.compute(
            produced, List.of(), 0, List.of(DeadLetterRecord.withoutOrigin(DLT, 0, 0, "k-0", 0)));
    assertThat(report.deadLettered()).isZero();
    assertThat(report.lost()).isEqualTo(2);
  }

  @Test
  @SuppressWarnings("unchecked")
  void deadLetteredExamplesInJson() {
    List<ProducedRecord> produced = produced(8, 2, 1);
    List<DeadLetterRecord> dead = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      dead.add(dlt(produced.get(i), 100 + i));
    }
    AuditReport report =
        AuditReport.compute(produced, sequential("r", produced.subList(0, 1), 0), 0, dead);
    Map<String, Object> m = (Map<String, Object>) parse(report.toJson());
    assertThat(m)
        .containsEntry("dead_lettered", 7L)
        .containsEntry("dead_lettered_and_handled", 1L)
        .containsEntry("lost", 1L); // offset 7: neither handled nor dead-lettered
    List<Map<String, Object>> examples = (List<Map<String, Object>>) m.get("dead_lettered_examples");
    assertThat(examples).hasSize(AuditReport.MAX_EXAMPLES);
    assertThat(examples.get(0))
        .containsEntry("topic", T)
        .containsEntry("partition", 0L)
        .containsEntry("offset", 0L)
        .containsEntry("key", "k-0")
        .containsEntry("seq", 0L)
        .containsEntry("handled", true)
        .containsEntry("dlt_topic", DLT)
        .containsEntry("dlt_partition", 0L)
        .containsEntry("dlt_offset", 100L);
    assertThat(examples.get(1)).containsEntry("handled", false).containsEntry("dlt_offset", 101L);
  }

  @Test
  void deadLetterRecordValidatesAndKnowsItsOrigin() {
    assertThat(DeadLetterRecord.withoutOrigin(DLT, 0, 0, "k", 1).hasOrigin()).isFalse();
    assertThat(new DeadLetterRecord(DLT, 0, 0, T, 0, -1, "k", 1).hasOrigin()).isFalse();
    assertThat(new DeadLetterRecord(DLT, 0, 0, T, 0, 0, "k", 1).hasOrigin()).isTrue();
    assertThatThrownBy(() -> new DeadLetterRecord(DLT, 0, 0, T, -2, 0, "k", 1))
        .hasMessageContaining("originalPartition");
    assertThatThrownBy(() -> new DeadLetterRecord(DLT, 0, -1, T, 0, 0, "k", 1))
        .hasMessageContaining("offset");
    assertThat(AuditReport.defaultDeadLetterTopic("orders")).isEqualTo("orders.dlt");
  }
}
