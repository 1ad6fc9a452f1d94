package io.kcp.worker.internal;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker pool: platform threads, or virtual threads where the runtime has them (Java 21+). */
public final class Workers {
  private Workers() {}

  /** Whether this runtime can run virtual threads. */
  public static boolean virtualThreadsAvailable() {
    return newVirtualExecutorMethod() != null;
  }

  static ExecutorService create(int concurrency, boolean virtual, String name) {
    if (virtual) {
      Method m = newVirtualExecutorMethod();
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
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, name + "-worker-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
    return Executors.newFixedThreadPool(concurrency, threads);
  }

  private static Method newVirtualExecutorMethod() {
    try {
      return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
