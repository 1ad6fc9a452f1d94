package io.kcp.cli;

import io.kcp.audit.AuditReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
    header = "Check audit files: lost, duplicates, order violations.",
    mixinStandardHelpOptions = true,
    description = {
      "Compare audit files (written by consumers run with --audit) with what the topic holds:",
      "lost (produced, never handled nor dead-lettered), duplicates, per-key order violations.",
      "Records found in the dead-letter topic (default <topic>.dlt, read when it exists) count as",
      "dead_lettered, not lost."
    })
final class AuditCommand implements Callable<Integer> {
  /** Exit code of {@code --strict} when the report is not clean. */
  static final int EXIT_NOT_CLEAN = 3;

  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin BrokerOption broker;
  @Mixin ClientOptions client;

  @Option(names = "--topic", required = true, description = "The topic the workload was produced to.")
  String topic;

  @Option(
      names = "--dlt",
      paramLabel = "TOPIC",
      description = "The dead-letter topic to read; it must exist. Default: <topic>.dlt when it exists.")
  String dlt;

  @Option(
      names = "--no-dlt",
      description = "Read no dead-letter topic: a record that was not handled counts as lost.")
  boolean noDlt;

  @Option(names = "--json", description = "Print the report as JSON (snake_case keys).")
  boolean json;

  @Option(names = "--strict", description = "Exit with code 3 when anything was lost, duplicated or reordered.")
  boolean strict;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files, one or more (one per consumer run or process).")
  List<Path> files;

  @Override
  public Integer call() {
    String bootstrap = broker.required("kcp audit", client);
    java.util.Map<String, Object> config = client.clientConfig(bootstrap);
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new CliException("audit file not found: " + f);
      }
    }
    if (noDlt && dlt != null) {
      throw new CliException("--dlt and --no-dlt exclude each other: give one or neither");
    }
    AuditReport report =
        dlt == null && !noDlt
            ? AuditReport.of(config, topic, files)
            : AuditReport.of(config, topic, files, Optional.ofNullable(dlt), AuditReport.DEFAULT_READ_TIMEOUT);
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? report.toJson() : report.toText());
    out.flush();
    return strict && !report.clean() ? EXIT_NOT_CLEAN : 0;
  }
}
