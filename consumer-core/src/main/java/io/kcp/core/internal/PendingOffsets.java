package io.kcp.core.internal;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The handed-out offsets of one partition that the committable position has not passed yet: a
 * growable ring buffer of primitive {@code long}s in handed-out (so ascending) order, plus one
 * "finished" bit per slot.
 *
 * <p>The window always starts at the lowest unfinished offset: whenever the first entry finishes,
 * the finished prefix is dropped at once (a word of the bitmap at a time). So the head of the
 * window is the safe offset to commit, and the window holds exactly the records in flight plus the
 * finished ones stuck behind an unfinished one.
 *
 * <p>Memory: 8 bytes per slot for the offset and 1 bit per slot for the bitmap, i.e. 8.125 bytes
 * per slot; capacity is a power of two, at least {@link #MIN_CAPACITY}, grows by doubling when full
 * and halves (or more) once at most a quarter of it is used, so a drained burst does not keep its
 * memory.
 *
 * <p>Not thread-safe: owned by one thread, like the ledger that uses it.
 */
public final class PendingOffsets {

  /** The smallest capacity: one word of the finished bitmap. */
  public static final int MIN_CAPACITY = 64;

  /** The largest capacity: the biggest power of two an array can hold. */
  static final int MAX_CAPACITY = 1 << 30;

  private long[] offsets = new long[MIN_CAPACITY];
  private long[] finished = new long[MIN_CAPACITY >>> 6];
  private int mask = MIN_CAPACITY - 1;

  /** Physical index of the first (lowest, always unfinished) entry. */
  private int head;

  /** Number of entries in the window, finished or not. */
  private int size;

  /** Number of finished entries in the window (all behind the unfinished head). */
  private int finishedCount;

  /** The last offset handed out, or -1 if none since creation or {@link #clear()}. */
  private long lastHandedOut = -1;

  /** An empty window with {@link #MIN_CAPACITY} slots. */
  public PendingOffsets() {}

  /**
   * Appends a handed-out offset.
   *
   * @param offset the offset; must be greater than every offset appended since the last {@link
   *     #clear()}, and in {@code [0, Long.MAX_VALUE)} so that the next offset exists
   * @throws IllegalArgumentException if the offset is negative, {@code Long.MAX_VALUE}, or not
   *     greater than the last one handed out
   * @throws IllegalStateException if {@link #MAX_CAPACITY} entries are already pending
   */
  public void add(long offset) {
    if (offset < 0 || offset == Long.MAX_VALUE) {
      throw new IllegalArgumentException(
          "offset " + offset + " is out of range: Kafka offsets are in [0, Long.MAX_VALUE)");
    }
    if (offset <= lastHandedOut) {
      throw new IllegalArgumentException(
          "offset "
              + offset
              + " handed out after "
              + lastHandedOut
              + ": offsets of a partition must be handed out in strictly increasing order"
              + " (call reset after a seek)");
    }
    if (size == offsets.length) {
      if (offsets.length == MAX_CAPACITY) {
        throw new IllegalStateException(
            "too many offsets pending in one partition: " + size + "; pause the partition earlier");
      }
      resize(offsets.length << 1);
    }
    int slot = (head + size) & mask;
    offsets[slot] = offset;
    // the bit of a free slot is always clear: compaction clears the bits it drops
    size++;
    lastHandedOut = offset;
  }

  /**
   * Marks a pending offset finished and drops the finished prefix of the window.
   *
   * @param offset the offset that finished
   * @return {@code true} if the offset was pending and is now finished; {@code false} if it was not
   *     in the window (never handed out, already finished, or dropped by {@link #clear()})
   */
  public boolean finish(long offset) {
    int index = indexOf(offset);
    if (index < 0) {
      return false;
    }
    int slot = (head + index) & mask;
    long bit = 1L << (slot & 63);
    int word = slot >>> 6;
    if ((finished[word] & bit) != 0) {
      return false;
    }
    finished[word] |= bit;
    finishedCount++;
    if (index == 0) {
      dropFinishedPrefix();
    }
    return true;
  }

  /**
   * The offset to commit: the lowest unfinished offset, or the last handed-out offset plus one if
   * none is unfinished; empty if nothing was handed out since creation or {@link #clear()}.
   */
  public OptionalLong safeOffset() {
    if (size > 0) {
      return OptionalLong.of(offsets[head]);
    }
    return lastHandedOut < 0 ? OptionalLong.empty() : OptionalLong.of(lastHandedOut + 1);
  }

  /** The number of handed-out offsets not finished yet. */
  public int inFlight() {
    return size - finishedCount;
  }

  /** The number of entries held: in flight plus finished ones behind an unfinished offset. */
  public int size() {
    return size;
  }

  /** The number of slots allocated (a power of two, at least {@link #MIN_CAPACITY}). */
  public int capacity() {
    return offsets.length;
  }

  /** The bytes held by this window's two arrays (payloads plus array headers, 16 bytes each). */
  public long retainedArrayBytes() {
    return 16L + 8L * offsets.length + 16L + 8L * finished.length;
  }

  /** The last offset handed out since creation or {@link #clear()}, if any. */
  public OptionalLong lastHandedOut() {
    return lastHandedOut < 0 ? OptionalLong.empty() : OptionalLong.of(lastHandedOut);
  }

  /**
   * Forgets every entry and the last handed-out offset (after a seek): the next {@link #add} may be
   * any offset. Shrinks to {@link #MIN_CAPACITY}.
   */
  public void clear() {
    if (offsets.length > MIN_CAPACITY) {
      offsets = new long[MIN_CAPACITY];
      finished = new long[MIN_CAPACITY >>> 6];
      mask = MIN_CAPACITY - 1;
    } else {
      Arrays.fill(finished, 0L);
    }
    head = 0;
    size = 0;
    finishedCount = 0;
    lastHandedOut = -1;
  }

  /** Logical index (0 = head) of {@code offset} in the window, or -1. Binary search. */
  private int indexOf(long offset) {
    if (size == 0 || offset < offsets[head] || offset > lastHandedOut) {
      return -1;
    }
    // offsets are usually consecutive (gaps come from compaction and transaction markers): try
    // the slot the offset would have without gaps before searching
    long guess = offset - offsets[head];
    if (guess < size && offsets[(head + (int) guess) & mask] == offset) {
      return (int) guess;
    }
    int low = 0;
    int high = (int) Math.min(size - 1, guess); // a gap only moves an offset to a lower index
    while (low <= high) {
      int mid = (low + high) >>> 1;
      long value = offsets[(head + mid) & mask];
      if (value < offset) {
        low = mid + 1;
      } else if (value > offset) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** Drops the run of finished entries at the head, then shrinks if the window got small. */
  private void dropFinishedPrefix() {
    while (size > 0) {
      int bitIndex = head & 63;
      int word = head >>> 6;
      long run = ~(finished[word] >>> bitIndex);
      // consecutive set bits from head, within this word
      int length = Math.min(Long.numberOfTrailingZeros(run), 64 - bitIndex);
      if (length == 0) {
        break;
      }
      long runMask = length == 64 ? -1L : ((1L << length) - 1) << bitIndex;
      finished[word] &= ~runMask;
      head = (head + length) & mask;
      size -= length;
      finishedCount -= length;
      if (bitIndex + length < 64) {
        break; // the run ended inside this word at an unfinished entry
      }
    }
    int capacity = offsets.length;
    if (capacity > MIN_CAPACITY && size <= capacity >>> 2) {
      // at least twice the size, so that a shrink is followed by many adds before a grow
      int shrunk = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, size)) << 2);
      if (shrunk < capacity) {
        resize(shrunk);
      }
    }
  }

  /** Copies the window into arrays of {@code newCapacity} slots, head at index 0. */
  private void resize(int newCapacity) {
    long[] newOffsets = new long[newCapacity];
    long[] newFinished = new long[Math.max(1, newCapacity >>> 6)];
    for (int i = 0; i < size; i++) {
      int slot = (head + i) & mask;
      newOffsets[i] = offsets[slot];
      if ((finished[slot >>> 6] & (1L << (slot & 63))) != 0) {
        newFinished[i >>> 6] |= 1L << (i & 63);
      }
    }
    offsets = newOffsets;
    finished = newFinished;
    mask = newCapacity - 1;
    head = 0;
  }
}
