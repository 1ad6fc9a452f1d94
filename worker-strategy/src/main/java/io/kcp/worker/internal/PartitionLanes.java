package io.kcp.worker.internal;

import java.util.ArrayDeque;

/** One lane for the whole partition: one record at a time, in offset order. */
final class PartitionLanes implements Lanes {
  private final ArrayDeque<Work> waiting = new ArrayDeque<>();
  private boolean busy;

  @Override
  public boolean admit(Work work) {
    if (!busy) {
      busy = true;
      return true;
    }
    waiting.addLast(work);
    return false;
  }

  @Override
  public Work next(Work work) {
    Work next = waiting.pollFirst();
    busy = next != null;
    return next;
  }

  @Override
  public void clear() {
    waiting.clear();
    busy = false;
  }
}
