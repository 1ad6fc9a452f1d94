package io.kcp.core;

import io.kcp.core.internal.PendingOffsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per partition, which offsets were handed out to handlers and which finished; answers the offset
 * that is safe to commit. This is what makes "nothing lost" hold: an offset is committable only
 * when every record handed out before it finished.
 *
 * <p>Usage, all on the poll thread: {@link #handOut} each record returned by {@code poll()} before
 * dispatching it, keeping the generation it returns; {@link #finish(TopicPartition, long, int)}
 * each completion drained from the workers' queue; commit {@link #committable()} and report
 * success with {@link #markCommitted}; on rebalance {@link #revoke} (and commit what it returns) or
 * {@link #forget}; when the position moved back, {@link #reset}.
 *
 * <p>The safe offset follows Kafka's commit semantics: it is the <em>next</em> offset to read, i.e.
 * the lowest handed-out offset not finished yet, or the last handed-out offset plus one when all of
 * them finished. Offsets never handed out (gaps left by compaction or transaction markers) never
 * hold it back.
 *
 * <p><b>Not thread-safe, by design.</b> A ledger is owned by the poll thread, the only thread that
 * touches the {@code KafkaConsumer}; workers report completions through a queue that the poll
 * thread drains into {@link #finish}. No locks, no volatile reads on the hot path.
 *
 * <p>Memory stays small and bounded by what is in flight: per partition, pending offsets live in a
 * ring buffer of primitive {@code long}s with a one-bit-per-slot finished bitmap; the finished
 * prefix is dropped as soon as it forms, and the buffer shrinks again after a burst drains. That is
 * <b>about 8.5 bytes per in-flight record</b>, measured by {@code
 * OffsetLedgerMemoryTest.bytesPerInFlightRecord}: 1,000,000 records in flight on one partition hold
 * 8,519,712 bytes of arrays (a power-of-two capacity of 1,048,576 slots at 8 bytes, plus 1 bit
 * each), 8.52 bytes per record; {@code retainedHeapPerInFlightRecordAcrossManyPartitions} reads
 * about 8.5 bytes per record of retained heap for 1,000 partitions x 1,000 in flight. A tracked
 * partition with little in flight costs about 660 bytes. Finished records stuck behind a slow one
 * stay in the buffer until it finishes: {@link #backlog(TopicPartition)} counts them, and is what
 * to pause a partition by when memory and re-deliveries after a crash must stay bounded.
 */
public final class OffsetLedger {

  private final Map<TopicPartition, Entry> entries = new HashMap<>();
  private long inFlight;
  private int generations;

  /** An empty ledger. */
  public OffsetLedger() {}

  /**
   * Records that the record at {@code offset} of {@code tp} was handed out to a handler. Starts
   * tracking {@code tp} if it is not tracked.
   *
   * @param tp the partition
   * @param offset the record's offset; per partition strictly greater than the previous one handed
   *     out (gaps are fine), unless the partition was {@link #reset}, revoked or forgotten since
   *     (see {@link #lastHandedOut})
   * @return the generation of {@code tp}'s tracking, to pass to {@link #finish(TopicPartition,
   *     long, int)}: it changes whenever the partition is revoked, forgotten or reset, so a
   *     completion from before can never finish an offset handed out again since
   * @throws IllegalArgumentException if {@code offset} is not greater than the previous offset
   *     handed out for {@code tp}, negative, or {@code Long.MAX_VALUE}
   */
  public int handOut(TopicPartition tp, long offset) {
    Objects.requireNonNull(tp, "tp");
    Entry entry = entries.get(tp);
    boolean created = entry == null;
    if (created) {
      entry = new Entry(++generations);
    }
    try {
      entry.pending.add(offset);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(tp + ": " + e.getMessage(), e);
    }
    if (created) {
      entries.put(tp, entry); // only once the offset was accepted
    }
    inFlight++;
    return entry.generation;
  }

  /**
   * Records that the handler of the record at {@code offset} of {@code tp} finished. Completions
   * may arrive in any order.
   *
   * @return {@code true} if the offset was pending and is now finished; {@code false}, changing
   *     nothing, if {@code tp} is not tracked (for example revoked) or the offset is not pending
   *     (already finished, never handed out, or dropped by {@link #reset})
   */
  public boolean finish(TopicPartition tp, long offset) {
    Entry entry = entries.get(tp);
    if (entry == null || !entry.pending.finish(offset)) {
      return false;
    }
    inFlight--;
    return true;
  }

  /**
   * {@link #finish(TopicPartition, long)} for a record handed out in {@code generation} (what
   * {@link #handOut} returned): a completion of an older generation changes nothing, even when
   * the same offset was handed out again since (after a revoke and a new assignment, or a reset).
   */
  public boolean finish(TopicPartition tp, long offset, int generation) {
    Entry entry = entries.get(tp);
    if (entry == null || entry.generation != generation || !entry.pending.finish(offset)) {
      return false;
    }
    inFlight--;
    return true;
  }

  /**
   * The last offset handed out for {@code tp} since it was tracked or {@link #reset}, if any. A
   * record at or below it means the consumer's position moved back (a seek, or {@code
   * auto.offset.reset} after the log was truncated): {@link #reset} the partition first.
   */
  public OptionalLong lastHandedOut(TopicPartition tp) {
    Entry entry = entries.get(tp);
    return entry == null ? OptionalLong.empty() : entry.pending.lastHandedOut();
  }

  /**
   * The offset to commit for {@code tp} (the next offset to read): the lowest handed-out offset not
   * finished yet, or the last handed-out offset plus one if every one finished.
   *
   * @return empty if nothing was handed out for {@code tp} since it was (re)tracked or {@link
   *     #reset}
   */
  public OptionalLong safeOffset(TopicPartition tp) {
    Entry entry = entries.get(tp);
    return entry == null ? OptionalLong.empty() : entry.pending.safeOffset();
  }

  /** The safe offset of every tracked partition that has one. */
  public Map<TopicPartition, OffsetAndMetadata> safeOffsets() {
    Map<TopicPartition, OffsetAndMetadata> result = new LinkedHashMap<>();
    entries.forEach(
        (tp, entry) -> {
          OptionalLong safe = entry.pending.safeOffset();
          if (safe.isPresent()) {
            result.put(tp, new OffsetAndMetadata(safe.getAsLong()));
          }
        });
    return result;
  }

  /**
   * The safe offset of every partition whose safe offset moved past the offset last recorded by
   * {@link #markCommitted} (or that has a safe offset and was never marked committed since it was
   * tracked or reset). Empty when there is nothing new to commit, so an engine can skip the commit.
   *
   * <p>A newly tracked partition is reported as soon as one record was handed out, even before it
   * finished: committing the position the consumer started from costs one commit and protects a
   * group with no committed offset yet and {@code auto.offset.reset=latest} from skipping records
   * after a crash.
   *
   * @return a new, modifiable map; empty if nothing moved
   */
  public Map<TopicPartition, OffsetAndMetadata> committable() {
    Map<TopicPartition, OffsetAndMetadata> result = new LinkedHashMap<>();
    entries.forEach(
        (tp, entry) -> {
          OptionalLong safe = entry.pending.safeOffset();
          if (safe.isPresent() && safe.getAsLong() > entry.committed) {
            result.put(tp, new OffsetAndMetadata(safe.getAsLong()));
          }
        });
    return result;
  }

  /**
   * Records that these offsets were committed successfully, so {@link #committable()} stops
   * reporting them. Partitions not tracked are ignored, and so is an offset lower than one already
   * recorded (a late callback of an older asynchronous commit) or higher than the partition's
   * current safe offset (a stale callback from before a {@link #reset}).
   */
  public void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(
        (tp, committed) -> {
          Entry entry = entries.get(tp);
          if (entry == null || committed == null) {
            return;
          }
          OptionalLong safe = entry.pending.safeOffset();
          long offset = committed.offset();
          if (safe.isPresent() && offset <= safe.getAsLong() && offset > entry.committed) {
            entry.committed = offset;
          }
        });
  }

  /** The number of records of {@code tp} handed out and not finished; 0 if not tracked. */
  public int inFlight(TopicPartition tp) {
    Entry entry = entries.get(tp);
    return entry == null ? 0 : entry.pending.inFlight();
  }

  /**
   * The number of records of {@code tp} handed out at or after its safe offset: those in flight
   * plus finished ones waiting behind an unfinished one; 0 if not tracked. After a crash these are
   * the records a consumer re-reads from the committed safe offset (at most), and the ledger's
   * memory for {@code tp} is proportional to it; so this, rather than {@link
   * #inFlight(TopicPartition)}, is what bounds duplicates when used to pause a partition.
   */
  public int backlog(TopicPartition tp) {
    Entry entry = entries.get(tp);
    return entry == null ? 0 : entry.pending.size();
  }

  /** The number of records handed out and not finished, over every partition. */
  public long inFlight() {
    return inFlight;
  }

  /** The partitions tracked: every partition handed out to and not revoked or forgotten since. */
  public Set<TopicPartition> partitions() {
    return Set.copyOf(entries.keySet());
  }

  /**
   * Stops tracking these partitions (revoked in a rebalance) and returns their safe offsets, for a
   * final synchronous commit. Partitions not tracked, or with nothing handed out, are left out.
   * Records of these partitions still in flight are dropped: their later {@link #finish} returns
   * {@code false}.
   *
   * @return a new, modifiable map of the safe offsets of the revoked partitions
   */
  public Map<TopicPartition, OffsetAndMetadata> revoke(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> result = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      Entry entry = entries.remove(tp);
      if (entry != null) {
        inFlight -= entry.pending.inFlight();
        OptionalLong safe = entry.pending.safeOffset();
        if (safe.isPresent()) {
          result.put(tp, new OffsetAndMetadata(safe.getAsLong()));
        }
      }
    }
    return result;
  }

  /**
   * Stops tracking these partitions without returning anything (partitions lost: another member may
   * own them already, so nothing must be committed for them).
   */
  public void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      Entry entry = entries.remove(tp);
      if (entry != null) {
        inFlight -= entry.pending.inFlight();
      }
    }
  }

  /**
   * Drops the pending offsets of {@code tp} after a {@code seek}: the next {@link #handOut} for it
   * may be any offset, {@link #safeOffset} is empty until then, and the committed mark is cleared.
   * Records still in flight are dropped: their later {@link #finish(TopicPartition, long, int)}
   * returns {@code false}. Does nothing if {@code tp} is not tracked.
   */
  public void reset(TopicPartition tp) {
    Entry entry = entries.get(tp);
    if (entry != null) {
      inFlight -= entry.pending.inFlight();
      entry.pending.clear();
      entry.committed = NOT_COMMITTED;
      entry.generation = ++generations;
    }
  }

  /** The slots allocated for {@code tp}'s pending offsets (0 if not tracked); for tests. */
  int capacity(TopicPartition tp) {
    Entry entry = entries.get(tp);
    return entry == null ? 0 : entry.pending.capacity();
  }

  /** Bytes held by the pending-offset arrays of every partition (not the map or keys). */
  long retainedArrayBytes() {
    long bytes = 0;
    for (Entry entry : entries.values()) {
      bytes += entry.pending.retainedArrayBytes();
    }
    return bytes;
  }

  @Override
  public String toString() {
    return "OffsetLedger{partitions=" + entries.size() + ", inFlight=" + inFlight + "}";
  }

  private static final long NOT_COMMITTED = -1;

  /** One partition: its pending offsets, the last offset marked committed, its generation. */
  private static final class Entry {
    final PendingOffsets pending = new PendingOffsets();
    long committed = NOT_COMMITTED;
    int generation;

    Entry(int generation) {
      this.generation = generation;
    }
  }
}
