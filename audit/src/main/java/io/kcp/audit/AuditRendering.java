package io.kcp.audit;

import io.kcp.audit.AuditReport.DeadLettered;
import io.kcp.audit.AuditReport.Duplicate;
import io.kcp.audit.AuditReport.OrderViolation;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcp.audit.internal.Jackson;

/** Rendering, the last part of an {@link AuditReport}: as JSON and as a table. */
final class AuditRendering {
  private AuditRendering() {}

  /**
   * The report as a JSON object (keys listed in the class comment), ending with a newline.
   *
   * @return the JSON
   */
  static String json(AuditReport r) {
    ObjectNode root = Jackson.object()
        .put("produced", r.produced())
        .put("handled", r.handled())
        .put("handled_total", r.handledTotal())
        .put("lost", r.lost())
        .put("duplicates", r.duplicates())
        .put("order_violations", r.orderViolations())
        .put("unknown_handled", r.unknownHandled())
        .put("runs", r.runs())
        .put("torn_lines", r.tornLines())
        .put("dead_lettered", r.deadLettered())
        .put("dead_lettered_and_handled", r.deadLetteredAndHandled())
        .put("clean", r.clean());
    ArrayNode lost = root.putArray("lost_examples");
    r.lostExamples().forEach(p -> produced(lost.addObject(), p));
    ArrayNode duplicates = root.putArray("duplicate_examples");
    for (Duplicate d : r.duplicateExamples()) {
      ObjectNode o = produced(duplicates.addObject(), d.record()).put("times_handled", d.timesHandled());
      d.runIds().forEach(o.putArray("runs")::add);
    }
    ArrayNode order = root.putArray("order_violation_examples");
    for (OrderViolation v : r.orderViolationExamples()) {
      order.addObject()
          .put("run", v.runId())
          .put("topic", v.topic())
          .put("partition", v.partition())
          .put("key", v.key())
          .put("earlier_seq", v.earlierSeq())
          .put("earlier_offset", v.earlierOffset())
          .put("later_seq", v.laterSeq())
          .put("later_offset", v.laterOffset());
    }
    ArrayNode unknown = root.putArray("unknown_handled_examples");
    for (AuditEntry e : r.unknownHandledExamples()) {
      unknown.addObject()
          .put("run", e.runId())
          .put("topic", e.topic())
          .put("partition", e.partition())
          .put("offset", e.offset())
          .put("key", e.key())
          .put("seq", e.seq());
    }
    ArrayNode dead = root.putArray("dead_lettered_examples");
    for (DeadLettered d : r.deadLetteredExamples()) {
      produced(dead.addObject(), d.record())
          .put("handled", d.handled())
          .put("dlt_topic", d.deadLetter().topic())
          .put("dlt_partition", d.deadLetter().partition())
          .put("dlt_offset", d.deadLetter().offset());
    }
    return Jackson.report(root) + "\n";
  }

  private static ObjectNode produced(ObjectNode o, ProducedRecord r) {
    return o.put("topic", r.topic())
        .put("partition", r.partition())
        .put("offset", r.offset())
        .put("key", r.key())
        .put("seq", r.seq());
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
