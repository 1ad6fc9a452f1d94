package io.kcp.audit;

import io.kcp.audit.internal.AuditLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads audit files written by {@link AuditLog} (format: see {@link Audit}).
 *
 * <p>A file may end in a <em>torn</em> line, a last line without its terminating {@code '\n'}
 * (the writer died mid-write). It is skipped and counted; so is a line that {@link AuditLog#open}
 * closed off when it reopened such a file. Any other line that does not parse makes the whole read
 * fail with an {@link IllegalArgumentException} naming the file and the 1-based line number:
 * a damaged audit must not silently under-count.
 */
public final class AuditFiles {

  private static final byte[] TORN_SUFFIX = AuditLines.TORN_SUFFIX.getBytes(StandardCharsets.UTF_8);

  private AuditFiles() {}

  /**
   * What was read from a set of audit files.
   *
   * @param entries every complete line, file by file in the order given, lines in file order
   * @param tornLines how many torn lines were skipped
   */
  public record Contents(List<AuditEntry> entries, long tornLines) {
    /**
     * Copies the entries.
     *
     * @param entries see the record description
     * @param tornLines see the record description
     * @throws IllegalArgumentException if {@code tornLines} is negative
     */
    public Contents {
      entries = List.copyOf(entries);
      if (tornLines < 0) {
        throw new IllegalArgumentException("tornLines must be >= 0, was " + tornLines);
      }
    }
  }

  /**
   * Reads audit files.
   *
   * @param files the files
   * @return their entries and torn-line count
   * @throws IllegalArgumentException naming file and line when a file is malformed
   * @throws UncheckedIOException naming the file when it cannot be read
   */
  public static Contents read(Path... files) {
    return read(Arrays.asList(files));
  }

  /**
   * Reads audit files.
   *
   * @param files the files
   * @return their entries and torn-line count
   * @throws IllegalArgumentException naming file and line when a file is malformed
   * @throws UncheckedIOException naming the file when it cannot be read
   */
  public static Contents read(List<Path> files) {
    List<AuditEntry> entries = new ArrayList<>();
    Map<String, String> strings = new HashMap<>();
    long torn = 0;
    for (Path file : files) {
      Objects.requireNonNull(file, "file");
      try {
        torn += readFile(file, entries, strings);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read audit file " + file + ": " + e, e);
      }
    }
    return new Contents(entries, torn);
  }

  /** Reads one file into {@code out}; returns its torn-line count. */
  private static long readFile(Path file, List<AuditEntry> out, Map<String, String> strings)
      throws IOException {
    long torn = 0;
    long lineNo = 0;
    byte[] chunk = new byte[1 << 16];
    byte[] line = new byte[256];
    int len = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(chunk)) >= 0) {
        int from = 0;
        for (int i = 0; i < n; i++) {
          if (chunk[i] != '\n') {
            continue;
          }
          int part = i - from;
          if (len + part > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, len + part));
          }
          System.arraycopy(chunk, from, line, len, part);
          len += part;
          lineNo++;
          if (endsWith(line, len, TORN_SUFFIX)) {
            torn++;
          } else {
            out.add(parse(file, lineNo, new String(line, 0, len, StandardCharsets.UTF_8), strings));
          }
          len = 0;
          from = i + 1;
        }
        int rest = n - from;
        if (len + rest > line.length) {
          line = Arrays.copyOf(line, Math.max(line.length * 2, len + rest));
        }
        System.arraycopy(chunk, from, line, len, rest);
        len += rest;
      }
    }
    if (len > 0) {
      torn++; // an unterminated last line: the writer died before finishing it
    }
    return torn;
  }

  private static boolean endsWith(byte[] line, int len, byte[] suffix) {
    if (len < suffix.length) {
      return false;
    }
    for (int i = 0; i < suffix.length; i++) {
      if (line[len - suffix.length + i] != suffix[i]) {
        return false;
      }
    }
    return true;
  }

  private static AuditEntry parse(
      Path file, long lineNo, String text, Map<String, String> strings) {
    try {
      // the same few run ids, handler ids, topics and keys repeat on millions of lines
      return AuditLines.decode(text, s -> intern(strings, s));
    } catch (IllegalArgumentException ex) {
      String shown = text.length() > 120 ? text.substring(0, 120) + "…" : text;
      throw new IllegalArgumentException(
          "malformed audit file "
              + file
              + " line "
              + lineNo
              + ": "
              + ex.getMessage()
              + " in '"
              + shown.replace("\t", "\\t")
              + "'",
          ex);
    }
  }

  private static String intern(Map<String, String> strings, String s) {
    String known = strings.putIfAbsent(s, s);
    return known != null ? known : s;
  }
}
