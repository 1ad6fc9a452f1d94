package io.kcp.audit.internal;

import io.kcp.audit.AuditEntry;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The audit file line format: encoding and decoding of one {@link AuditEntry}.
 *
 * <p>A line is ten tab-separated fields terminated by {@code '\n'}:
 *
 * <pre>
 * runId TAB handlerId TAB topic TAB partition TAB offset TAB key TAB seq TAB startNanos TAB endNanos TAB endEpochMillis LF
 * </pre>
 *
 * <p>In the string fields (runId, handlerId, topic, key) a backslash is written {@code \\}, a tab
 * {@code \t}, a line feed {@code \n} and a carriage return {@code \r}; a {@code null} key is written
 * {@code \N}. Numbers are plain decimal. The file is UTF-8.
 *
 * <p>A line that ends with {@link #TORN_SUFFIX} is a torn line that {@code AuditLog.open} closed
 * off when it found an unterminated last line in an existing file; readers skip it and count it as
 * torn.
 */
public final class AuditLines {

  /** Number of fields in a line. */
  public static final int FIELDS = 10;

  /**
   * Appended (with the terminating {@code '\n'}) after an unterminated last line found when a log
   * is reopened. A complete line never ends with it: its last field is a number.
   */
  public static final String TORN_SUFFIX = "\t!torn";

  private static final String NULL = "\\N";

  private AuditLines() {}

  /**
   * Encodes an entry as one line including the terminating {@code '\n'}.
   *
   * @param e the entry
   * @return the line's UTF-8 bytes
   */
  public static byte[] encode(AuditEntry e) {
    StringBuilder sb = new StringBuilder(128);
    escape(sb, e.runId()).append('\t');
    escape(sb, e.handlerId()).append('\t');
    escape(sb, e.topic()).append('\t');
    sb.append(e.partition()).append('\t');
    sb.append(e.offset()).append('\t');
    escape(sb, e.key()).append('\t');
    sb.append(e.seq()).append('\t');
    sb.append(e.startNanos()).append('\t');
    sb.append(e.endNanos()).append('\t');
    sb.append(e.endEpochMillis()).append('\n');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes one line (without its terminating {@code '\n'}).
   *
   * @param line the line
   * @return the entry
   * @throws IllegalArgumentException naming what is wrong with the line
   */
  public static AuditEntry decode(String line) {
    return decode(line, UnaryOperator.identity());
  }

  /**
   * Decodes one line (without its terminating {@code '\n'}), passing each string field through
   * {@code strings} (e.g. to share the few distinct run ids, topics and keys of a large file).
   *
   * @param line the line
   * @param strings applied to every non-null string field
   * @return the entry
   * @throws IllegalArgumentException naming what is wrong with the line
   */
  public static AuditEntry decode(String line, UnaryOperator<String> strings) {
    String[] f = new String[FIELDS];
    int n = 0;
    int from = 0;
    for (int i = 0; i <= line.length(); i++) {
      if (i == line.length() || line.charAt(i) == '\t') {
        if (n == FIELDS) {
          throw new IllegalArgumentException("more than " + FIELDS + " tab-separated fields");
        }
        f[n++] = line.substring(from, i);
        from = i + 1;
      }
    }
    if (n != FIELDS) {
      throw new IllegalArgumentException(
          "expected " + FIELDS + " tab-separated fields, found " + n);
    }
    String runId = unescape(f[0], "runId");
    String handlerId = unescape(f[1], "handlerId");
    String topic = unescape(f[2], "topic");
    if (runId == null || runId.isEmpty()) {
      throw new IllegalArgumentException("runId is empty");
    }
    if (handlerId == null) {
      throw new IllegalArgumentException("handlerId is null");
    }
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("topic is empty");
    }
    int partition = (int) number(f[3], "partition", 0, Integer.MAX_VALUE);
    long offset = number(f[4], "offset", 0, Long.MAX_VALUE);
    String key = unescape(f[5], "key");
    long seq = number(f[6], "seq", -1, Long.MAX_VALUE);
    long start = number(f[7], "startNanos", Long.MIN_VALUE, Long.MAX_VALUE);
    long end = number(f[8], "endNanos", Long.MIN_VALUE, Long.MAX_VALUE);
    long endMillis = number(f[9], "endEpochMillis", 0, Long.MAX_VALUE);
    if (end - start < 0) {
      throw new IllegalArgumentException("endNanos " + end + " is before startNanos " + start);
    }
    return new AuditEntry(
        strings.apply(runId),
        strings.apply(handlerId),
        strings.apply(topic),
        partition,
        offset,
        key == null ? null : strings.apply(key),
        seq,
        start,
        end,
        endMillis);
  }

  private static long number(String s, String field, long min, long max) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " is not a number: '" + s + "'", e);
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(field + " out of range: " + v);
    }
    return v;
  }

  /**
   * Appends {@code s} escaped for a string field.
   *
   * @param sb where to append
   * @param s the string, may be {@code null}
   * @return {@code sb}
   */
  public static StringBuilder escape(StringBuilder sb, String s) {
    if (s == null) {
      return sb.append(NULL);
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    return sb;
  }

  /**
   * Reverses {@link #escape}.
   *
   * @param s an escaped field
   * @param field the field's name, for the error message
   * @return the original string, {@code null} for {@code \N}
   * @throws IllegalArgumentException on an unknown or incomplete escape
   */
  public static String unescape(String s, String field) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    if (s.equals(NULL)) {
      return null;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (++i == s.length()) {
        throw new IllegalArgumentException(field + " ends in an incomplete escape");
      }
      char e = s.charAt(i);
      switch (e) {
        case '\\' -> sb.append('\\');
        case 't' -> sb.append('\t');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        default -> throw new IllegalArgumentException(
            field + " has an unknown escape '\\" + e + "'");
      }
    }
    return sb.toString();
  }
}
