package io.kcp.audit;

import io.kcp.audit.internal.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a topic holds compared with what the audited handlers finished: the proof (or disproof) of
 * the delivery guarantees.
 *
 * <p>A record's identity is ({@code topic}, {@code partition}, {@code offset}). Three sources: the
 * records in the topic (produced), the audit lines (handled), and the records in the dead-letter
 * topic (DLT), where a consumer publishes a record it gave up on before committing its offset. The
 * counts:
 *
 * <ul>
 *   <li>{@code produced}: records in the topic;
 *   <li>{@code handled}: distinct produced records handled at least once;
 *   <li>{@code handled_total}: all audit lines;
 *   <li>{@code lost}: produced records neither handled nor dead-lettered, so {@code produced =
 *       handled + dead_lettered - dead_lettered_and_handled + lost};
 *   <li>{@code duplicates}: the sum over produced records of (times handled − 1), for records
 *       handled at least once — redeliveries within a run and across runs alike;
 *   <li>{@code order_violations}: see below;
 *   <li>{@code unknown_handled}: audit lines whose record is not in the topic (e.g. another
 *       topic, or an offset beyond the end);
 *   <li>{@code runs}: distinct run ids among the audit lines;
 *   <li>{@code torn_lines}: unterminated audit lines skipped when reading the files;
 *   <li>{@code dead_lettered}: distinct produced records found in the DLT (a record dead-lettered
 *       twice, e.g. redelivered after a crash before its commit, counts once);
 *   <li>{@code dead_lettered_and_handled}: produced records both in the DLT and handled at least
 *       once — e.g. a handler that succeeded on a redelivery after an earlier run had given up on
 *       the record. Not an error in itself: it counts toward neither {@code lost} nor {@code
 *       duplicates}.
 * </ul>
 *
 * <p><b>Matching DLT records.</b> A DLT record whose {@link DeadLetterRecord#hasOrigin() headers}
 * name its original topic, partition and offset matches exactly that produced record (or none).
 * Without those headers it matches by workload identity: the produced record with the same key and
 * seq, if exactly one has them (a topic holding several workloads makes the identity ambiguous;
 * such a DLT record, and one with no seq, matches nothing). DLT records that match no produced
 * record are ignored: they cannot hide a loss.
 *
 * <p>The work is split by what it does: reading the topics and the audit files ({@code
 * TopicReader}, {@link AuditFiles}), matching and counting ({@code AuditCounting}, pure), and
 * rendering ({@link #toJson()}, {@link #toText()}); this class holds the result.
 *
 * <p>{@link #clean()} is about delivery guarantees, so a dead-lettered record is accounted for, not
 * lost: a report can be clean with {@code dead_lettered > 0}. Read {@code dead_lettered} to see how
 * many records the handlers gave up on.
 *
 * <p><b>Order violation.</b> Only audit lines with a workload seq ({@code seq >= 0}) and a key take
 * part. Within ONE run (run id), for one key of one topic, consider only the FIRST handling in that
 * run of each (key, seq), the one with the earliest start; later handlings of the same (key, seq)
 * in the same run are redeliveries and count as duplicates, never as violations. A violation is a
 * pair a, b of such first handlings with {@code a.seq < b.seq} and {@code b.start < a.end}: b
 * began before a, an earlier record of the same key, had finished (either reversed or
 * overlapping). Each b is counted at most once: {@code order_violations} is the number of records
 * b that were handled before an earlier one of their key finished. Across runs nothing is a
 * violation (start and end are {@code System.nanoTime()} readings of one JVM; a redelivery after a
 * crash is a duplicate). Computed per run and key by sorting first handlings by seq and sweeping
 * with the latest end seen so far among smaller seqs, O(n log n).
 *
 * <p>Examples (at most {@value #MAX_EXAMPLES} of each) are taken in the order of the produced list
 * (lost, duplicates, dead-lettered), of the audit lines (unknown) and of first appearance of a run and key
 * (order violations).
 *
 * <p>{@link #toJson()} is a public contract: its snake_case keys are {@code produced, handled,
 * handled_total, lost, duplicates, order_violations, unknown_handled, runs, torn_lines,
 * dead_lettered, dead_lettered_and_handled, clean, lost_examples, duplicate_examples,
 * order_violation_examples, unknown_handled_examples, dead_lettered_examples}, in that order.
 * Each {@code dead_lettered_examples} item has the produced record's {@code topic, partition,
 * offset, key, seq}, then {@code handled} (boolean) and the first matching DLT record's {@code
 * dlt_topic, dlt_partition, dlt_offset}.
 */
public final class AuditReport {

  /** The most examples kept of each kind. */
  public static final int MAX_EXAMPLES = 5;

  /** How long {@link #of(String, String, List)} may take to read the topic, and again the DLT. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(2);

  /** Appended to a topic's name to name its default dead-letter topic. */
  public static final String DEFAULT_DLT_SUFFIX = ".dlt";

  /**
   * A produced record handled more than once.
   *
   * @param record the record
   * @param timesHandled how many audit lines it has, {@code >= 2}
   * @param runIds the runs that handled it, in audit line order; one run means a same-run
   *     redelivery
   */
  public record Duplicate(ProducedRecord record, int timesHandled, List<String> runIds) {
    /**
     * Copies the run ids.
     *
     * @param record see the record description
     * @param timesHandled see the record description
     * @param runIds see the record description
     * @throws NullPointerException if a component is null
     */
    public Duplicate {
      Objects.requireNonNull(record, "record");
      runIds = List.copyOf(runIds);
    }
  }

  /**
   * A record (the later one) handled before an earlier record of its key had finished, in one run.
   *
   * @param runId the run
   * @param topic the topic
   * @param partition the later record's partition
   * @param key the key
   * @param earlierSeq seq of the earlier record, the one still running (or not yet started)
   * @param earlierOffset offset of the earlier record
   * @param laterSeq seq of the record that started too early
   * @param laterOffset offset of the record that started too early
   */
  public record OrderViolation(
      String runId,
      String topic,
      int partition,
      String key,
      long earlierSeq,
      long earlierOffset,
      long laterSeq,
      long laterOffset) {}

  /**
   * A produced record found in the dead-letter topic.
   *
   * @param record the produced record
   * @param deadLetter the first DLT record (in DLT read order) that matched it
   * @param handled whether it was also handled at least once
   */
  public record DeadLettered(ProducedRecord record, DeadLetterRecord deadLetter, boolean handled) {
    /**
     * Validates the components.
     *
     * @param record see the record description
     * @param deadLetter see the record description
     * @param handled see the record description
     * @throws NullPointerException if a component is null
     */
    public DeadLettered {
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(deadLetter, "deadLetter");
    }
  }

  private final long produced;
  private final long handled;
  private final long handledTotal;
  private final long lost;
  private final long duplicates;
  private final long orderViolations;
  private final long unknownHandled;
  private final long runs;
  private final long tornLines;
  private final long deadLettered;
  private final long deadLetteredAndHandled;
  private final List<ProducedRecord> lostExamples;
  private final List<Duplicate> duplicateExamples;
  private final List<OrderViolation> orderViolationExamples;
  private final List<AuditEntry> unknownHandledExamples;
  private final List<DeadLettered> deadLetteredExamples;

  private AuditReport(AuditTally b) {
    this.produced = b.produced;
    this.handled = b.handled;
    this.handledTotal = b.handledTotal;
    this.lost = b.lost;
    this.duplicates = b.duplicates;
    this.orderViolations = b.orderViolations;
    this.unknownHandled = b.unknownHandled;
    this.runs = b.runs;
    this.tornLines = b.tornLines;
    this.deadLettered = b.deadLettered;
    this.deadLetteredAndHandled = b.deadLetteredAndHandled;
    this.lostExamples = List.copyOf(b.lostExamples);
    this.duplicateExamples = List.copyOf(b.duplicateExamples);
    this.orderViolationExamples = List.copyOf(b.orderViolationExamples);
    this.unknownHandledExamples = List.copyOf(b.unknownHandledExamples);
    this.deadLetteredExamples = List.copyOf(b.deadLetteredExamples);
  }

  /**
   * Reads the whole topic, its default dead-letter topic {@code <topic>.dlt} if that exists (an
   * absent DLT means nothing was dead-lettered) and the audit files, then {@linkplain #compute
   * computes} the report.
   *
   * @param bootstrapServers the cluster
   * @param topic the topic the workload was produced to
   * @param auditFiles the audit files of every consumer run
   * @return the report
   * @throws IllegalStateException if the cluster cannot be reached, the topic does not exist or
   *     a topic cannot be read within {@link #DEFAULT_READ_TIMEOUT}
   * @throws IllegalArgumentException if an audit file is malformed
   */
  public static AuditReport of(String bootstrapServers, String topic, List<Path> auditFiles) {
    return of(bootstrapServers, topic, auditFiles, DEFAULT_READ_TIMEOUT);
  }

  /**
   * Reads the whole topic (every partition from the beginning to its end offset as of the start
   * of the read), likewise its default dead-letter topic {@code <topic>.dlt} if that exists (an
   * absent DLT means nothing was dead-lettered), and the audit files, then {@linkplain #compute
   * computes} the report.
   *
   * @param bootstrapServers the cluster
   * @param topic the topic the workload was produced to
   * @param auditFiles the audit files of every consumer run
   * @param timeout how long reading the topic may take, and again reading the DLT
   * @return the report
   * @throws IllegalStateException if the cluster cannot be reached, the topic does not exist or
   *     a topic cannot be read within {@code timeout}
   * @throws IllegalArgumentException if an audit file is malformed
   */
  public static AuditReport of(
      String bootstrapServers, String topic, List<Path> auditFiles, Duration timeout) {
    return read(
        Map.of("bootstrap.servers", bootstrapServers), topic, auditFiles,
        defaultDeadLetterTopic(topic), false, timeout);
  }

  /**
   * Reads the whole topic, the given dead-letter topic (if any) and the audit files, then
   * {@linkplain #compute computes} the report.
   *
   * @param bootstrapServers the cluster
   * @param topic the topic the workload was produced to
   * @param auditFiles the audit files of every consumer run
   * @param deadLetterTopic the DLT to read, which must exist; empty to read none (then {@code
   *     dead_lettered} is 0)
   * @return the report
   * @throws IllegalStateException if the cluster cannot be reached, the topic or the given DLT
   *     does not exist, or a topic cannot be read within {@link #DEFAULT_READ_TIMEOUT}
   * @throws IllegalArgumentException if an audit file is malformed
   */
  public static AuditReport of(
      String bootstrapServers,
      String topic,
      List<Path> auditFiles,
      Optional<String> deadLetterTopic) {
    return of(bootstrapServers, topic, auditFiles, deadLetterTopic, DEFAULT_READ_TIMEOUT);
  }

  /**
   * Reads the whole topic, the given dead-letter topic (if any) and the audit files, then
   * {@linkplain #compute computes} the report. Each topic is read from the beginning of every
   * partition to its end offset as of the start of its read.
   *
   * @param bootstrapServers the cluster
   * @param topic the topic the workload was produced to
   * @param auditFiles the audit files of every consumer run
   * @param deadLetterTopic the DLT to read, which must exist; empty to read none (then {@code
   *     dead_lettered} is 0)
   * @param timeout how long reading the topic may take, and again reading the DLT
   * @return the report
   * @throws IllegalStateException if the cluster cannot be reached, the topic or the given DLT
   *     does not exist, or a topic cannot be read within {@code timeout}
   * @throws IllegalArgumentException if an audit file is malformed
   */
  public static AuditReport of(
      String bootstrapServers,
      String topic,
      List<Path> auditFiles,
      Optional<String> deadLetterTopic,
      Duration timeout) {
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    return read(
        Map.of("bootstrap.servers", bootstrapServers), topic, auditFiles,
        deadLetterTopic.orElse(null), true, timeout);
  }

  /**
   * Like {@link #of(String, String, List)}, with the user's client settings (security, timeouts,
   * ...) for every client the read creates: the topic, and its default dead-letter topic {@code
   * <topic>.dlt} if that exists.
   *
   * @param clientProperties any Kafka client settings, with {@code bootstrap.servers}; typed
   *     values are passed as they are; kcp's client id and timeouts apply only to keys not set here
   * @param topic the topic the workload was produced to
   * @param auditFiles the audit files of every consumer run
   * @return the report
   */
  public static AuditReport of(
      Map<String, ?> clientProperties, String topic, List<Path> auditFiles) {
    return read(
        requireBootstrap(clientProperties), topic, auditFiles, defaultDeadLetterTopic(topic), false,
        DEFAULT_READ_TIMEOUT);
  }

  /**
   * Like {@link #of(String, String, List, Optional, Duration)}, with the user's client settings
   * for every client the read creates.
   *
   * @param clientProperties any Kafka client settings, with {@code bootstrap.servers}
   * @param topic the topic the workload was produced to
   * @param auditFiles the audit files of every consumer run
   * @param deadLetterTopic the DLT to read, which must exist; empty to read none
   * @param timeout how long reading the topic may take, and again reading the DLT
   * @return the report
   */
  public static AuditReport of(
      Map<String, ?> clientProperties,
      String topic,
      List<Path> auditFiles,
      Optional<String> deadLetterTopic,
      Duration timeout) {
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    return read(
        requireBootstrap(clientProperties), topic, auditFiles, deadLetterTopic.orElse(null), true,
        timeout);
  }

  private static Map<String, ?> requireBootstrap(Map<String, ?> clientProperties) {
    Objects.requireNonNull(clientProperties, "clientProperties");
    if (clientProperties.get("bootstrap.servers") == null) {
      throw new IllegalArgumentException("clientProperties must hold bootstrap.servers");
    }
    return clientProperties;
  }

  /**
   * The default dead-letter topic of a topic.
   *
   * @param topic the topic
   * @return {@code topic + ".dlt"}
   */
  public static String defaultDeadLetterTopic(String topic) {
    return Objects.requireNonNull(topic, "topic") + DEFAULT_DLT_SUFFIX;
  }

  private static AuditReport read(
      Map<String, ?> clientProperties,
      String topic,
      List<Path> auditFiles,
      String deadLetterTopic,
      boolean deadLetterTopicRequired,
      Duration timeout) {
    AuditFiles.Contents contents = AuditFiles.read(auditFiles);
    List<ProducedRecord> records = TopicReader.readAll(clientProperties, topic, timeout);
    List<DeadLetterRecord> deadLetters =
        deadLetterTopic == null
            ? List.of()
            : TopicReader.readDeadLetters(
                    clientProperties, deadLetterTopic, timeout, deadLetterTopicRequired)
                .orElse(List.of());
    return compute(records, contents.entries(), contents.tornLines(), deadLetters);
  }

  /**
   * Computes the report from audit file contents.
   *
   * @param produced the records in the topic
   * @param handled what {@link AuditFiles#read} returned
   * @return the report
   */
  public static AuditReport compute(List<ProducedRecord> produced, AuditFiles.Contents handled) {
    return compute(produced, handled.entries(), handled.tornLines());
  }

  /**
   * Computes the report from audit file contents and the dead-letter topic's records.
   *
   * @param produced the records in the topic
   * @param handled what {@link AuditFiles#read} returned
   * @param deadLetters the records in the dead-letter topic
   * @return the report
   */
  public static AuditReport compute(
      List<ProducedRecord> produced,
      AuditFiles.Contents handled,
      List<DeadLetterRecord> deadLetters) {
    return compute(produced, handled.entries(), handled.tornLines(), deadLetters);
  }

  /**
   * Computes the report, with no torn lines.
   *
   * @param produced the records in the topic; each identity at most once
   * @param handled the audit lines
   * @return the report
   * @throws IllegalArgumentException if {@code produced} lists a record twice
   */
  public static AuditReport compute(List<ProducedRecord> produced, List<AuditEntry> handled) {
    return compute(produced, handled, 0);
  }

  /**
   * Computes the report, with no dead-letter topic. Pure: no I/O.
   *
   * @param produced the records in the topic; each identity at most once
   * @param handled the audit lines
   * @param tornLines torn lines skipped when the audit lines were read
   * @return the report
   * @throws IllegalArgumentException if {@code produced} lists a record twice
   */
  public static AuditReport compute(
      List<ProducedRecord> produced, List<AuditEntry> handled, long tornLines) {
    return compute(produced, handled, tornLines, List.of());
  }

  /**
   * Computes the report. Pure: no I/O.
   *
   * @param produced the records in the topic; each identity at most once
   * @param handled the audit lines
   * @param tornLines torn lines skipped when the audit lines were read
   * @param deadLetters the records in the dead-letter topic (matched as the class comment says)
   * @return the report
   * @throws IllegalArgumentException if {@code produced} lists a record twice
   */
  public static AuditReport compute(
      List<ProducedRecord> produced,
      List<AuditEntry> handled,
      long tornLines,
      List<DeadLetterRecord> deadLetters) {
    Objects.requireNonNull(produced, "produced");
    Objects.requireNonNull(handled, "handled");
    Objects.requireNonNull(deadLetters, "deadLetters");
    if (tornLines < 0) {
      throw new IllegalArgumentException("tornLines must be >= 0, was " + tornLines);
    }
    return new AuditReport(AuditCounting.count(produced, handled, tornLines, deadLetters));
  }


  /**
   * Records in the topic.
   *
   * @return the count
   */
  public long produced() {
    return produced;
  }

  /**
   * Distinct produced records handled at least once.
   *
   * @return the count
   */
  public long handled() {
    return handled;
  }

  /**
   * All audit lines.
   *
   * @return the count
   */
  public long handledTotal() {
    return handledTotal;
  }

  /**
   * Produced records neither handled nor dead-lettered.
   *
   * @return the count
   */
  public long lost() {
    return lost;
  }

  /**
   * Sum over produced records of (times handled − 1).
   *
   * @return the count
   */
  public long duplicates() {
    return duplicates;
  }

  /**
   * Records handled before an earlier record of their key finished, within one run.
   *
   * @return the count
   */
  public long orderViolations() {
    return orderViolations;
  }

  /**
   * Audit lines whose record is not in the topic.
   *
   * @return the count
   */
  public long unknownHandled() {
    return unknownHandled;
  }

  /**
   * Distinct run ids among the audit lines.
   *
   * @return the count
   */
  public long runs() {
    return runs;
  }

  /**
   * Torn audit lines skipped.
   *
   * @return the count
   */
  public long tornLines() {
    return tornLines;
  }

  /**
   * Distinct produced records found in the dead-letter topic.
   *
   * @return the count
   */
  public long deadLettered() {
    return deadLettered;
  }

  /**
   * Produced records both in the dead-letter topic and handled at least once.
   *
   * @return the count
   */
  public long deadLetteredAndHandled() {
    return deadLetteredAndHandled;
  }

  /**
   * Up to {@value #MAX_EXAMPLES} lost records.
   *
   * @return the examples
   */
  public List<ProducedRecord> lostExamples() {
    return lostExamples;
  }

  /**
   * Up to {@value #MAX_EXAMPLES} duplicated records.
   *
   * @return the examples
   */
  public List<Duplicate> duplicateExamples() {
    return duplicateExamples;
  }

  /**
   * Up to {@value #MAX_EXAMPLES} order violations.
   *
   * @return the examples
   */
  public List<OrderViolation> orderViolationExamples() {
    return orderViolationExamples;
  }

  /**
   * Up to {@value #MAX_EXAMPLES} audit lines whose record is not in the topic.
   *
   * @return the examples
   */
  public List<AuditEntry> unknownHandledExamples() {
    return unknownHandledExamples;
  }

  /**
   * Up to {@value #MAX_EXAMPLES} dead-lettered records.
   *
   * @return the examples
   */
  public List<DeadLettered> deadLetteredExamples() {
    return deadLetteredExamples;
  }

  /**
   * Whether the guarantees held: nothing lost, no duplicates, no order violations. Dead-lettered
   * records are accounted for, not lost, so they do not make a report unclean.
   *
   * @return {@code lost == 0 && duplicates == 0 && order_violations == 0}
   */
  public boolean clean() {
    return lost == 0 && duplicates == 0 && orderViolations == 0;
  }

  /**
   * The report as a JSON object (keys listed in the class comment), ending with a newline.
   *
   * @return the JSON
   */
  public String toJson() {
    return AuditRendering.json(this);
  }

  /**
   * The report as a table: one count per line, then the examples.
   *
   * @return the text
   */
  public String toText() {
    return AuditRendering.text(this);
  }

  /** The {@link #toText()} summary. */
  @Override
  public String toString() {
    return toText();
  }
}
