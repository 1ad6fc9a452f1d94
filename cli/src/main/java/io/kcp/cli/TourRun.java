package io.kcp.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run of {@code kcp tour}: its narration (step headers, explanations, progress, elapsed time),
 * the summary rows, the files it keeps, and what must be closed when it ends — normally or on
 * Ctrl-C, when a shutdown hook interrupts the tour, waits for it to close its consumers and broker,
 * and (if it does not within {@link #STOP_GRACE_SECONDS}) closes them itself and removes the
 * temporary directory.
 */
final class TourRun implements AutoCloseable {
  /** How long the shutdown hook waits for the tour to close what it opened after Ctrl-C. */
  static final int STOP_GRACE_SECONDS = 20;

  /** One line of the summary: a step, its key figures and its verdict. */
  record Row(String step, String what, String figures, String verdict, boolean ok, double seconds) {}

  final PrintWriter err;
  /** Where every file of the run goes: {@code --out}, or a temporary directory removed at the end. */
  final Path dir;
  private final boolean keep;
  private boolean pause;
  /**
   * With {@code --pause}: stdin's lines, read on a daemon thread, so that waiting for Enter is a
   * {@code take()} which Ctrl-C's interrupt ends at once (a blocking readLine() would not wake).
   */
  private final BlockingQueue<String> stdinLines = new LinkedBlockingQueue<>();
  /** Put on {@link #stdinLines} when stdin is closed (or unreadable). */
  private static final String EOF = new String("EOF");
  private final List<Row> rows = new ArrayList<>();
  private final Deque<AutoCloseable> open = new ConcurrentLinkedDeque<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread tourThread = Thread.currentThread();
  private final Thread hook;
  private volatile boolean stopping;
  /** The normal close has begun: Ctrl-C now waits for it rather than interrupting clients mid-close. */
  private volatile boolean closing;
  /** A step started and not yet done (an error then ends it). */
  private boolean stepOpen;
  /** A client still closing when the run gave up waiting for it (Ctrl-C). */
  private volatile boolean abandoned;
  private String current = "";
  private long stepStart;

  TourRun(PrintWriter err, Path out, boolean pause) throws IOException {
    this.err = err;
    this.keep = out != null;
    this.dir = out != null ? Files.createDirectories(out) : Files.createTempDirectory("kcp-tour-");
    this.pause = pause;
    if (pause) {
      Thread reader = new Thread(this::readStdin, "kcp-tour-stdin");
      reader.setDaemon(true); // never keeps the JVM alive: it may block on stdin forever
      reader.start();
    }
    this.hook = new Thread(this::onShutdown, "kcp-tour-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Closes {@code c} when the run ends (or on Ctrl-C), last opened first; returns it. */
  <T extends AutoCloseable> T open(T c) {
    open.addLast(c);
    return c;
  }

  /** Closes {@code c} now, if it is still open. */
  void close(AutoCloseable c) {
    if (open.remove(c)) {
      closeQuietly(c);
    }
  }

  /** A child process, destroyed at once (SIGKILL) if the run ends first. */
  Process open(Process p) {
    open(() -> {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    });
    return p;
  }

  /** Throws once Ctrl-C was pressed. */
  void check() {
    if (stopping) {
      throw new CliException("stopped (Ctrl-C)");
    }
  }

  boolean stopping() {
    return stopping;
  }

  private void readStdin() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        stdinLines.add(line);
      }
    } catch (IOException | RuntimeException e) {
      // unreadable stdin: as if closed
    }
    stdinLines.add(EOF);
  }

  /**
   * A step: (with {@code --pause}) waits for Enter, prints its header {@code [chN i/n] title} and
   * its explanation, and starts its clock.
   */
  void step(int chapter, int index, int total, String title, String... explanation) {
    check();
    current = "ch" + chapter + " " + index + "/" + total;
    if (pause) {
      synchronized (err) {
        err.print("(Enter for the next step: " + title + ") ");
        err.flush();
      }
      String line;
      try {
        line = stdinLines.take();
      } catch (InterruptedException e) {
        check(); // Ctrl-C: stop now
        Thread.currentThread().interrupt();
        throw new CliException("interrupted at the prompt");
      }
      if (line == EOF) {
        pause = false;
        synchronized (err) {
          err.println();
          err.println("(stdin is closed: not pausing any more)");
        }
      }
      check();
    }
    synchronized (err) {
      err.println();
      err.println("[" + current + "] " + title);
      for (String line : explanation) {
        err.println("  " + line);
      }
      err.flush();
    }
    stepOpen = true;
    stepStart = System.nanoTime();
  }

  /** A step's body (or the few steps that depend on each other), for {@link #attempt}. */
  interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body}: an exception (other than Ctrl-C's stop) ends its open step as {@code ERROR}
   * with the exception's one-line message — summary row, JSON file — and the tour goes on. Returns
   * whether {@code body} finished.
   */
  boolean attempt(String what, Body body) {
    try {
      body.run();
      return true;
    } catch (Exception e) {
      check(); // Ctrl-C: the whole tour stops
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
      String message = Errors.describe(e);
      if (!stepOpen) { // failed before its header: the row still says which step
        stepStart = System.nanoTime();
      }
      say("error: %s", message);
      done(what, message, "ERROR", false, CliJson.object().put("error", message));
      return false;
    }
  }

  /** A line of the step's narration. */
  void say(String format, Object... args) {
    synchronized (err) {
      err.println("  " + String.format(Locale.ROOT, format, args));
      err.flush();
    }
  }

  /** Seconds since the step started. */
  double elapsed() {
    return (System.nanoTime() - stepStart) / 1e9;
  }

  /** Ends the step: its summary row, its JSON file, and the time it took. */
  void done(String what, String figures, String verdict, boolean ok, ObjectNode json) {
    double seconds = elapsed();
    stepOpen = false;
    rows.add(new Row(current, what, figures, verdict, ok, seconds));
    json.put("step", current).put("what", what).put("verdict", verdict).put("ok", ok)
        .put("seconds", CliJson.decimal(seconds, 1));
    write(current.replaceAll("/\\d+", "").replace(' ', '-') + "-" + what.replaceAll("[^a-z0-9]+", "-") + ".json", CliJson.line(json) + "\n");
    synchronized (err) {
      err.printf(Locale.ROOT, "  => %s  [%s, %.1f s]%n", verdict, ok ? "ok" : "UNEXPECTED", seconds);
      err.flush();
    }
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  /** A file of this run, in {@link #dir}. */
  Path file(String name) {
    return dir.resolve(name);
  }

  void write(String name, String text) {
    try {
      Files.writeString(file(name), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file(name), e);
    }
  }

  /** A writer that prints each line to the narration with {@code prefix} in front. */
  PrintWriter indented(String prefix) {
    return new PrintWriter(new Writer() {
      private boolean lineStart = true;

      @Override
      public void write(char[] c, int off, int len) {
        if (stopping) {
          return; // a command's "interrupted" after Ctrl-C: the tour says what happened
        }
        synchronized (err) {
          for (int i = off; i < off + len; i++) {
            if (lineStart) {
              err.write(prefix);
              lineStart = false;
            }
            err.write(c[i]);
            if (c[i] == '\n') {
              lineStart = true;
            }
          }
        }
      }

      @Override
      public void flush() {
        err.flush();
      }

      @Override
      public void close() {
        err.flush();
      }
    }, true);
  }

  /** Closes everything still open; removes the directory unless it is {@code --out}. */
  @Override
  public void close() {
    closing = true;
    Thread.interrupted(); // closing clients must not fail on a Ctrl-C's interrupt
    closeAll();
    if (!keep) {
      delete(dir);
    }
    finished.countDown();
    if (!stopping) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already: the hook finds the run finished
      }
    }
  }

  /** Ctrl-C (or SIGTERM): stop the tour, let it close what it opened, or close it here. */
  private void onShutdown() {
    if (finished.getCount() == 0) {
      return;
    }
    stopping = true;
    synchronized (err) {
      err.println();
      err.println("kcp tour: stopping (Ctrl-C): closing the consumers and the broker ...");
      err.flush();
    }
    if (!closing) { // closing already: let it finish its clients rather than interrupt them mid-close
      tourThread.interrupt();
    }
    boolean clean;
    try {
      clean = finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      clean = false;
    }
    if (!clean) {
      closeAll();
      if (!keep) {
        delete(dir);
      }
    }
    synchronized (err) {
      err.println("kcp tour: stopped; " + (clean && !abandoned ? "consumers, producers and broker closed"
          : "broker closed, clients closed or given up") + "; " + (keep ? "files kept in " : "removed ") + dir);
      err.flush();
    }
  }

  private void closeAll() {
    if (!stopping) {
      for (AutoCloseable c; (c = open.pollLast()) != null; ) {
        closeQuietly(c);
      }
      return;
    }
    // on Ctrl-C the sandbox's own exit hook may stop the broker at the same time, and a client
    // closing against a broker that is gone waits for its timeouts (a producer's flush: minutes):
    // close in the same order, but give up waiting after CLOSE_BOUND_SECONDS
    Thread closer = new Thread(() -> {
      for (AutoCloseable c; (c = open.pollLast()) != null; ) {
        closeQuietly(c);
      }
    }, "kcp-tour-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(TimeUnit.SECONDS.toMillis(CLOSE_BOUND_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      abandoned = true;
      synchronized (err) {
        err.println("  (a client still closing after " + CLOSE_BOUND_SECONDS + " s, its broker gone: not waiting for it)");
      }
    }
  }

  /** On Ctrl-C, how long closing may wait for clients whose broker is gone. */
  static final int CLOSE_BOUND_SECONDS = 5;

  private void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception | LinkageError e) {
      synchronized (err) {
        err.println("  (closing: " + Errors.describe(e) + ")");
      }
    }
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temporary directory
    }
  }
}
