package io.kcp.audit.internal;

import java.util.Random;
import java.util.regex.Pattern;

/** W3C Trace Context {@code traceparent} header values. */
public final class Traceparent {

  /** The header name. */
  public static final String HEADER = "traceparent";

  private static final Pattern FORMAT =
      Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Traceparent() {}

  /**
   * A random, valid, sampled {@code traceparent}: {@code 00-<32 hex trace id>-<16 hex span
   * id>-01}, trace id and span id never all zeros.
   *
   * @param random the source of randomness
   * @return the header value
   */
  public static String random(Random random) {
    StringBuilder sb = new StringBuilder(55).append("00-");
    long hi;
    long lo;
    do {
      hi = random.nextLong();
      lo = random.nextLong();
    } while (hi == 0 && lo == 0);
    hex(sb, hi);
    hex(sb, lo);
    sb.append('-');
    long span;
    do {
      span = random.nextLong();
    } while (span == 0);
    hex(sb, span);
    return sb.append("-01").toString();
  }

  private static void hex(StringBuilder sb, long v) {
    for (int shift = 60; shift >= 0; shift -= 4) {
      sb.append(HEX[(int) (v >>> shift) & 0xf]);
    }
  }

  /**
   * Whether {@code value} is a valid version-00 {@code traceparent}.
   *
   * @param value the header value
   * @return true if valid
   */
  public static boolean isValid(String value) {
    return value != null && FORMAT.matcher(value).matches();
  }
}
