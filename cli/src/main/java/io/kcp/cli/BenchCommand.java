package io.kcp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kcp bench}: every arm consumes the same keyed workload in a JVM of its own ({@code kcp
 * consume ... --audit --audit-buffered --until-drained --json}), then the audit of that run is
 * added to its row, so a fast arm that loses records says so in the same row.
 *
 * <p>The rate is the <em>steady state</em>: records handled ÷ the time from the first record
 * handled to the last, both read from the audit (the handlers' own clocks), so neither the JVM's
 * start nor the group join is in it; they are reported beside it. The audit buffers per thread
 * (no shared lock, no system call per record) and the {@code raw-unaudited} arm measures what the
 * audit itself costs.
 */
@Command(
    name = "bench",
    header = "Benchmark the strategies, each arm in its own JVM.",
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
    ARMS.put("raw-unaudited", List.of("--strategy", "single")); // the audit's own cost
    ARMS.put("partition", List.of("--strategy", "partition"));
    ARMS.put("worker-key", List.of("--strategy", "worker", "--ordering", "key"));
    ARMS.put("worker-partition", List.of("--strategy", "worker", "--ordering", "partition"));
    ARMS.put("worker-unordered", List.of("--strategy", "worker", "--ordering", "unordered"));
    ARMS.put("worker-naive", List.of("--strategy", "worker", "--ordering", "naive"));
    ARMS.put("worker-key-vt", List.of("--strategy", "worker", "--ordering", "key", "--virtual-threads"));
    ARMS.put("share", List.of("--strategy", "share")); // a share group: --partitions members, no order
    ARMS.put("pc-key", List.of("KEY")); // Confluent Parallel Consumer, from the bench module
    ARMS.put("pc-unordered", List.of("UNORDERED"));
  }

  /** Main class of the Parallel Consumer arm, in the bench module (no library depends on it). */
  static final String PC_ARM = "io.kcp.bench.ParallelConsumerArm";

  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin BrokerOption broker;
  @Mixin ClientOptions client;

  /** The user's client settings with the cluster's bootstrap servers, for this JVM's clients. */
  private Map<String, Object> clientConfig = Map.of();
  /** How the arms' JVMs get the user's client settings: {@code --command-config <owner-only file>}. */
  private List<String> childConfig = List.of();

  @Option(names = "--records", defaultValue = "1000000", description = "Records for the 0 ms workload. Default: ${DEFAULT-VALUE}.")
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

  @Option(names = "--vt-concurrency", defaultValue = "4096",
      description = "Virtual-thread workers of the worker-key-vt arm (Java 21+ runtime). Default: ${DEFAULT-VALUE}.")
  int vtConcurrency;

  @Option(names = "--arms", defaultValue = "raw,raw-unaudited,partition,worker-key,worker-partition,worker-unordered,"
      + "worker-naive,worker-key-vt,share,pc-key,pc-unordered",
      split = ",", description = "Arms to run, comma-separated. Default: ${DEFAULT-VALUE}.")
  List<String> arms;

  @Option(names = "--repeat", defaultValue = "1",
      description = "Runs of every arm, interleaved (arm 1, arm 2, …, arm 1, arm 2, …); the summary gives each"
          + " arm's median rate and spread. Default: ${DEFAULT-VALUE}.")
  int repeat;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows as a JSON array to FILE.")
  Path jsonFile;

  @Option(names = "--share-members", defaultValue = "1,2,4,8", split = ",",
      description = "With the share arm and a handler latency above 0: the member-scaling runs — one partition,"
          + " this many share members (16 workers each) at the first latency above 0. Default: ${DEFAULT-VALUE}.")
  List<Integer> shareMembers;

  /** Workers per member in the share member-scaling runs. */
  static final int SHARE_WORKERS_PER_MEMBER = 16;

  @Option(names = "--e2e-rate", defaultValue = "20000", paramLabel = "RECORDS_PER_S",
      description = "After each audited arm's drain, a second run of it under live traffic at this rate (or half"
          + " the arm's ceiling, if lower) gives its p50/p99 end-to-end latency: record timestamp to handled."
          + " 0 skips it. Default: ${DEFAULT-VALUE}.")
  int e2eRate;

  @Option(names = "--e2e-seconds", defaultValue = "5",
      description = "Seconds of live traffic measured in the latency run (after the arm's start-up and join)."
          + " Default: ${DEFAULT-VALUE}.")
  int e2eSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Checks.positive("--records", records);
    Checks.positive("--arm-seconds", armSeconds);
    Checks.positive("--partitions", partitions);
    Checks.positive("--keys", keys);
    Checks.positive("--concurrency", concurrency);
    Checks.positive("--vt-concurrency", vtConcurrency);
    Checks.positive("--repeat", repeat);
    Checks.positive("--e2e-seconds", e2eSeconds);
    for (int m : shareMembers) {
      Checks.positive("--share-members", m);
    }
    if (e2eRate < 0) {
      throw new CliException("--e2e-rate must be 0 (no latency run) or more, was " + e2eRate);
    }
    for (String arm : arms) {
      if (!ARMS.containsKey(arm)) {
        throw new CliException("unknown arm '" + arm + "' in --arms: known arms are " + ARMS.keySet());
      }
    }
    boolean asked = spec.commandLine().getParseResult().hasMatchedOption("--arms");
    String benchClasspath = benchClasspath();
    for (String pc : List.of("pc-key", "pc-unordered")) {
      if (arms.contains(pc) && benchClasspath == null) {
        String how = "the bench module is not built: run './mvnw -pl bench -am package -DskipTests'"
            + " (./kcp builds it for you)";
        if (asked) {
          throw new CliException("arm " + pc + ": " + how);
        }
        spec.commandLine().getErr().println("skipping " + pc + ": " + how);
        arms = new ArrayList<>(arms);
        arms.remove(pc);
      }
    }
    if (arms.contains("worker-key-vt") && Runtime.version().feature() < 21) {
      String why = "virtual threads need a Java 21+ runtime (this is " + Runtime.version().feature() + ")";
      if (asked) {
        throw new CliException("arm worker-key-vt: " + why);
      }
      spec.commandLine().getErr().println("skipping worker-key-vt: " + why);
      arms = new ArrayList<>(arms);
      arms.remove("worker-key-vt");
    }
    this.pcClasspath = benchClasspath;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("kcp-bench-");
    List<Row> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    client.properties(); // a bad --command-config or --command-property fails before a broker starts
    try (BrokerOption.Broker b = broker.open(err, client)) {
      clientConfig = b.clientConfig();
      childConfig = client.childArgs();
      out.printf(Locale.ROOT, "%-17s %4s %7s %10s %12s %8s %8s %9s %8s %7s %6s %5s %5s%n",
          "arm", "run", "latency", "records", "records/s", "join_ms", "cpu_s", "heap_mb", "in_flight",
          "lost", "dup", "order", "");
      out.flush();
      topicPartitions = partitions;
      for (Duration latency : latencies) {
        Map<String, String> topics = new LinkedHashMap<>();
        for (int run = 1; run <= repeat; run++) {
          for (String arm : arms) {
            long n = latency.isZero() ? records : recordsFor(arm, latency);
            // at 0 ms every arm reads the same records; above, each arm gets a topic sized for it
            String key = latency.isZero() ? "shared" : arm;
            String topic = topics.get(key);
            if (topic == null) {
              topic = "kcp-bench-" + key + "-" + latency.toMillis() + "ms-" + Long.toHexString(System.nanoTime());
              err.printf("producing %,d records over %,d keys to %s (%d partitions)%n", n, keys, topic, partitions);
              err.flush();
              Workload.builder(b.bootstrapServers(), topic).clientProperties(clientConfig).partitions(partitions).records(n).keys(keys).run();
              topics.put(key, topic);
            }
            try {
              Row row = runArm(b.bootstrapServers(), topic, arm, latency, n, run, work, out, err);
              if (e2eRate > 0 && row.audited()) {
                row = row.with(runLive(b.bootstrapServers(), arm, latency, run, work, out, err));
              }
              rows.add(row);
            } catch (CliException e) { // one arm's failure is a result, not the end of the bench
              String failure = arm + " at " + latency.toMillis() + " ms, run " + run + ": " + e.getMessage();
              failures.add(failure);
              out.printf(Locale.ROOT, "%-17s %4d %4d ms  FAILED (%s)%n", arm, run, latency.toMillis(),
                  e.getMessage());
              out.flush();
            }
          }
        }
      }
      Duration slow = latencies.stream().filter(l -> !l.isZero()).findFirst().orElse(null);
      if (slow != null && arms.contains("share") && !shareMembers.isEmpty()) {
        // the thing only a share group does: more members than partitions, all of them working
        topicPartitions = 1;
        for (int run = 1; run <= repeat; run++) {
          for (int m : shareMembers) {
            String arm = SHARE_SCALING + m + "m";
            long n = recordsFor(arm, slow);
            String topic = "kcp-bench-" + arm + "-" + Long.toHexString(System.nanoTime());
            err.printf("producing %,d records over %,d keys to %s (1 partition)%n", n, keys, topic);
            err.flush();
            Workload.builder(b.bootstrapServers(), topic).clientProperties(clientConfig).partitions(1).records(n).keys(keys).run();
            try {
              rows.add(runArm(b.bootstrapServers(), topic, arm, slow, n, run, work, out, err));
            } catch (CliException e) {
              failures.add(arm + " run " + run + ": " + e.getMessage());
              out.printf(Locale.ROOT, "%-17s %4d %4d ms  FAILED (%s)%n", arm, run, slow.toMillis(), e.getMessage());
              out.flush();
            }
          }
        }
        topicPartitions = partitions;
      }
      out.print(summary(rows));
      out.flush();
    } finally {
      try (var files = Files.list(work)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(work);
    }
    if (jsonFile != null) {
      Files.writeString(jsonFile, "[\n  " + String.join(",\n  ", rows.stream().map(Row::json).toList()) + "\n]\n");
      err.println("wrote " + jsonFile);
    }
    if (chart != null) {
      BenchChart.writePng(chart, rows);
      err.println("chart: " + chart);
    }
    if (!failures.isEmpty()) {
      throw new CliException(failures.size() + " arm run(s) failed: " + String.join("; ", failures));
    }
    return 0;
  }

  @Option(names = "--chart", paramLabel = "FILE.png",
      description = "Draw each arm's steady records/s against the handler latency.")
  Path chart;

  /** One run of one arm: its figures and its audit. */
  record Row(String arm, long latencyMs, int run, long records, int concurrency, double seconds,
      double recordsPerSecond, long startToFirstMs, long joinMs, double cpuSeconds, double peakHeapMb,
      long peakInFlight, long lost, long duplicates, long orderViolations, boolean audited, Live live) {

    Row with(Live measured) {
      return new Row(arm, latencyMs, run, records, concurrency, seconds, recordsPerSecond, startToFirstMs, joinMs,
          cpuSeconds, peakHeapMb, peakInFlight, lost, duplicates, orderViolations, audited, measured);
    }

    /** The row as one line of JSON; lost, duplicates and order violations null when unaudited. */
    String json() {
      ObjectNode o = CliJson.object()
          .put("arm", arm)
          .put("latency_ms", latencyMs)
          .put("run", run)
          .put("records", records)
          .put("concurrency", concurrency)
          .put("seconds", CliJson.decimal(seconds, 3))
          .put("records_per_second", CliJson.decimal(recordsPerSecond, 1))
          .put("start_to_first_record_ms", startToFirstMs)
          .put("join_ms", joinMs)
          .put("cpu_seconds", CliJson.decimal(cpuSeconds, 2))
          .put("peak_heap_mb", CliJson.decimal(peakHeapMb, 1))
          .put("peak_in_flight", peakInFlight)
          .put("audited", audited)
          .put("lost", audited ? lost : null)
          .put("duplicates", audited ? duplicates : null)
          .put("order_violations", audited ? orderViolations : null);
      if (live != null) {
        live.addTo(o);
      }
      return CliJson.line(o);
    }
  }

  /**
   * The arm's run under live traffic: the rate it got, and the end-to-end latencies of the records
   * produced in the measuring window.
   */
  record Live(int rate, EndToEnd.Latency latency) {
    void addTo(ObjectNode o) {
      o.put("e2e_rate", rate)
          .put("e2e_records", latency.records())
          .put("e2e_unhandled", latency.unhandled())
          .put("latency_p50_ms", latency.p50Ms())
          .put("latency_p99_ms", latency.p99Ms())
          .put("latency_max_ms", latency.maxMs());
    }
  }

  /**
   * Per arm and latency: the median steady rate, its spread, its ratio to raw's median, and the
   * median of the runs' end-to-end p50 and p99 under live traffic.
   */
  static String summary(List<Row> rows) {
    Map<String, List<Row>> byArm = new LinkedHashMap<>();
    for (Row r : rows) {
      byArm.computeIfAbsent(r.latencyMs() + "ms " + r.arm(), k -> new ArrayList<>()).add(r);
    }
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%n%-26s %5s %12s %12s %12s %9s %8s %8s%n",
        "arm (steady state)", "runs", "median rec/s", "min", "max", "× raw", "p50 ms", "p99 ms"));
    for (Map.Entry<String, List<Row>> e : byArm.entrySet()) {
      List<Double> v = sorted(e.getValue().stream().map(Row::recordsPerSecond).toList());
      double median = median(v);
      String latency = e.getKey().substring(0, e.getKey().indexOf(' '));
      List<Row> raw = byArm.get(latency + " raw");
      String ratio = raw == null ? ""
          : String.format(Locale.ROOT, "%.2f", median / median(sorted(raw.stream().map(Row::recordsPerSecond).toList())));
      b.append(String.format(Locale.ROOT, "%-26s %5d %,12.0f %,12.0f %,12.0f %9s %8s %8s%n", e.getKey(), v.size(),
          median, v.get(0), v.get(v.size() - 1), ratio, liveMedian(e.getValue(), true),
          liveMedian(e.getValue(), false)));
    }
    return b.toString();
  }

  /** The median over the runs of their end-to-end p50 (or p99), "-" without a live run. */
  private static String liveMedian(List<Row> runs, boolean p50) {
    List<Double> v = sorted(runs.stream().filter(r -> r.live() != null && r.live().latency().p50Ms() >= 0)
        .map(r -> (double) (p50 ? r.live().latency().p50Ms() : r.live().latency().p99Ms())).toList());
    return v.isEmpty() ? "-" : String.format(Locale.ROOT, "%,.0f", median(v));
  }

  private static List<Double> sorted(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return s;
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Records for an arm at a latency above 0: its ceiling (records it can run at once divided by the
   * latency) times {@code --arm-seconds}, so slow arms do not run for hours and fast ones long
   * enough to amortize the group join.
   */
  long recordsFor(String arm, Duration latency) {
    int parallel = concurrencyOf(arm);
    double ceiling = parallel * 1000.0 / Math.max(1, latency.toMillis());
    return Math.max(500, Math.min(records, Math.round(ceiling * armSeconds)));
  }

  /** Partitions of the topic the arms run on now (1 in the share scaling runs). */
  private int topicPartitions;

  /** Consumer threads (share members) of an arm: one per partition, or the scaling run's members. */
  int threadsOf(String arm) {
    return arm.startsWith(SHARE_SCALING) ? membersOf(arm) : partitions;
  }

  /** The members of a share scaling arm, from its name ({@code share-1p-<m>m}). */
  static int membersOf(String arm) {
    return Integer.parseInt(arm.substring(SHARE_SCALING.length(), arm.length() - 1));
  }

  /** Arm name prefix of the share member-scaling runs: one partition, m members. */
  static final String SHARE_SCALING = "share-1p-";

  /** Records an arm can handle at once. */
  int concurrencyOf(String arm) {
    return arm.startsWith(SHARE_SCALING) ? SHARE_WORKERS_PER_MEMBER * membersOf(arm)
        : arm.startsWith("raw") ? 1
        : arm.equals("partition") || arm.equals("worker-partition") ? partitions
        : arm.equals("worker-key-vt") ? vtConcurrency : concurrency;
  }

  private String pcClasspath;

  /**
   * The classpath of the Parallel Consumer arms: this JVM's own when the bench module is on it (the
   * distribution's lib/ holds it), else the bench module's build ({@code bench/target/kcp-bench.jar}
   * and {@code lib/*.jar}), found by walking up from where this class was loaded; null if neither.
   */
  static String benchClasspath() {
    if (Kcp.class.getClassLoader().getResource(PC_ARM.replace('.', '/') + ".class") != null) {
      return System.getProperty("java.class.path");
    }
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

  private Row runArm(String bootstrap, String topic, String arm, Duration latency, long n, int run, Path work,
      PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
    boolean audited = !arm.equals("raw-unaudited");
    Path audit = work.resolve(arm + "-" + latency.toMillis() + "ms-" + run + ".tsv");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String group = "bench-" + arm + "-" + run + "-" + topic;
    List<String> cmd = arm.startsWith("pc-")
        ? pcCommand(List.of(java, "-Xmx1g", "-cp", pcClasspath, PC_ARM, bootstrap, topic, group,
            String.valueOf(latency.toMillis()), String.valueOf(concurrency), audit.toString(), ARMS.get(arm).get(0)))
        : consumeCommand(java, bootstrap, topic, group, arm, latency, audited ? audit : null, List.of("--until-drained"));
    err.printf("running %s at %d ms in its own JVM (run %d)%n", arm, latency.toMillis(), run);
    err.flush();
    Path stdout = work.resolve(arm + ".out");
    Path stderr = work.resolve(arm + ".err");
    long launched = System.currentTimeMillis();
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new CliException("arm " + arm + " did not finish within 30 minutes");
    }
    String output = Files.readString(stdout);
    if (p.exitValue() != 0) {
      throw exited(p, stderr, "");
    }
    JsonNode summary = armSummary(arm, output);
    double seconds;
    double rate;
    long startToFirst;
    long lost = 0;
    long duplicates = 0;
    long order = 0;
    if (audited) {
      // steady state from the handlers' own clocks: first record handled to last
      List<io.kcp.audit.AuditEntry> entries = io.kcp.audit.AuditFiles.read(audit).entries();
      long first = entries.stream().mapToLong(io.kcp.audit.AuditEntry::endEpochMillis).min().orElse(launched);
      long last = entries.stream().mapToLong(io.kcp.audit.AuditEntry::endEpochMillis).max().orElse(launched);
      seconds = Math.max(1, last - first) / 1000.0;
      rate = entries.size() / seconds;
      startToFirst = first - launched;
      AuditReport report = AuditReport.of(clientConfig, topic, List.of(audit));
      lost = report.lost();
      duplicates = report.duplicates();
      order = report.orderViolations();
    } else {
      seconds = number(summary, "steady_seconds");
      rate = number(summary, "steady_records_per_second");
      startToFirst = (long) (number(summary, "startup_ms") + number(summary, "join_ms"));
    }
    Row row = new Row(arm, latency.toMillis(), run, n, concurrencyOf(arm), seconds, rate, startToFirst,
        (long) optional(summary, "join_ms"), optional(summary, "cpu_seconds"), optional(summary, "peak_heap_mb"),
        (long) optional(summary, "peak_in_flight"), lost, duplicates, order, audited, null);
    out.printf(Locale.ROOT, "%-17s %4d %4d ms %,10d %,12.0f %8d %8.1f %9.0f %8d %7s %6s %5s%n",
        arm, run, latency.toMillis(), n, rate, row.joinMs(), row.cpuSeconds(), row.peakHeapMb(), row.peakInFlight(),
        audited ? String.valueOf(lost) : "-", audited ? String.valueOf(duplicates) : "-",
        audited ? String.valueOf(order) : "-");
    out.flush();
    return row;
  }

  /** An arm's JVM that exited non-zero, with the last lines of its stderr. */
  private static CliException exited(Process p, Path stderr, String when) throws IOException {
    List<String> lines = Files.readAllLines(stderr);
    return new CliException(when + "exit " + p.exitValue() + ": "
        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
  }

  /** Seconds of traffic before the measuring window: the arm's JIT warm-up. */
  private static final int LIVE_WARMUP_SECONDS = 1;
  /** The arm stops once it handled nothing for this long (the traffic has stopped). */
  private static final String LIVE_IDLE = "2s";
  private static final long LIVE_IDLE_MS = 2_000;
  /** The longest an arm may take to start and join its group before the traffic starts. */
  private static final Duration LIVE_JOIN_TIMEOUT = Duration.ofSeconds(60);

  /**
   * The arm's rate under live traffic: {@code --e2e-rate}, or half its ceiling if that is lower, so
   * that every arm runs below saturation and the latency is its own, not a growing queue's.
   */
  int liveRate(String arm, Duration latency) {
    if (latency.isZero()) {
      return e2eRate;
    }
    long ceiling = concurrencyOf(arm) * 1000L / Math.max(1, latency.toMillis());
    return (int) Math.max(1, Math.min(e2eRate, ceiling / 2));
  }

  /**
   * The arm again, on a fresh empty topic: once its group is stable with every partition assigned
   * (start-up and join are not latency), {@link io.kcp.audit.Traffic} produces for {@code
   * LIVE_WARMUP_SECONDS + --e2e-seconds}; the arm stops when it has been idle for {@code
   * LIVE_IDLE}. Its end-to-end latency is measured over the records produced after the warm-up.
   */
  private Live runLive(String bootstrap, String arm, Duration latency, int run, Path work, PrintWriter out,
      PrintWriter err) throws IOException, InterruptedException {
    int rate = liveRate(arm, latency);
    String topic = "kcp-bench-live-" + arm + "-" + latency.toMillis() + "ms-" + Long.toHexString(System.nanoTime());
    Path audit = work.resolve(arm + "-" + latency.toMillis() + "ms-" + run + "-live.tsv");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String group = "bench-live-" + arm + "-" + run + "-" + topic;
    List<String> cmd = arm.startsWith("pc-")
        ? pcCommand(List.of(java, "-Xmx1g", "-cp", pcClasspath, PC_ARM, bootstrap, topic, group,
            String.valueOf(latency.toMillis()), String.valueOf(concurrency), audit.toString(), ARMS.get(arm).get(0),
            String.valueOf(LIVE_IDLE_MS)))
        : consumeCommand(java, bootstrap, topic, group, arm, latency, audit,
            List.of("--until-idle", LIVE_IDLE, "--duration", "30m"));
    err.printf(Locale.ROOT, "running %s at %d ms under live traffic, %,d records/s (run %d)%n",
        arm, latency.toMillis(), rate, run);
    err.flush();
    Path stderr = work.resolve(arm + "-live.err");
    Process p;
    long warm;
    long trafficEnd;
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(clientConfig)) {
      io.kcp.audit.Topics.createAndAwait(admin, topic, partitions, (short) 1);
      p = new ProcessBuilder(cmd).redirectOutput(work.resolve(arm + "-live.out").toFile())
          .redirectError(stderr.toFile()).start();
      awaitJoined(admin, group, p, arm);
      try (io.kcp.audit.Traffic traffic = io.kcp.audit.Traffic.start(clientConfig, topic, keys, rate)) {
        // the traffic's length is what is measured, not a wait for a condition
        long started = System.currentTimeMillis();
        warm = started + TimeUnit.SECONDS.toMillis(LIVE_WARMUP_SECONDS);
        TimeUnit.SECONDS.sleep(LIVE_WARMUP_SECONDS + e2eSeconds);
        trafficEnd = System.currentTimeMillis();
      }
    } catch (RuntimeException e) {
      throw new CliException("under live traffic: " + e.getMessage());
    }
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new CliException("arm " + arm + " under live traffic did not stop within 2 minutes of the traffic's end");
    }
    if (p.exitValue() != 0) {
      throw exited(p, stderr, "under live traffic, ");
    }
    List<io.kcp.audit.AuditEntry> entries = io.kcp.audit.AuditFiles.read(audit).entries();
    EndToEnd.Latency l = EndToEnd.measure(EndToEnd.timestamps(clientConfig, topic), entries, warm, trafficEnd);
    out.printf(Locale.ROOT, "%-17s %4d %4d ms   live at %,d records/s: end-to-end p50 %d ms, p99 %d ms, max %d ms"
            + " (%,d records measured, %,d not handled)%n",
        arm, run, latency.toMillis(), rate, l.p50Ms(), l.p99Ms(), l.maxMs(), l.records(), l.unhandled());
    out.flush();
    return new Live(rate, l);
  }

  /**
   * Waits until the arm's group is stable with every partition of its topic assigned: for a share
   * group, every member in and every partition assigned to one at least.
   */
  private void awaitJoined(org.apache.kafka.clients.admin.Admin admin, String group, Process p, String arm)
      throws InterruptedException {
    long deadline = System.nanoTime() + LIVE_JOIN_TIMEOUT.toNanos();
    while (!joined(admin, group, arm)) {
      if (!p.isAlive()) {
        throw new CliException("arm " + arm + " exited (" + p.exitValue() + ") before it joined its group");
      }
      if (System.nanoTime() - deadline > 0) {
        p.destroyForcibly();
        throw new CliException("arm " + arm + " did not join its group within " + LIVE_JOIN_TIMEOUT.toSeconds() + " s");
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private boolean joined(org.apache.kafka.clients.admin.Admin admin, String group, String arm)
      throws InterruptedException {
    try {
      if (arm.startsWith("share")) {
        var d = admin.describeShareGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
        java.util.Set<org.apache.kafka.common.TopicPartition> covered = new java.util.HashSet<>();
        d.members().forEach(m -> covered.addAll(m.assignment().topicPartitions()));
        return d.groupState() == org.apache.kafka.common.GroupState.STABLE && d.members().size() == threadsOf(arm)
            && covered.size() == topicPartitions;
      }
      var d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      int assigned = d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
      return d.groupState() == org.apache.kafka.common.GroupState.STABLE && assigned == topicPartitions;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return false; // not there yet: ask again
    }
  }

  private List<String> consumeCommand(String java, String bootstrap, String topic, String group, String arm,
      Duration latency, Path audit, List<String> until) {
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), Kcp.class.getName(), "consume",
        "-b", bootstrap, "--topic", topic, "--group", group,
        "--handler-latency", latency.toMillis() + "ms",
        "--json", "--threads", String.valueOf(threadsOf(arm)),
        "--concurrency", String.valueOf(concurrencyOf(arm))));
    cmd.addAll(until);
    if (audit != null) {
      cmd.addAll(List.of("--audit", audit.toString(), "--audit-buffered"));
    }
    cmd.addAll(ARMS.get(arm.startsWith(SHARE_SCALING) ? "share" : arm));
    cmd.addAll(childConfig);
    if (!latency.isZero() && !arm.startsWith("share") && !client.properties().containsKey("max.poll.records")) {
      // a rebalance waits for each member's batch: keep batches short for slow handlers (a share
      // member has no rebalance to wait for, and its batch is what keeps its workers busy); a
      // user's own max.poll.records is kept
      cmd.addAll(List.of("--command-property", "max.poll.records=20"));
    }
    return cmd;
  }

  /** A Parallel Consumer arm's command line, with the user's client settings as a file (not in argv). */
  private List<String> pcCommand(List<String> cmd) {
    List<String> all = new ArrayList<>(cmd);
    all.addAll(childConfig);
    return all;
  }

  /** The arm's summary: the last line of its output that is a JSON object. */
  private static JsonNode armSummary(String arm, String output) {
    List<String> lines = output.lines().filter(l -> l.startsWith("{")).toList();
    if (lines.isEmpty()) {
      throw new CliException("arm " + arm + " printed no JSON summary: " + output.strip());
    }
    return CliJson.parse(lines.get(lines.size() - 1), "arm " + arm + "'s summary");
  }

  /** A number of the arm's summary, or -1 if it has none (the Parallel Consumer arm reports fewer). */
  private static double optional(JsonNode summary, String key) {
    JsonNode n = summary.get(key);
    return n != null && n.isNumber() ? n.doubleValue() : -1;
  }

  private static double number(JsonNode summary, String key) {
    JsonNode n = summary.get(key);
    if (n == null || !n.isNumber() || n.doubleValue() < 0) {
      throw new CliException("no " + key + " in the arm's summary: " + summary);
    }
    return n.doubleValue();
  }
}
