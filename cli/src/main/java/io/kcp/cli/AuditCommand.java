package io.kcp.cli;

import io.kcp.sandbox.AuditReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kcp audit}: what the topic holds versus what the handlers recorded. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Compare audit files (written by consumers run with --audit) with what the topic holds:",
      "lost (produced, never handled), duplicates, per-key order violations."
    })
final class AuditCommand implements Callable<Integer> {
  /** Exit code of {@code --strict} when the report is not clean. */
  static final int EXIT_NOT_CLEAN = 3;

  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin BrokerOption broker;

  @Option(names = "--topic", required = true, description = "The topic the workload was produced to.")
  String topic;

  @Option(names = "--json", description = "Print the report as JSON (snake_case keys).")
  boolean json;

  @Option(names = "--strict", description = "Exit with code 3 when anything was lost, duplicated or reordered.")
  boolean strict;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files, one or more (one per consumer run or process).")
  List<Path> files;

  @Override
  public Integer call() {
    String bootstrap = broker.required("kcp audit");
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new CliException("audit file not found: " + f);
      }
    }
    AuditReport report = AuditReport.of(bootstrap, topic, files);
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? report.toJson() : report.toText());
    out.flush();
    return strict && !report.clean() ? EXIT_NOT_CLEAN : 0;
  }
}
