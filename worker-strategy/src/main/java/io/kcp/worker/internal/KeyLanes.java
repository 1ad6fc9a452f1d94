package io.kcp.worker.internal;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A lane per key: one record per key at a time, in offset order per key; keys run in parallel.
 * A key present in the map is busy; its lane holds the records waiting behind the running one, and
 * every record of the lane points at it, so finishing a record needs no lookup.
 */
final class KeyLanes implements Lanes {
  /** The lane of records without a key (equal to no key's bytes, not even an empty key's). */
  private static final Object NULL_KEY = new Object();

  private final Map<Object, Lane> busy = new HashMap<>();

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

  /** A busy key: the records waiting behind its running one. */
  private static final class Lane {
    final Object key;
    final ArrayDeque<Work> waiting = new ArrayDeque<>(2);

    Lane(Object key) {
      this.key = key;
    }
  }

  @Override
  public boolean admit(Work work) {
    byte[] bytes = work.record().key();
    Object key = bytes == null ? NULL_KEY : new Key(bytes);
    Lane lane = busy.get(key);
    if (lane == null) {
      lane = new Lane(key);
      busy.put(key, lane);
      work.lane = lane; // next(work) finds its lane without a lookup
      return true;
    }
    work.lane = lane;
    lane.waiting.addLast(work);
    return false;
  }

  @Override
  public Work next(Work work) {
    if (!(work.lane instanceof Lane lane)) {
      return null;
    }
    Work next = lane.waiting.pollFirst();
    if (next == null) {
      busy.remove(lane.key, lane); // idle: the key's next record starts its lane again
    }
    return next;
  }

  @Override
  public void clear() {
    busy.clear();
  }
}
