package io.kcp.worker;

/** Which records of the worker strategy may be handled at the same time. */
public enum Ordering {
  /**
   * The note's version, on purpose: offsets are committed right after {@code poll()}, before the
   * records are processed, and records go to a plain pool in any order; a revoke drops the queued
   * records of the revoked partitions. Which those are depends on the assignor: with a cooperative
   * one (cooperative-sticky, the default here, or the KIP-848 protocol) only the partitions that
   * move to another member; with an eager one ({@code RangeAssignor}, first in Kafka's own default
   * list) every partition at every rebalance, so the queued records of the partitions it keeps are
   * dropped too. Records are <b>lost</b> when the process crashes or a rebalance revokes partitions
   * with work still queued, and records of one key
   * are <b>reordered</b> when workers finish at different speeds. A teaching mode: it logs a
   * warning at start. Never use it for data you care about.
   */
  NAIVE,
  /** At most one record per partition in flight, in offset order. */
  PARTITION,
  /**
   * At most one record per key in flight, in offset order per key; records of different keys of
   * one partition run in parallel. Records with a null key are ordered among themselves per
   * partition (as if they shared one key).
   */
  KEY,
  /** Any order, as many at once as there are workers; still never commits past an unfinished record. */
  UNORDERED
}
