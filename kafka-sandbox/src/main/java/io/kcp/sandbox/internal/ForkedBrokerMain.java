package io.kcp.sandbox.internal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Main class of a forked broker JVM: {@code kafka.Kafka} plus a watchdog that ends the JVM when
 * its stdin closes, i.e. when the parent JVM that holds the other end of the pipe is gone (even
 * after the parent was SIGKILLed and none of its shutdown hooks ran). The parent must therefore
 * stop the child with signals that leave the pipe open ({@code ProcessHandle.destroy()}, not
 * {@code Process.destroy()}, which also closes the pipe).
 */
public final class ForkedBrokerMain {
  /** Exit code when the parent disappeared. */
  public static final int ORPHANED = 3;

  private ForkedBrokerMain() {}

  /**
   * Starts the watchdog, then Kafka.
   *
   * @param args the path of {@code server.properties}
   */
  public static void main(String[] args) {
    Thread watchdog = new Thread(ForkedBrokerMain::watchParent, "kcp-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    kafka.Kafka.main(args);
  }

  private static void watchParent() {
    try {
      while (System.in.read() != -1) {
        // the parent never writes; wait for end of stream
      }
    } catch (IOException e) {
      // the pipe broke: the parent is gone as well
    }
    System.err.println("kcp-sandbox: the parent JVM is gone; shutting the broker down");
    Thread halt =
        new Thread(
            () -> {
              LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
              Runtime.getRuntime().halt(ORPHANED);
            },
            "kcp-orphan-halt");
    halt.setDaemon(true);
    halt.start();
    System.exit(ORPHANED); // runs Kafka's shutdown hook; the halt above bounds it
  }
}
