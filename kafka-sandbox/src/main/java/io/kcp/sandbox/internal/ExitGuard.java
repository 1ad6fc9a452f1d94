package io.kcp.sandbox.internal;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One JVM shutdown hook, so a forgotten sandbox leaves nothing behind: it first closes every
 * sandbox still open (stopping its brokers before deleting their directories — deleting under a
 * running broker makes it fail its log dirs loudly), then SIGKILLs forked brokers still running
 * and deletes sandbox directories still present (from a start that failed half way).
 */
public final class ExitGuard {
  private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
  private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();
  private static final Set<AutoCloseable> SANDBOXES = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ExitGuard::onExit, "kcp-sandbox-exit-guard"));
  }

  private ExitGuard() {}

  /** Kill this process when the JVM exits. */
  public static void track(Process process) {
    PROCESSES.add(process);
  }

  /** Forget a process (it has exited). */
  public static void untrack(Process process) {
    PROCESSES.remove(process);
  }

  /** Delete this directory when the JVM exits. */
  public static void trackDirectory(Path dir) {
    DIRECTORIES.add(dir);
  }

  /** Forget a directory (it was deleted). */
  public static void untrackDirectory(Path dir) {
    DIRECTORIES.remove(dir);
  }

  /** Close this sandbox when the JVM exits, unless it was closed before. */
  public static void trackSandbox(AutoCloseable sandbox) {
    SANDBOXES.add(sandbox);
  }

  /** Forget a sandbox (it was closed). */
  public static void untrackSandbox(AutoCloseable sandbox) {
    SANDBOXES.remove(sandbox);
  }

  private static void onExit() {
    for (AutoCloseable sandbox : SANDBOXES) {
      try {
        sandbox.close();
      } catch (Exception ignored) {
        // best effort: the JVM is going away; the steps below still run
      }
    }
    for (Process p : PROCESSES) {
      p.destroyForcibly();
    }
    for (Process p : PROCESSES) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    for (Path dir : DIRECTORIES) {
      try {
        Storage.deleteRecursively(dir);
      } catch (RuntimeException ignored) {
        // best effort: an in-process broker may still be writing
      }
    }
  }
}
