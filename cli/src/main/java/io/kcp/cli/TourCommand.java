package io.kcp.cli;

import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.EngineState;
import io.kcp.core.SingleThreadConsumer;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import io.kcp.audit.AuditReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kcp tour}: the whole loop in one command — broker, keyed workload, a consumer that reads
 * it back through the audit, and the audit's verdict. Later chapters add their steps here.
 */
@Command(
    name = "tour",
    mixinStandardHelpOptions = true,
    description = {
      "A guided run: start a real broker, produce a keyed workload, read it back with a",
      "single-thread consumer whose handler is audited, and print the audit (lost, duplicates,",
      "order violations). Exits 0 when nothing was lost."
    })
final class TourCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin BrokerOption broker;
  @Mixin ClientOptions client;

  @Option(names = "--topic", defaultValue = "kcp-tour", description = "Topic to use. Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(names = "--partitions", defaultValue = "6", description = "Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--records", defaultValue = "20000", description = "Default: ${DEFAULT-VALUE}.")
  long records;

  @Option(names = "--keys", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
  int keys;

  @Option(names = "--timeout", defaultValue = "120s", converter = DurationConverter.class,
      description = "Give up reading back after this long. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--json", description = "Print the audit report as JSON instead of text.")
  boolean json;

  @Option(names = "--audit", paramLabel = "FILE",
      description = "Keep the audit file here (default: a temporary file, deleted at the end).")
  Path keepAudit;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Checks.positive("--partitions", partitions);
    Checks.positive("--records", records);
    Checks.positive("--keys", keys);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = keepAudit == null ? Files.createTempDirectory("kcp-tour-") : null;
    Path auditFile = keepAudit == null ? dir.resolve("audit-1.tsv") : keepAudit;
    if (keepAudit != null && Files.exists(keepAudit)) {
      throw new CliException("--audit " + keepAudit + " exists already: name a new file"
          + " (an old run's lines would count as another consumer run)");
    }
    java.util.Map<String, String> consumerProperties = client.consumerProperties(); // bad settings fail first
    try (BrokerOption.Broker b = broker.open(err, client)) {
      step(err, 1, "broker: bootstrap.servers=" + b.bootstrapServers());

      step(err, 2, String.format("produce %,d records over %,d keys to '%s' (%d partitions)",
          records, keys, topic, partitions));
      ProduceCommand.produce(b.clientConfig(), topic, partitions, records, keys, false, err);

      step(err, 3, "read everything back with a single-thread consumer; every handled record is"
          + " written to the audit file " + auditFile);
      ConsumerSettings settings = ConsumerSettings.builder()
          .bootstrapServers(b.bootstrapServers())
          .groupId("kcp-tour-" + Long.toHexString(System.nanoTime()))
          .topics(topic)
          .properties(consumerProperties)
          .build();
      long t0 = System.nanoTime();
      try (AuditLog log = AuditLog.open(auditFile)) {
        ConsumerEngine engine = SingleThreadConsumer.of(EngineConfig.ofDefaults(settings),
            Audit.wrap((org.apache.kafka.clients.consumer.ConsumerRecord<String, String> r) -> {}, log));
        engine.start();
        try {
          waitUntilHandled(engine, records, err);
        } finally {
          engine.close(Duration.ofSeconds(10));
        }
        err.printf("  read back %,d records in %.2f s%n",
            engine.metrics().recordsHandled(), (System.nanoTime() - t0) / 1e9);
      }

      step(err, 4, "audit: compare the topic with the audit file");
      AuditReport report = AuditReport.of(b.clientConfig(), topic, List.of(auditFile));
      out.println(json ? report.toJson() : report.toText());
      out.flush();
      if (report.lost() > 0) {
        err.println("tour FAILED: records were lost");
        return Kcp.EXIT_FAILURE;
      }
      err.println("tour done: nothing lost. Read on: docs/00-setup.md");
      return 0;
    } finally {
      if (dir != null) {
        Files.deleteIfExists(auditFile);
        Files.deleteIfExists(dir);
      }
    }
  }

  private void waitUntilHandled(ConsumerEngine engine, long expected, PrintWriter err)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastPrint = System.nanoTime();
    while (engine.metrics().recordsHandled() < expected) {
      if (engine.state() == EngineState.FAILED) {
        throw new CliException("the consumer failed: "
            + engine.failure().map(Errors::describe).orElse("unknown reason"));
      }
      if (System.nanoTime() > deadline) {
        throw new CliException(String.format(
            "read back only %,d of %,d records within %s (raise --timeout)",
            engine.metrics().recordsHandled(), expected, timeout));
      }
      if (System.nanoTime() - lastPrint > 1_000_000_000L) {
        err.printf("  handled %,d / %,d%n", engine.metrics().recordsHandled(), expected);
        err.flush();
        lastPrint = System.nanoTime();
      }
      Thread.sleep(50);
    }
  }

  private static void step(PrintWriter err, int n, String what) {
    err.println("[" + n + "] " + what);
    err.flush();
  }
}
