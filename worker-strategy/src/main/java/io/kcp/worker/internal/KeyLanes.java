package io.kcp.worker.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A lane per key: one record per key at a time, in offset order per key; keys run in parallel.
 * A key present in the map is busy; its deque holds the records waiting behind the running one.
 */
final class KeyLanes implements Lanes {
  /** The lane of records without a key (equal to no key's bytes, not even an empty key's). */
  private static final Object NULL_KEY = new Object();

  private final Map<Object, ArrayDeque<Work>> busy = new HashMap<>();

  private static Object keyOf(Work work) {
    byte[] key = work.record().key();
    return key == null ? NULL_KEY : ByteBuffer.wrap(key);
  }

  @Override
  public boolean admit(Work work) {
    Object key = keyOf(work);
    ArrayDeque<Work> waiting = busy.get(key);
    if (waiting == null) {
      busy.put(key, new ArrayDeque<>(2));
      return true;
    }
    waiting.addLast(work);
    return false;
  }

  @Override
  public Work next(Work work) {
    Object key = keyOf(work);
    ArrayDeque<Work> waiting = busy.get(key);
    if (waiting == null) {
      return null;
    }
    Work next = waiting.pollFirst();
    if (next == null) {
      busy.remove(key);
    }
    return next;
  }

  @Override
  public void clear() {
    busy.clear();
  }
}
