package io.kcp.it;

import io.kcp.cli.Kcp;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code kcp} in this JVM, the way the launcher does, and captures what it prints. */
final class Cli {
  private Cli() {}

  /** What one {@code kcp} invocation printed and returned. */
  record Result(int exitCode, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Kcp.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
