package io.kcp.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** The {@code --verbose} option every subcommand takes. */
final class Verbosity {
  @Option(
      names = {"-v", "--verbose"},
      description = "Print stack traces and client logs on failure.")
  boolean verbose;

  static boolean isVerbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
