package io.kcp.lag.internal;

import io.kcp.lag.LagSnapshot;
import io.kcp.lag.LagWindow;
import io.kcp.lag.OffsetEntry;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.PartitionWindow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sliding windows built from successive snapshots. The Admin API does not tell when an offset was
 * committed, so a snapshot adds a window entry for a partition when its committed offset moved, or
 * when a live member owns the partition (a live consumer keeps committing, as Burrow would see it).
 * An unowned partition whose offset does not move adds nothing, so its window ages: that is STOP.
 */
public final class Windows {
  private final int size;
  private final Map<String, Deque<OffsetEntry>> entries = new HashMap<>();
  private final Map<String, Deque<Long>> brokerOffsets = new HashMap<>();

  public Windows(int size) {
    this.size = size;
  }

  public LagWindow add(LagSnapshot s, long allowedLag, double minimumComplete) {
    List<PartitionWindow> out = new ArrayList<>();
    Map<String, Deque<OffsetEntry>> keep = new HashMap<>();
    Map<String, Deque<Long>> keepBroker = new HashMap<>();
    for (PartitionLag p : s.partitions()) {
      String key = p.name();
      Deque<OffsetEntry> w = entries.getOrDefault(key, new ArrayDeque<>());
      Deque<Long> b = brokerOffsets.getOrDefault(key, new ArrayDeque<>());
      if (p.committedOffset().isPresent()) {
        long offset = p.committedOffset().getAsLong();
        OffsetEntry last = w.peekLast();
        if (last == null || last.offset() != offset || p.owner().isPresent()) {
          push(w, new OffsetEntry(offset, s.takenAtMs(), p.lag().getAsLong()));
        }
      }
      push(b, p.logEndOffset());
      keep.put(key, w);
      keepBroker.put(key, b);
      Long current = p.lag().isPresent() ? p.lag().getAsLong() : null;
      out.add(new PartitionWindow(p.topic(), p.partition(), List.copyOf(w), List.copyOf(b), current));
    }
    entries.clear();
    entries.putAll(keep);
    brokerOffsets.clear();
    brokerOffsets.putAll(keepBroker);
    return new LagWindow(s.takenAtMs(), allowedLag, size, out, minimumComplete);
  }

  private <T> void push(Deque<T> d, T v) {
    d.addLast(v);
    while (d.size() > size) {
      d.removeFirst();
    }
  }
}
