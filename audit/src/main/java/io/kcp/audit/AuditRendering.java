package io.kcp.audit;

import io.kcp.audit.AuditReport.DeadLettered;
import io.kcp.audit.AuditReport.Duplicate;
import io.kcp.audit.AuditReport.OrderViolation;
import io.kcp.audit.internal.Json;
import java.util.List;

/** Rendering, the last part of an {@link AuditReport}: as JSON and as a table. */
final class AuditRendering {
  private AuditRendering() {}

  /**
   * The report as a JSON object (keys listed in the class comment), ending with a newline.
   *
   * @return the JSON
   */
  static String json(AuditReport r) {
    StringBuilder sb = new StringBuilder(1024).append("{\n");
    number(sb, "produced", r.produced());
    number(sb, "handled", r.handled());
    number(sb, "handled_total", r.handledTotal());
    number(sb, "lost", r.lost());
    number(sb, "duplicates", r.duplicates());
    number(sb, "order_violations", r.orderViolations());
    number(sb, "unknown_handled", r.unknownHandled());
    number(sb, "runs", r.runs());
    number(sb, "torn_lines", r.tornLines());
    number(sb, "dead_lettered", r.deadLettered());
    number(sb, "dead_lettered_and_handled", r.deadLetteredAndHandled());
    Json.name(sb.append("  "), "clean").append(r.clean()).append(",\n");

    array(sb, "lost_examples", r.lostExamples(), AuditRendering::producedFields);
    sb.append(",\n");
    array(
        sb,
        "duplicate_examples",
        r.duplicateExamples(),
        (s, d) -> {
          producedFields(s, d.record());
          Json.name(s.append(", "), "times_handled").append(d.timesHandled());
          Json.name(s.append(", "), "runs").append('[');
          for (int i = 0; i < d.runIds().size(); i++) {
            Json.string(s.append(i == 0 ? "" : ", "), d.runIds().get(i));
          }
          s.append(']');
        });
    sb.append(",\n");
    array(
        sb,
        "order_violation_examples",
        r.orderViolationExamples(),
        (s, v) -> {
          Json.name(s, "run");
          Json.string(s, v.runId());
          Json.name(s.append(", "), "topic");
          Json.string(s, v.topic());
          Json.name(s.append(", "), "partition").append(v.partition());
          Json.name(s.append(", "), "key");
          Json.string(s, v.key());
          Json.name(s.append(", "), "earlier_seq").append(v.earlierSeq());
          Json.name(s.append(", "), "earlier_offset").append(v.earlierOffset());
          Json.name(s.append(", "), "later_seq").append(v.laterSeq());
          Json.name(s.append(", "), "later_offset").append(v.laterOffset());
        });
    sb.append(",\n");
    array(
        sb,
        "unknown_handled_examples",
        r.unknownHandledExamples(),
        (s, e) -> {
          Json.name(s, "run");
          Json.string(s, e.runId());
          Json.name(s.append(", "), "topic");
          Json.string(s, e.topic());
          Json.name(s.append(", "), "partition").append(e.partition());
          Json.name(s.append(", "), "offset").append(e.offset());
          Json.name(s.append(", "), "key");
          Json.string(s, e.key());
          Json.name(s.append(", "), "seq").append(e.seq());
        });
    sb.append(",\n");
    array(
        sb,
        "dead_lettered_examples",
        r.deadLetteredExamples(),
        (s, d) -> {
          producedFields(s, d.record());
          Json.name(s.append(", "), "handled").append(d.handled());
          Json.name(s.append(", "), "dlt_topic");
          Json.string(s, d.deadLetter().topic());
          Json.name(s.append(", "), "dlt_partition").append(d.deadLetter().partition());
          Json.name(s.append(", "), "dlt_offset").append(d.deadLetter().offset());
        });
    return sb.append("\n}\n").toString();
  }

  private static void number(StringBuilder sb, String name, long value) {
    Json.name(sb.append("  "), name).append(value).append(",\n");
  }

  private interface Fields<T> {
    void write(StringBuilder sb, T item);
  }

  private static <T> void array(StringBuilder sb, String name, List<T> items, Fields<T> fields) {
    Json.name(sb.append("  "), name).append('[');
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "\n    {" : ",\n    {");
      fields.write(sb, items.get(i));
      sb.append('}');
    }
    sb.append(items.isEmpty() ? "]" : "\n  ]");
  }

  private static void producedFields(StringBuilder sb, ProducedRecord r) {
    Json.name(sb, "topic");
    Json.string(sb, r.topic());
    Json.name(sb.append(", "), "partition").append(r.partition());
    Json.name(sb.append(", "), "offset").append(r.offset());
    Json.name(sb.append(", "), "key");
    Json.string(sb, r.key());
    Json.name(sb.append(", "), "seq").append(r.seq());
  }

  /**
   * A short human summary: one aligned line per count, the verdict, and the first example of each
   * kind of problem and of a dead-lettered record.
   *
   * @return the summary, ending with a newline
   */
  static String text(AuditReport r) {
    StringBuilder sb = new StringBuilder(512);
    line(sb, "produced", r.produced());
    line(sb, "handled", r.handled());
    line(sb, "handled_total", r.handledTotal());
    line(sb, "lost", r.lost());
    line(sb, "dead_lettered", r.deadLettered());
    line(sb, "dead_lettered_and_handled", r.deadLetteredAndHandled());
    line(sb, "duplicates", r.duplicates());
    line(sb, "order_violations", r.orderViolations());
    line(sb, "unknown_handled", r.unknownHandled());
    line(sb, "runs", r.runs());
    line(sb, "torn_lines", r.tornLines());
    sb.append(String.format("%-18s %s\n", "verdict", r.clean() ? "CLEAN" : "NOT CLEAN"));
    if (!r.lostExamples().isEmpty()) {
      ProducedRecord p = r.lostExamples().get(0);
      sb.append(String.format("%-18s %s\n", "e.g. lost", describe(p)));
    }
    if (!r.duplicateExamples().isEmpty()) {
      Duplicate d = r.duplicateExamples().get(0);
      sb.append(
          String.format(
              "%-18s %s handled %d times in %d run(s)\n",
              "e.g. duplicate",
              describe(d.record()),
              d.timesHandled(),
              d.runIds().size()));
    }
    if (!r.orderViolationExamples().isEmpty()) {
      OrderViolation v = r.orderViolationExamples().get(0);
      sb.append(
          String.format(
              "%-18s run %s key %s: seq %d started before seq %d finished\n",
              "e.g. out of order",
              v.runId(),
              v.key(),
              v.laterSeq(),
              v.earlierSeq()));
    }
    if (!r.unknownHandledExamples().isEmpty()) {
      AuditEntry e = r.unknownHandledExamples().get(0);
      sb.append(
          String.format(
              "%-18s %s-%d@%d not in the topic\n",
              "e.g. unknown",
              e.topic(),
              e.partition(),
              e.offset()));
    }
    if (!r.deadLetteredExamples().isEmpty()) {
      DeadLettered d = r.deadLetteredExamples().get(0);
      sb.append(
          String.format(
              "%-18s %s in %s-%d@%d%s\n",
              "e.g. dead-letter",
              describe(d.record()),
              d.deadLetter().topic(),
              d.deadLetter().partition(),
              d.deadLetter().offset(),
              d.handled() ? ", also handled" : ""));
    }
    return sb.toString();
  }

  /** One count: the label, then the value right-aligned to column 31 (narrower after a long label). */
  private static void line(StringBuilder sb, String name, long value) {
    int width = Math.max(1, 30 - Math.max(18, name.length()));
    sb.append(String.format("%-18s %" + width + "d\n", name, value));
  }

  private static String describe(ProducedRecord r) {
    return r.topic() + "-" + r.partition() + "@" + r.offset() + " key " + r.key() + " seq " + r.seq();
  }
}
