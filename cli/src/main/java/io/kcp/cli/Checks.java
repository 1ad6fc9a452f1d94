package io.kcp.cli;

/** Option checks that fail with the option's name and the fix. */
final class Checks {
  private Checks() {}

  static void positive(String option, long value) {
    if (value <= 0) {
      throw new CliException(option + " must be a positive number (got " + value + ")");
    }
  }
}
