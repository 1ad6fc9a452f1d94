package io.kcp.worker.internal;

/**
 * The waiting room of one partition: which of its handed-out records may start now, and which
 * wait behind an earlier one of their partition or key. Poll-thread confined.
 */
public interface Lanes {

  /** A handed-out record: true if it may start now; otherwise it waits in its lane. */
  boolean admit(Work work);

  /** {@code work} finished: the next record of its lane to start, or null (the lane goes idle). */
  Work next(Work work);

  /** Forgets every waiting record and busy lane: they never start (revoke, loss, reset). */
  void clear();
}
