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
  private long lines;

  private AuditLog(Path file, String runId, FileOutputStream out) {
    this.file = file;
    this.runId = runId;
    this.out = out;
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
      return new AuditLog(absolute, newRunId(), out);
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
    synchronized (lock) {
      return lines;
    }
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
  @Override
  public void close() {
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
