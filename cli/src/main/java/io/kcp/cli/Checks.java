package io.kcp.cli;

/** Option checks that fail with the option's name and the fix. */
final class Checks {
  private Checks() {}

  static void positive(String option, long value) {
    if (value <= 0) {
      throw new CliException(option + " must be a positive number (got " + value + ")");
    }
  }

  /** A value between 0 and 1, or an error naming the option. */
  static void fraction(String option, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new CliException(option + " must be between 0 and 1 (got " + value + "), e.g. 0.5 for half a window");
    }
  }
}
