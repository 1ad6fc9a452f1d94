package io.kcp.core.spi;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a strategy's workers come from: a pool of platform threads, or a virtual thread per record where
 * the runtime has them (Java 21+). One of the engine's parts with a real alternative, so it is an
 * interface the wiring binds per {@code WorkerConfig.virtualThreads()}.
 */
public interface Workers {

  /**
   * Starts the workers of one engine.
   *
   * @param concurrency how many records may run at once
   * @param name prefix of the threads' names
   * @return the executor; the engine shuts it down when it stops
   */
  ExecutorService start(int concurrency, String name);

  /** Whether the executor bounds concurrency itself (a fixed pool) or the engine must (virtual). */
  boolean bounded();

  /** Whether this runtime can run virtual threads. */
  static boolean virtualThreadsAvailable() {
    return virtualExecutorFactory() != null;
  }

  /** A fixed pool of {@code concurrency} daemon platform threads. */
  static Workers platform() {
    return new Workers() {
      @Override
      public ExecutorService start(int concurrency, String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
          Thread t = new Thread(r, name + "-worker-" + n.getAndIncrement());
          t.setDaemon(true);
          return t;
        };
        return Executors.newFixedThreadPool(concurrency, threads);
      }

      @Override
      public boolean bounded() {
        return true;
      }
    };
  }

  /** A virtual thread per record (Java 21+); the engine bounds how many run at once. */
  static Workers virtual() {
    return new Workers() {
      @Override
      public ExecutorService start(int concurrency, String name) {
        Method m = virtualExecutorFactory();
        if (m == null) {
          throw new IllegalStateException("virtual threads need Java 21+; this runtime is Java "
              + Runtime.version().feature());
        }
        try {
          return (ExecutorService) m.invoke(null);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot create a virtual-thread executor: " + e, e);
        }
      }

      @Override
      public boolean bounded() {
        return false;
      }
    };
  }

  private static Method virtualExecutorFactory() {
    try {
      return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
