package io.kcp.audit;

import java.util.ArrayList;
import java.util.List;

/** The counts and examples of an {@link AuditReport} while {@link AuditCounting} makes them. */
final class AuditTally {
    long produced;
    long handled;
    long handledTotal;
    long lost;
    long duplicates;
    long orderViolations;
    long unknownHandled;
    long runs;
    long tornLines;
    long deadLettered;
    long deadLetteredAndHandled;
    final List<ProducedRecord> lostExamples = new ArrayList<>();
    final List<AuditReport.Duplicate> duplicateExamples = new ArrayList<>();
    final List<AuditReport.OrderViolation> orderViolationExamples = new ArrayList<>();
    final List<AuditEntry> unknownHandledExamples = new ArrayList<>();
    final List<AuditReport.DeadLettered> deadLetteredExamples = new ArrayList<>();
}
