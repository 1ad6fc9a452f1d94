package io.kcp.cli;

import io.kcp.audit.AuditReport;
import io.kcp.audit.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kcp bench}: every arm consumes the same keyed workload in a JVM of its own ({@code kcp
 * consume ... --audit --until-drained --json}), then the audit of that run is added to its row, so
 * a fast arm that loses records says so in the same row.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark the strategies on one workload: each arm runs in its own JVM on the same topic",
      "(one per handler latency), with its own group; rows give records/s and the audit's lost,",
      "duplicates and order violations. Without --bootstrap-server it uses an embedded broker."
    })
final class BenchCommand implements Callable<Integer> {
  /** Arm name → the {@code kcp consume} options that make it. */
  static final Map<String, List<String>> ARMS = new LinkedHashMap<>();

  static {
    ARMS.put("raw", List.of("--strategy", "single"));
    ARMS.put("partition", List.of("--strategy", "partition"));
    ARMS.put("worker-key", List.of("--strategy", "worker", "--ordering", "key"));
    ARMS.put("worker-partition", List.of("--strategy", "worker", "--ordering", "partition"));
    ARMS.put("worker-unordered", List.of("--strategy", "worker", "--ordering", "unordered"));
    ARMS.put("worker-naive", List.of("--strategy", "worker", "--ordering", "naive"));
    ARMS.put("pc-key", List.of()); // Confluent Parallel Consumer, from the bench module
  }

  /** Main class of the Parallel Consumer arm, in the bench module (no library depends on it). */
  static final String PC_ARM = "io.kcp.bench.ParallelConsumerArm";

  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin BrokerOption broker;

  @Option(names = "--records", defaultValue = "500000", description = "Records for the 0 ms workload. Default: ${DEFAULT-VALUE}.")
  long records;

  @Option(names = "--arm-seconds", defaultValue = "10",
      description = "With a handler latency above 0, each arm gets about this many seconds of work at"
          + " its ceiling (workers / latency), on a topic of its own. Default: ${DEFAULT-VALUE}.")
  int armSeconds;

  @Option(names = "--partitions", defaultValue = "12", description = "Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--keys", defaultValue = "1000", description = "Default: ${DEFAULT-VALUE}.")
  int keys;

  @Option(names = "--latency", defaultValue = "0ms,10ms", split = ",", converter = DurationConverter.class,
      description = "Handler latencies, comma-separated. Default: ${DEFAULT-VALUE}.")
  List<Duration> latencies;

  @Option(names = "--concurrency", defaultValue = "256", description = "Workers of the worker arms. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--arms", defaultValue = "raw,partition,worker-key,worker-partition,worker-unordered,worker-naive,pc-key",
      split = ",", description = "Arms to run, comma-separated. Default: ${DEFAULT-VALUE}.")
  List<String> arms;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows as a JSON array to FILE.")
  Path jsonFile;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Checks.positive("--records", records);
    Checks.positive("--arm-seconds", armSeconds);
    Checks.positive("--partitions", partitions);
    Checks.positive("--keys", keys);
    Checks.positive("--concurrency", concurrency);
    for (String arm : arms) {
      if (!ARMS.containsKey(arm)) {
        throw new CliException("unknown arm '" + arm + "' in --arms: known arms are " + ARMS.keySet());
      }
    }
    String benchClasspath = benchClasspath();
    if (arms.contains("pc-key") && benchClasspath == null) {
      boolean asked = spec.commandLine().getParseResult().hasMatchedOption("--arms");
      String how = "the bench module is not built: run 'mvn -pl bench -am package -DskipTests'"
          + " (./kcp builds it for you)";
      if (asked) {
        throw new CliException("arm pc-key: " + how);
      }
      spec.commandLine().getErr().println("skipping pc-key: " + how);
      arms = new ArrayList<>(arms);
      arms.remove("pc-key");
    }
    this.pcClasspath = benchClasspath;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("kcp-bench-");
    List<String> rows = new ArrayList<>();
    try (BrokerOption.Broker b = broker.open(err)) {
      out.printf(Locale.ROOT, "%-18s %8s %10s %8s %12s %6s %10s %16s%n",
          "arm", "latency", "records", "seconds", "records/s", "lost", "duplicates", "order_violations");
      out.flush();
      for (Duration latency : latencies) {
        String shared = null;
        for (String arm : arms) {
          long n = latency.isZero() ? records : recordsFor(arm, latency);
          String topic;
          if (latency.isZero() && shared != null) {
            topic = shared; // at 0 ms every arm reads the same records
          } else {
            topic = "kcp-bench-" + arm + "-" + latency.toMillis() + "ms-" + Long.toHexString(System.nanoTime());
            err.printf("producing %,d records over %,d keys to %s (%d partitions)%n", n, keys, topic, partitions);
            err.flush();
            Workload.builder(b.bootstrapServers(), topic).partitions(partitions).records(n).keys(keys).run();
            shared = topic;
          }
          rows.add(runArm(b.bootstrapServers(), topic, arm, latency, n, work, out, err));
        }
      }
    } finally {
      try (var files = Files.list(work)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(work);
    }
    if (jsonFile != null) {
      Files.writeString(jsonFile, "[\n  " + String.join(",\n  ", rows) + "\n]\n");
      err.println("wrote " + jsonFile);
    }
    return 0;
  }

  /**
   * Records for an arm at a latency above 0: its ceiling (records it can run at once divided by the
   * latency) times {@code --arm-seconds}, so slow arms do not run for hours and fast ones long
   * enough to amortize the group join.
   */
  long recordsFor(String arm, Duration latency) {
    int parallel = arm.equals("raw") ? 1
        : arm.equals("partition") || arm.equals("worker-partition") ? partitions : concurrency;
    double ceiling = parallel * 1000.0 / Math.max(1, latency.toMillis());
    return Math.max(500, Math.min(records, Math.round(ceiling * armSeconds)));
  }

  private String pcClasspath;

  /**
   * The bench module's classpath ({@code bench/target/kcp-bench.jar} and {@code lib/*.jar}),
   * found by walking up from where this class was loaded; null if it is not built.
   */
  static String benchClasspath() {
    try {
      Path here = Path.of(Kcp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path dir = here; dir != null; dir = dir.getParent()) {
        Path jar = dir.resolve("bench").resolve("target").resolve("kcp-bench.jar");
        Path lib = dir.resolve("bench").resolve("target").resolve("lib");
        if (Files.isRegularFile(jar) && Files.isDirectory(lib)) {
          StringBuilder cp = new StringBuilder(jar.toString());
          try (var jars = Files.list(lib)) {
            jars.filter(f -> f.toString().endsWith(".jar")).sorted()
                .forEach(f -> cp.append(java.io.File.pathSeparatorChar).append(f));
          }
          return cp.toString();
        }
      }
    } catch (java.net.URISyntaxException | IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  private String runArm(String bootstrap, String topic, String arm, Duration latency, long n, Path work,
      PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
    Path audit = work.resolve(arm + "-" + latency.toMillis() + "ms.tsv");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = arm.equals("pc-key")
        ? List.of(java, "-Xmx1g", "-cp", pcClasspath, PC_ARM, bootstrap, topic, "bench-" + arm + "-" + topic,
            String.valueOf(latency.toMillis()), String.valueOf(concurrency), audit.toString())
        : consumeCommand(java, bootstrap, topic, arm, latency, audit);
    err.printf("running %s at %d ms in its own JVM%n", arm, latency.toMillis());
    err.flush();
    Path stdout = work.resolve(arm + ".out");
    Path stderr = work.resolve(arm + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new CliException("arm " + arm + " did not finish within 30 minutes");
    }
    String summary = Files.readString(stdout);
    if (p.exitValue() != 0) {
      throw new CliException("arm " + arm + " failed (exit " + p.exitValue() + "): "
          + Files.readString(stderr).lines().reduce((a, c) -> c).orElse(""));
    }
    double seconds = number(summary, "seconds");
    double rate = number(summary, "records_per_second");
    AuditReport report = AuditReport.of(bootstrap, topic, List.of(audit));
    out.printf(Locale.ROOT, "%-18s %6d ms %,10d %8.1f %,12.0f %6d %10d %16d%n",
        arm, latency.toMillis(), n, seconds, rate, report.lost(), report.duplicates(), report.orderViolations());
    out.flush();
    return String.format(Locale.ROOT,
        "{\"arm\":\"%s\",\"latency_ms\":%d,\"records\":%d,\"concurrency\":%d,\"seconds\":%.1f,"
            + "\"records_per_second\":%.1f,\"lost\":%d,\"duplicates\":%d,\"order_violations\":%d}",
        arm, latency.toMillis(), n, arm.startsWith("worker") || arm.equals("pc-key") ? concurrency
            : arm.equals("raw") ? 1 : partitions,
        seconds, rate, report.lost(), report.duplicates(), report.orderViolations());
  }

  private List<String> consumeCommand(String java, String bootstrap, String topic, String arm,
      Duration latency, Path audit) {
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), Kcp.class.getName(), "consume",
        "-b", bootstrap, "--topic", topic, "--group", "bench-" + arm + "-" + topic,
        "--handler-latency", latency.toMillis() + "ms", "--audit", audit.toString(),
        "--until-drained", "--json", "--threads", String.valueOf(partitions),
        "--concurrency", String.valueOf(concurrency)));
    cmd.addAll(ARMS.get(arm));
    if (!latency.isZero()) {
      // a rebalance waits for each member's batch: keep batches short for slow handlers
      cmd.addAll(List.of("-p", "max.poll.records=20"));
    }
    return cmd;
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":([0-9.]+)").matcher(json);
    if (!m.find()) {
      throw new CliException("no " + key + " in the arm's summary: " + json.strip());
    }
    return Double.parseDouble(m.group(1));
  }
}
