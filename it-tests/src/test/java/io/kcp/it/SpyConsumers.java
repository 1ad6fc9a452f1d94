package io.kcp.it;

import io.kcp.core.ConsumerFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Real {@code KafkaConsumer}s with a window on them: a {@link ConsumerFactory} whose consumers
 * count their {@code poll()} calls and the partitions their rebalance listener saw revoked, and
 * that can run one action on the poll thread just before a {@code poll()} (a seek, say). Every
 * call still goes to the real consumer of a real broker: nothing is mocked.
 */
final class SpyConsumers {
  final AtomicLong polls = new AtomicLong();
  final AtomicInteger revoked = new AtomicInteger();
  final AtomicInteger assigned = new AtomicInteger();
  final AtomicInteger lost = new AtomicInteger();
  /** Time spent inside the engine's revoke callbacks (its drain and commit), longest and total. */
  final AtomicLong revokeNanosMax = new AtomicLong();
  final AtomicLong revokeNanosTotal = new AtomicLong();
  /** Counted down when a revoke callback starts, before the engine's own part runs. */
  final java.util.concurrent.CountDownLatch revokeStarted = new java.util.concurrent.CountDownLatch(1);
  /** Threads that polled: the engine's poll threads. */
  final Set<Thread> pollThreads = ConcurrentHashMap.newKeySet();
  private final AtomicReference<java.util.function.Predicate<Consumer<byte[], byte[]>>> beforePoll =
      new AtomicReference<>();

  /** A factory making real consumers watched by this spy. */
  ConsumerFactory factory() {
    return config -> wrap(ConsumerFactory.kafka().create(config));
  }

  /**
   * Runs {@code action} on a poll thread just before one of its polls; the action returns false
   * to let another poll (of this or another consumer) try again.
   */
  void beforeNextPoll(java.util.function.Predicate<Consumer<byte[], byte[]>> action) {
    beforePoll.set(action);
  }

  /** Whether the action given to {@link #beforeNextPoll} has run (and returned true). */
  boolean actionDone() {
    return beforePoll.get() == null;
  }

  @SuppressWarnings("unchecked")
  private Consumer<byte[], byte[]> wrap(Consumer<byte[], byte[]> real) {
    InvocationHandler h = (proxy, method, args) -> {
      String name = method.getName();
      if (name.equals("poll")) {
        polls.incrementAndGet();
        pollThreads.add(Thread.currentThread());
        java.util.function.Predicate<Consumer<byte[], byte[]>> action = beforePoll.getAndSet(null);
        if (action != null && !action.test(real)) {
          beforePoll.compareAndSet(null, action);
        }
      }
      if (name.equals("subscribe") && args != null && args.length == 2
          && args[1] instanceof ConsumerRebalanceListener listener) {
        args[1] = counting(listener);
      }
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Consumer<byte[], byte[]>) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {Consumer.class}, h);
  }

  private ConsumerRebalanceListener counting(ConsumerRebalanceListener delegate) {
    return new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        revoked.addAndGet(partitions.size());
        if (!partitions.isEmpty()) {
          revokeStarted.countDown();
        }
        long t0 = System.nanoTime();
        try {
          delegate.onPartitionsRevoked(partitions);
        } finally {
          long took = System.nanoTime() - t0;
          revokeNanosMax.accumulateAndGet(took, Math::max);
          revokeNanosTotal.addAndGet(took);
        }
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        assigned.addAndGet(partitions.size());
        delegate.onPartitionsAssigned(partitions);
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        lost.addAndGet(partitions.size());
        delegate.onPartitionsLost(partitions);
      }
    };
  }
}
