package io.kcp.worker.internal;

import io.kcp.worker.Ordering;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides when a handed-out record may start, by ordering mode. Records that must wait for an
 * earlier one of their partition ({@code PARTITION}) or key ({@code KEY}) queue here; when that one
 * finishes, the next starts. Poll-thread confined.
 */
final class Dispatcher {
  /** The unit of ordering: a partition, or a key within a partition (null key = the partition). */
  record Lane(TopicPartition tp, ByteBuffer key) {}

  private final Ordering ordering;
  private final Consumer<ConsumerRecord<byte[], byte[]>> start;
  private final Map<Lane, ArrayDeque<ConsumerRecord<byte[], byte[]>>> waiting = new HashMap<>();
  private int queued;

  Dispatcher(Ordering ordering, Consumer<ConsumerRecord<byte[], byte[]>> start) {
    this.ordering = ordering;
    this.start = start;
  }

  /** The lane a record belongs to. */
  Lane laneOf(ConsumerRecord<byte[], byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    if (ordering == Ordering.KEY && r.key() != null) {
      return new Lane(tp, ByteBuffer.wrap(r.key()));
    }
    return new Lane(tp, null);
  }

  /** A new record: starts now, or waits behind its lane's running record. */
  void add(ConsumerRecord<byte[], byte[]> r) {
    if (ordering == Ordering.UNORDERED || ordering == Ordering.NAIVE) {
      start.accept(r);
      return;
    }
    Lane lane = laneOf(r);
    ArrayDeque<ConsumerRecord<byte[], byte[]>> q = waiting.get(lane);
    if (q == null) {
      waiting.put(lane, new ArrayDeque<>()); // lane busy, nothing waiting
      start.accept(r);
    } else {
      q.addLast(r);
      queued++;
    }
  }

  /** A record of {@code lane} finished: its lane's next record starts, or the lane goes idle. */
  void finished(Lane lane) {
    if (ordering == Ordering.UNORDERED || ordering == Ordering.NAIVE) {
      return;
    }
    ArrayDeque<ConsumerRecord<byte[], byte[]>> q = waiting.get(lane);
    if (q == null) {
      return; // its partition was dropped meanwhile
    }
    ConsumerRecord<byte[], byte[]> next = q.pollFirst();
    if (next == null) {
      waiting.remove(lane);
    } else {
      queued--;
      start.accept(next);
    }
  }

  /** Forgets these partitions' lanes: records waiting there never start (they stay uncommitted). */
  void drop(Collection<TopicPartition> partitions) {
    for (Iterator<Map.Entry<Lane, ArrayDeque<ConsumerRecord<byte[], byte[]>>>> it =
            waiting.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Lane, ArrayDeque<ConsumerRecord<byte[], byte[]>>> e = it.next();
      if (partitions.contains(e.getKey().tp())) {
        queued -= e.getValue().size();
        it.remove();
      }
    }
  }

  /** Forgets everything (close): no waiting record starts. */
  void clear() {
    waiting.clear();
    queued = 0;
  }

  /** Records waiting behind a running one. */
  int queued() {
    return queued;
  }

  @Override
  public String toString() {
    return "Dispatcher{" + Objects.toString(ordering) + ", lanes=" + waiting.size() + ", queued=" + queued + "}";
  }
}
