package io.kcp.cli;

import io.kcp.audit.Workload;
import io.kcp.audit.WorkloadResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kcp produce}: the keyed workload every test and benchmark uses. */
@Command(
    name = "produce",
    header = "Produce the keyed workload that kcp audit checks.",
    mixinStandardHelpOptions = true,
    description = {
      "Produce the keyed workload: N records over K keys; each value carries (key, per-key",
      "sequence number, produce time), so 'kcp audit' can later tell lost, duplicated and",
      "reordered records apart. Progress goes to stderr, the summary to stdout."
    })
final class ProduceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin BrokerOption broker;
  @Mixin ClientOptions client;

  @Option(names = "--topic", required = true, description = "Topic to produce to (created if missing).")
  String topic;

  @Option(names = "--partitions", defaultValue = "12", description = "Partitions if the topic is created. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--records", defaultValue = "100000", description = "Records to produce. Default: ${DEFAULT-VALUE}.")
  long records;

  @Option(names = "--keys", defaultValue = "1000", description = "Distinct keys (record i gets key k-(i mod keys)). Default: ${DEFAULT-VALUE}.")
  int keys;

  @Option(names = "--traceparent", description = "Add a W3C traceparent header to every record.")
  boolean traceparent;

  @Override
  public Integer call() {
    Checks.positive("--partitions", partitions);
    Checks.positive("--records", records);
    Checks.positive("--keys", keys);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    client.properties(); // a bad --command-config or --command-property fails before a broker starts
    try (BrokerOption.Broker b = broker.open(err, client)) {
      WorkloadResult result = produce(b.clientConfig(), topic, partitions, records, keys, traceparent, err);
      out.printf(
          "produced %,d records over %,d keys to %s (%d partitions) in %.2f s: %,.0f records/s%n",
          result.records(), keys, topic, partitions, result.duration().toMillis() / 1e3,
          result.recordsPerSecond());
      if (b.embedded()) {
        err.println("note: the embedded broker and these records are gone when this command ends;"
            + " use 'kcp sandbox' and --bootstrap-server to keep them");
      }
    }
    return 0;
  }

  /** Produces the workload with progress on {@code err}; shared by {@code produce} and {@code tour}. */
  static WorkloadResult produce(
      java.util.Map<String, Object> clientConfig, String topic, int partitions, long records, int keys,
      boolean traceparent, PrintWriter err) {
    long[] lastAcked = {-1};
    return Workload.builder(String.valueOf(clientConfig.get("bootstrap.servers")), topic)
        .clientProperties(clientConfig)
        .partitions(partitions)
        .records(records)
        .keys(keys)
        .traceparent(traceparent)
        .progress((sent, acked, total, elapsed) -> {
          if (acked != lastAcked[0]) { // the producer acknowledges in batches: print news only
            lastAcked[0] = acked;
            err.printf("  produced %,d / %,d (%.1f s)%n", acked, total, elapsed.toMillis() / 1e3);
            err.flush();
          }
        })
        .run();
  }
}
