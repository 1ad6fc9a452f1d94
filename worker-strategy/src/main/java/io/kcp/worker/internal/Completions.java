package io.kcp.worker.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The workers' finished {@link Work}, for the poll thread. Many workers add, one thread takes. An
 * add is one lock-free enqueue, and wakes the poll thread only while it is waiting: while it is
 * busy (applying completions, polling) the workers neither contend on a lock nor signal it, which
 * a {@code LinkedBlockingQueue} does per record.
 *
 * <p>Why no completion is missed: a worker enqueues, then reads {@link #waiter}; the poll thread
 * writes {@code waiter}, then looks at the queue. Both are volatile accesses, so at least one side
 * sees the other: the poll thread finds the work, or the worker unparks it.
 */
final class Completions {
  private final ConcurrentLinkedQueue<Work> queue = new ConcurrentLinkedQueue<>();
  private volatile Thread waiter;

  /** A worker: its record is finished (or cancelled). */
  void add(Work work) {
    queue.offer(work);
    Thread t = waiter;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** The poll thread: the next completion, or null if none is queued. */
  Work poll() {
    return queue.poll();
  }

  /**
   * The poll thread: the next completion, waiting up to {@code nanos} for one.
   *
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  Work poll(long nanos, TimeUnit unit) throws InterruptedException {
    Work w = queue.poll();
    if (w != null) {
      return w;
    }
    long left = unit.toNanos(nanos);
    if (left <= 0) {
      return null;
    }
    long deadline = System.nanoTime() + left;
    waiter = Thread.currentThread();
    try {
      while ((w = queue.poll()) == null) {
        left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      return w;
    } finally {
      waiter = null;
    }
  }
}
