package io.kcp.lag.internal;

import java.util.OptionalLong;

/** Time lag arithmetic that never yields NaN or a negative number. */
public final class TimeLag {
  private TimeLag() {}

  /** {@code now − timestamp}, clamped at 0 (clock skew); empty when the timestamp is unknown. */
  public static OptionalLong since(long nowMs, Long timestampMs) {
    if (timestampMs == null || timestampMs < 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(0, nowMs - timestampMs));
  }
}
