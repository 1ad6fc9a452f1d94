package io.kcp.worker.internal;

import java.util.ArrayDeque;
import java.util.Arrays;
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

  /**
   * A record key as a map key: its bytes and their hash, computed once per record (a {@code
   * ByteBuffer} would hash every byte at each lookup, twice per record).
   */
  private static final class Key {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }
  }

  @Override
  public boolean admit(Work work) {
    byte[] bytes = work.record().key();
    Object key = bytes == null ? NULL_KEY : new Key(bytes);
    work.laneKey = key; // next(work) finds its lane without hashing the bytes again
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
    Object key = work.laneKey;
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
