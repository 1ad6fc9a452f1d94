package io.kcp.audit;

import io.kcp.audit.internal.AuditLines;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An append-only audit file that survives {@code kill -9}: every {@link AuditEntry} is written
 * with exactly one {@code write()} system call of one complete line, through an unbuffered stream
 * opened in append mode. What {@link #append} has returned from is in the operating system's page
 * cache, so killing the JVM loses nothing already recorded (a machine crash may; the audit is about
 * the consumer, not the disk).
 *
 * <p>Each {@link #open} is one consumer process run and gets a fresh random {@link #runId()}. One
 * log is shared by all worker threads of that process; {@link #append} is thread-safe and lines
 * never interleave. The line format is described in {@link Audit}.
 *
 * <p>The file is written with a {@link FileOutputStream} rather than a {@code FileChannel} on
 * purpose: a channel is closed for every thread when one writing thread is interrupted, and
 * consumer engines do interrupt their workers on shutdown.
 *
 * <p>{@link #openBuffered} trades that durability for speed, for benchmarks: each thread appends
 * to a buffer of its own (no shared lock, no system call per record) and the buffers reach the
 * file when they fill and at {@link #close()}. A process killed before closing loses what its
 * buffers held, so crash tests keep the durable {@link #open}.
 *
 * <p>When an existing file ends in an unterminated line (the process died mid-write, or the disk
 * filled), {@link #open} closes that line off with a marker so that the new lines stay parseable;
 * {@link AuditFiles#read} counts such lines as torn.
 */
public final class AuditLog implements Closeable {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private final String runId;
  private final FileOutputStream out;
  private final Object lock = new Object();
  private boolean closed;
  private volatile boolean closing;
  private long lines;
  private final boolean buffered;
  private final ThreadLocal<Buffer> buffer;
  private final java.util.Queue<Buffer> buffers = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Bytes a thread's buffer holds before it is written to the file. */
  static final int BUFFER_BYTES = 256 * 1024;

  private AuditLog(Path file, String runId, FileOutputStream out, boolean buffered) {
    this.file = file;
    this.runId = runId;
    this.out = out;
    this.buffered = buffered;
    this.buffer = buffered ? ThreadLocal.withInitial(this::newBuffer) : null;
  }

  /** One thread's lines not yet written; its own monitor is uncontended but for a close. */
  private static final class Buffer {
    // allocated on first use: a virtual thread per record has a buffer of its own, mostly unused
    byte[] bytes = new byte[0];
    int size;
    long lines;
    boolean closed;
    /** Handled records not even encoded yet ({@link Audit} defers that to the close). */
    final java.util.ArrayList<Deferred> deferred = new java.util.ArrayList<>(0);
  }

  /** What {@link Audit} knows of a handled record, turned into an {@link AuditEntry} at the close. */
  record Deferred(String handlerId, String topic, int partition, long offset, Object key, Object value,
      long startNanos, long endNanos, long endEpochMillis) {}

  /** Bytes the per-thread buffers hold allocated (for tests of the buffered mode's memory). */
  long bufferedBytes() {
    long n = 0;
    for (Buffer b : buffers) {
      synchronized (b) {
        n += b.bytes.length;
      }
    }
    return n;
  }

  /** Whether lines are buffered per thread ({@link #openBuffered}). */
  boolean buffered() {
    return buffered;
  }

  /**
   * Buffered logs only: keeps what is needed to write the record's line at the close — no
   * parsing, no encoding, no lock on the handler's thread.
   */
  void appendDeferred(Deferred d) {
    Buffer b = buffer.get();
    synchronized (b) {
      if (b.closed || closing) {
        throw new IllegalStateException("audit log " + file + " is closed");
      }
      b.deferred.add(d);
    }
  }

  private Buffer newBuffer() {
    Buffer b = new Buffer();
    buffers.add(b);
    return b;
  }

  /**
   * Opens (creating it and its parent directories if needed) an audit file for appending, as a new
   * run with a random {@link #runId()}.
   *
   * @param file the audit file
   * @return the open log
   * @throws UncheckedIOException naming the file when it cannot be opened
   */
  public static AuditLog open(Path file) {
    return open(file, false);
  }

  /**
   * Opens an audit file like {@link #open}, but buffered per thread: no shared lock and no system
   * call per record. Records audited through {@link Audit#wrap} are kept as they are and parsed and
   * encoded only at {@link #close()}, off the handlers' threads (their memory is held until then:
   * tens of bytes per record); lines given to {@link #append} reach the file when a thread's
   * buffer fills (256 KB) and at the close. For benchmarks, where the instrument must not be the bottleneck; a process killed
   * before {@link #close()} loses the buffered lines.
   *
   * @param file the audit file
   * @return the open log
   * @throws UncheckedIOException naming the file when it cannot be opened
   */
  public static AuditLog openBuffered(Path file) {
    return open(file, true);
  }

  private static AuditLog open(Path file, boolean buffered) {
    Objects.requireNonNull(file, "file");
    Path absolute = file.toAbsolutePath();
    try {
      Path parent = absolute.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      boolean torn = endsInUnterminatedLine(absolute);
      FileOutputStream out = new FileOutputStream(absolute.toFile(), true);
      if (torn) {
        try {
          out.write((AuditLines.TORN_SUFFIX + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          out.close();
          throw e;
        }
      }
      return new AuditLog(absolute, newRunId(), out, buffered);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open audit file " + absolute + ": " + e, e);
    }
  }

  private static boolean endsInUnterminatedLine(Path file) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.position(size - 1);
      while (last.hasRemaining()) {
        if (ch.read(last) < 0) {
          throw new IOException("file shrank while reading its last byte");
        }
      }
      return last.get(0) != '\n';
    }
  }

  private static String newRunId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * The id of this run: 16 random hex digits, new for every {@link #open}.
   *
   * @return the run id
   */
  public String runId() {
    return runId;
  }

  /**
   * The audit file.
   *
   * @return its absolute path
   */
  public Path file() {
    return file;
  }

  /**
   * How many lines this log has appended since it was opened.
   *
   * @return the line count
   */
  public long linesWritten() {
    long n;
    synchronized (lock) {
      n = lines;
    }
    for (Buffer b : buffers) {
      synchronized (b) {
        n += b.lines + b.deferred.size();
      }
    }
    return n;
  }

  /**
   * Appends one entry as one line, with one {@code write()} call. {@link Audit#wrap} calls this;
   * tests may call it to write synthetic files. The entry is written as given, including its run
   * id.
   *
   * @param entry the entry
   * @throws IllegalStateException if the log is closed
   * @throws UncheckedIOException if the write fails
   */
  public void append(AuditEntry entry) {
    byte[] line = AuditLines.encode(entry);
    if (buffered) {
      Buffer b = buffer.get();
      synchronized (b) {
        if (b.closed || closing) {
          throw new IllegalStateException("audit log " + file + " is closed");
        }
        if (b.size + line.length > b.bytes.length) {
          if (b.bytes.length < BUFFER_BYTES) {
            b.bytes = java.util.Arrays.copyOf(b.bytes, Math.max(Math.min(BUFFER_BYTES, Math.max(8 * 1024,
                2 * b.bytes.length)), b.size + line.length));
          } else {
            flush(b);
          }
        }
        if (line.length > b.bytes.length) {
          b.bytes = java.util.Arrays.copyOf(b.bytes, line.length);
        }
        System.arraycopy(line, 0, b.bytes, b.size, line.length);
        b.size += line.length;
        b.lines++;
      }
      return;
    }
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("audit log " + file + " is closed");
      }
      try {
        out.write(line);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to audit file " + file + ": " + e, e);
      }
      lines++;
    }
  }

  /**
   * Closes the file. Idempotent; later {@link #append} calls fail.
   *
   * @throws UncheckedIOException if closing fails
   */
  /** Where the close encodes deferred records: one buffer for all threads' (the close is one thread). */
  private final class Scratch {
    private final byte[] bytes = new byte[BUFFER_BYTES];
    private int size;
    private long lines;

    void add(Deferred d) {
      byte[] line = AuditLines.encode(new AuditEntry(runId, d.handlerId(), d.topic(), d.partition(), d.offset(),
          Audit.keyString(d.key()), Audit.seqOf(d.value()), d.startNanos(), d.endNanos(), d.endEpochMillis()));
      if (size + line.length > bytes.length) {
        write();
      }
      if (line.length > bytes.length) {
        writeOut(line, line.length, 1);
        return;
      }
      System.arraycopy(line, 0, bytes, size, line.length);
      size += line.length;
      lines++;
    }

    void write() {
      writeOut(bytes, size, lines);
      size = 0;
      lines = 0;
    }
  }

  private void writeOut(byte[] bytes, int size, long count) {
    if (size == 0) {
      return;
    }
    synchronized (lock) {
      try {
        out.write(bytes, 0, size);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to audit file " + file + ": " + e, e);
      }
      lines += count;
    }
  }

  /** Writes a buffer's whole lines to the file (the caller holds the buffer's monitor). */
  private void flush(Buffer b) {
    if (b.size == 0) {
      return;
    }
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("audit log " + file + " is closed");
      }
      try {
        out.write(b.bytes, 0, b.size);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to audit file " + file + ": " + e, e);
      }
      lines += b.lines;
    }
    b.size = 0;
    b.lines = 0;
  }

  @Override
  public void close() {
    closing = true;
    Scratch scratch = null;
    for (Buffer b : buffers) {
      synchronized (b) {
        if (!b.closed) {
          flush(b);
          if (!b.deferred.isEmpty()) {
            scratch = scratch != null ? scratch : new Scratch();
            for (Deferred d : b.deferred) {
              scratch.add(d);
            }
            b.deferred.clear();
          }
          b.closed = true;
        }
      }
    }
    if (scratch != null) {
      scratch.write();
    }
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close audit file " + file + ": " + e, e);
      }
    }
  }

  @Override
  public String toString() {
    return "AuditLog[" + file + ", run " + runId + "]";
  }
}
