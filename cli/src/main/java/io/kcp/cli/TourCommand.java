package io.kcp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcp.audit.AuditReport;
import io.kcp.audit.Topics;
import io.kcp.audit.Traffic;
import io.kcp.core.CommitPolicy;
import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.lag.ClientLagMetrics;
import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagReport;
import io.kcp.lag.LagStatus;
import io.kcp.lag.TimeLagMode;
import io.kcp.partition.PartitionConfig;
import io.kcp.partition.PartitionStrategy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kcp tour}: the course replayed on a real broker, chapter by chapter. Each step is what a
 * reader would type — {@code kcp consume}, {@code kcp deploy} run in this JVM with the same code,
 * a {@code kcp consume} in a JVM of its own where a crash is the point — or, for chapter 3, the
 * lag-monitor library itself; every verdict comes from the audit or the monitor.
 */
@Command(
    name = "tour",
    header = "Replay the course on a real broker, step by step.",
    mixinStandardHelpOptions = true,
    description = {
      "A guided replay of the course on a real broker (an embedded one without -b): chapter 1,",
      "consumer per thread vs the worker strategy vs share groups on one workload, and the naive",
      "worker's lost and reordered records after a crash; chapter 2, a poison record to the",
      "dead-letter topic; chapter 3, lag growing and recovering, read three ways, then STOP;",
      "chapter 4, a stop, rolling, blue-green and canary deployment, each measured. A short",
      "explanation before each step, the figures and verdict after it, a summary table at the end",
      "(stdout). Exits 0 when every verdict is the expected one. Ctrl-C stops it cleanly."
    })
final class TourCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin BrokerOption broker;
  @Mixin ClientOptions client;

  @Option(names = "--fast", description = "Small workloads and short phases: the whole tour in about 2 minutes on 2 cores.")
  boolean fast;

  @Option(names = "--chapter", paramLabel = "N", description = "Only chapter N's steps (1, 2, 3 or 4).")
  Integer chapter;

  @Option(names = "--pause", description = "Wait for Enter before each step (stdin closed: no waiting).")
  boolean pause;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Keep every file of the tour in DIR: per step a JSON file of its figures, the audit files,"
          + " each deployment's report and chart, summary.json. Default: a temporary directory, removed at the end.")
  Path out;

  @Option(names = "--topic", defaultValue = "kcp-tour",
      description = "Name prefix of the tour's topics (chapter 1's workload is this one). Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(names = "--partitions", defaultValue = "6", description = "Chapter 1's partitions. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--records", description = "Chapter 1's workload. Default: 20000 (--fast: 6000).")
  Long records;

  @Option(names = "--keys", defaultValue = "60", description = "Keys of the workloads. Default: ${DEFAULT-VALUE}.")
  int keys;

  @Option(names = "--timeout", defaultValue = "120s", converter = DurationConverter.class,
      description = "The longest one consumer of a step may run before it is given up. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--json", description = "Print the summary as JSON (one object per step) instead of the table.")
  boolean json;

  @Option(names = "--audit", paramLabel = "FILE",
      description = "Kept for older scripts: copy chapter 1's consumer-per-thread audit file to FILE (--out keeps them all).")
  Path keepAudit;

  /** The course's chapter files, by number. */
  private static final Map<Integer, String> CHAPTERS = Map.of(1, "01-multithreaded-consumers.md",
      2, "02-errors-and-tracing.md", 3, "03-consumer-lag.md", 4, "04-deploying-consumers.md");

  /** The exit code after Ctrl-C, as the JVM gives it: 128 + SIGINT. */
  static final int EXIT_INTERRUPTED = 130;

  /**
   * Ctrl-C interrupts a deployment's traffic producer as it closes, which Kafka logs with a stack
   * trace; what the tour says on Ctrl-C covers it. Set off by {@link Kcp#main} for {@code kcp tour}
   * (a process of its own), never by the command, which tests run in a JVM they share.
   */
  static final String PRODUCER_LOGGER = "org.slf4j.simpleLogger.log.org.apache.kafka.clients.producer.KafkaProducer";

  /** Chapter 1's crash steps SIGKILL their consumer after this many handled records. */
  static final int KILL_AFTER = 300;
  /** The smallest {@code --records} for chapter 1: the kill, and records left for the restart to show. */
  static final long MIN_RECORDS = 500;

  private TourRun run;
  private BrokerOption.Broker b;
  private Map<String, Object> clientConfig;
  /** {@code --command-config FILE} for the commands the tour runs, when the user gave client settings. */
  private List<String> childClient = List.of();
  private final String suffix = Long.toHexString(System.currentTimeMillis());

  @Override
  public Integer call() throws Exception {
    if (chapter != null && (chapter < 1 || chapter > 4)) {
      throw new CliException("--chapter must be 1, 2, 3 or 4 (got " + chapter + ")");
    }
    Checks.positive("--partitions", partitions);
    Checks.positive("--keys", keys);
    if (records != null) {
      Checks.positive("--records", records);
    }
    if (wants(1) && records != null && records < MIN_RECORDS) {
      throw new CliException("--records must be at least " + MIN_RECORDS + " for chapter 1 (its crash steps kill a"
          + " consumer after " + KILL_AFTER + " records; got " + records + ")");
    }
    if (keepAudit != null && chapter != null && chapter != 1) {
      throw new CliException("--audit keeps chapter 1's audit file, and --chapter " + chapter
          + " does not run chapter 1: drop one of them (--out DIR keeps every file)");
    }
    if (keepAudit != null && Files.exists(keepAudit)) {
      throw new CliException("--audit " + keepAudit + " exists already: name a new file"
          + " (an old run's lines would count as another consumer run)");
    }
    if (out != null && Files.isDirectory(out)) {
      try (var files = Files.list(out)) {
        if (files.findAny().isPresent()) {
          throw new CliException("--out " + out + " is not empty: name a new or empty directory");
        }
      }
    }
    client.consumerProperties(); // bad settings fail first
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    try (TourRun r = new TourRun(err, out, pause)) {
      run = r;
      err.println("kcp tour: " + (fast ? "fast" : "full") + " mode, " + (chapter == null ? "every chapter" : "chapter " + chapter + " only")
          + "; files in " + r.dir + (out == null ? " (removed at the end)" : ""));
      err.flush();
      b = r.open(broker.open(err, client));
      clientConfig = b.clientConfig();
      if (!client.properties().isEmpty()) {
        childClient = List.of("--command-config", ChildConfig.write(client.properties()).toString());
      }
      if (wants(1)) {
        chapter1();
      }
      if (wants(2)) {
        chapter2();
      }
      if (wants(3)) {
        chapter3();
      }
      if (wants(4)) {
        chapter4();
      }
      List<TourRun.Row> rows = r.rows();
      ArrayNode all = CliJson.object().arrayNode();
      rows.forEach(row -> all.add(CliJson.object().put("step", row.step()).put("what", row.what())
          .put("figures", row.figures()).put("verdict", row.verdict()).put("ok", row.ok())
          .put("seconds", CliJson.decimal(row.seconds(), 1))));
      ObjectNode summary = CliJson.object().put("fast", fast).put("seconds", CliJson.decimal((System.nanoTime() - t0) / 1e9, 1));
      summary.set("steps", all);
      r.write("summary.json", CliJson.line(summary) + "\n");
      err.println();
      stdout.println(json ? CliJson.line(summary) : table(rows));
      stdout.flush();
      long bad = rows.stream().filter(row -> !row.ok()).count();
      err.printf(Locale.ROOT, "tour %s in %.0f s: %d step(s)%s. Read on: docs/%s%n",
          bad == 0 ? "done" : "FAILED", (System.nanoTime() - t0) / 1e9, rows.size(),
          bad == 0 ? ", every verdict as expected" : ", " + bad + " with an unexpected verdict or an error (marked !)",
          CHAPTERS.get(chapter == null ? 1 : chapter));
      return bad == 0 ? 0 : Kcp.EXIT_FAILURE;
    } catch (Exception e) {
      if (run != null && run.stopping()) {
        return EXIT_INTERRUPTED; // the shutdown hook says what was closed
      }
      throw e;
    }
  }

  private boolean wants(int n) {
    return chapter == null || chapter == n;
  }

  // ---------------------------------------------------------------- chapter 1

  private void chapter1() throws IOException, InterruptedException {
    long n = records != null ? records : fast ? 6_000 : 20_000;
    String t = topic + "-" + suffix;
    int total = 6;
    boolean produced = run.attempt("workload", () -> {
      run.step(1, 1, total, String.format(Locale.ROOT, "produce the workload: %,d records over %d keys to %s (%d partitions)",
              n, keys, t, partitions),
          "One keyed workload for every arm: each record carries its key's sequence number, so the audit",
          "can tell, per arm, what was lost, handled twice, or handled out of order within its key.");
      ProduceCommand.produce(clientConfig, t, partitions, n, keys, false, run.indented("    "));
      run.done("workload", String.format(Locale.ROOT, "%,d records, %d keys, %d partitions", n, keys, partitions),
          "produced", true, CliJson.object().put("records", n).put("keys", keys).put("partitions", partitions));
    });
    if (!produced) {
      run.say("(chapter 1's other steps consume this workload: skipped)");
      return;
    }

    run.attempt("partition", () -> partitionArm(t, total));
    run.attempt("worker-key", () -> {
      run.step(1, 3, total, "multi worker thread (멀티 워커 스레드 전략), KEY mode: kcp consume --strategy worker --ordering key",
          "One poll thread hands records to 16 workers; KEY mode runs one record per key at a time and commits",
          "only what finished below every unfinished offset. Watch: its records/s against the consumer per",
          "thread's (16 workers, not one thread a partition), still 0 lost and 0 order violations.");
      arm("worker-key", t, List.of("--strategy", "worker", "--ordering", "key", "--concurrency", "16"), false);
    });
    run.attempt("share", () -> {
      run.step(1, 4, total, "share group (공유 그룹, KIP-932): kcp consume --strategy share",
          "The broker hands out records one by one to the members of a share group and tracks their",
          "acknowledgements: no partition limit, no commits, and no order at all. Watch: 0 lost; order",
          "violations are allowed here (the share group promises none).");
      arm("share", t, List.of("--strategy", "share", "--threads", "2", "--concurrency", "8"), true);
    });
    run.attempt("crash-naive", () -> {
      run.step(1, 5, total, "the naive worker (caveat 1 and 2): commit on poll, a plain pool, then kill -9",
          "NAIVE commits what it polled before the workers ran it, and its pool finishes records of one key",
          "in any order. A kcp consume --ordering naive in its own JVM is SIGKILLed after " + KILL_AFTER + " records, then",
          "restarted until drained. Watch: records lost (committed, never handled) and order violations.");
      crash("naive", t);
    });
    run.attempt("crash-key", () -> {
      run.step(1, 6, total, "the same crash with the KEY mode (the fix)",
          "The same kill -9 after " + KILL_AFTER + " records, then the restart, with --ordering key: only finished records are",
          "committed, so a crash means re-delivery, never loss. Watch: 0 lost, 0 order violations, a few duplicates.");
      crash("key", t);
    });
  }

  private void partitionArm(String t, int total) throws IOException {
    run.step(1, 2, total, "consumer per thread (컨슈머 멀티 스레드 전략): kcp consume --strategy partition",
        "One KafkaConsumer per thread in one group: a partition belongs to one thread, so its records are",
        "handled in order, and parallelism is capped by the partition count. Watch: 0 lost, 0 order violations.");
    Path partitionAudit = arm("partition", t, List.of("--strategy", "partition", "--threads", "3"), false);
    if (keepAudit != null) {
      Files.copy(partitionAudit, keepAudit, StandardCopyOption.COPY_ATTRIBUTES);
      run.say("audit file kept as %s (--audit)", keepAudit);
    }
  }

  /** One arm of chapter 1 on the shared workload, in this JVM; returns its audit file. */
  private Path arm(String name, String t, List<String> strategy, boolean orderFree) {
    Path audit = run.file("ch1-" + name + ".tsv");
    List<String> args = new ArrayList<>(List.of("consume", "--topic", t, "--group", t + "-" + name,
        "--handler-latency", "1ms", "--until-drained", "--duration", duration(timeout),
        "--audit", audit.toString(), "--json"));
    args.addAll(strategy);
    JsonNode summary = lastJson(kcp(args), "kcp consume");
    AuditReport report = AuditReport.of(clientConfig, t, List.of(audit));
    double rate = summary.path("records_per_second").asDouble();
    boolean ok = report.lost() == 0 && (orderFree || report.orderViolations() == 0);
    String figures = String.format(Locale.ROOT, "%,d handled, %,.0f rec/s; lost %d, duplicates %d, order violations %d",
        summary.path("records_handled").asLong(), rate, report.lost(), report.duplicates(), report.orderViolations());
    run.say("audit: %s", figures);
    ObjectNode j = CliJson.object().put("records_per_second", CliJson.decimal(rate, 1));
    j.set("consume", summary);
    j.set("audit", CliJson.parse(report.toJson(), "the audit report"));
    run.done(name, figures, ok ? (report.lost() == 0 && report.orderViolations() == 0 ? "0 lost, in order"
            : "0 lost, order not promised") : "LOST OR REORDERED", ok, j);
    return audit;
  }

  /**
   * kcp consume --strategy worker --ordering MODE in its own JVM, SIGKILLed after 300 audited records,
   * then again until drained (as WorkerCrashTest does); the audit of both runs.
   */
  private void crash(String ordering, String t) throws IOException, InterruptedException {
    String group = t + "-crash-" + ordering;
    Path killed = run.file("ch1-crash-" + ordering + "-killed.tsv");
    Path again = run.file("ch1-crash-" + ordering + "-restart.tsv");
    Process p = run.open(child(group, t, ordering, "20ms", killed, false));
    Process q = null;
    try {
      long start = System.nanoTime();
      long lastPrint = start;
      while (lines(killed) < KILL_AFTER) {
        run.check();
        if (!p.isAlive()) {
          throw new CliException("the " + ordering + " consumer exited (" + p.exitValue() + ") before it was killed: "
              + tail(run.file(killed.getFileName() + ".err")));
        }
        if (System.nanoTime() - start > timeout.toNanos()) {
          throw new CliException("the " + ordering + " consumer handled fewer than " + KILL_AFTER + " records in " + timeout);
        }
        if (System.nanoTime() - lastPrint > 1_000_000_000L) {
          run.say("%4.1f s  handled %,d (its own JVM, pid %d)", run.elapsed(), lines(killed), p.pid());
          lastPrint = System.nanoTime();
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
      p.destroyForcibly(); // SIGKILL
      p.waitFor(30, TimeUnit.SECONDS);
      run.say("kill -9 after %,d records handled; restarting the same consumer until drained", lines(killed));
      q = run.open(child(group, t, ordering, "0ms", again, true));
      lastPrint = System.nanoTime();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!q.waitFor(200, TimeUnit.MILLISECONDS)) {
        run.check();
        if (System.nanoTime() > deadline) {
          q.destroyForcibly();
          throw new CliException("the restarted " + ordering + " consumer did not drain within " + timeout);
        }
        if (System.nanoTime() - lastPrint > 1_000_000_000L) {
          run.say("%4.1f s  restarted: handled %,d", run.elapsed(), lines(again));
          lastPrint = System.nanoTime();
        }
      }
      if (q.exitValue() != 0) {
        throw new CliException("the restarted " + ordering + " consumer exited " + q.exitValue() + ": "
            + tail(run.file(again.getFileName() + ".err")));
      }
    } finally {
      p.destroyForcibly(); // exited already, unless this step failed
      if (q != null) {
        q.destroyForcibly();
      }
    }
    AuditReport report = AuditReport.of(clientConfig, t, List.of(killed, again));
    String figures = String.format(Locale.ROOT, "1 kill: lost %,d, duplicates %,d, order violations %,d",
        report.lost(), report.duplicates(), report.orderViolations());
    run.say("audit: %s", figures);
    boolean naive = ordering.equals("naive");
    boolean ok = naive ? report.lost() > 0 || report.orderViolations() > 0
        : report.lost() == 0 && report.orderViolations() == 0;
    ObjectNode j = CliJson.object().put("ordering", ordering).put("kills", 1);
    j.set("audit", CliJson.parse(report.toJson(), "the audit report"));
    run.done("crash-" + ordering, figures, naive
        ? (ok ? "caveats shown: " + report.lost() + " lost, " + report.orderViolations() + " out of order" : "NO LOSS SEEN")
        : (ok ? "0 lost, in order" : "LOST OR REORDERED"), ok, j);
  }

  private Process child(String group, String t, String ordering, String latency, Path audit, boolean drain)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), Kcp.class.getName(),
        "consume", "-b", b.bootstrapServers(), "--topic", t, "--group", group,
        "--strategy", "worker", "--ordering", ordering, "--concurrency", "16", "--handler-latency", latency,
        // commits by count while it runs (so what a kill re-delivers is bounded); the restart commits
        // on time as well, so it sees itself drained at once
        "--commit-every", "50", "--commit-interval", drain ? "500ms" : "10s", "--max-in-flight", "200",
        "-p", "max.poll.records=100",
        // static membership: the restarted process takes over at once, not after a session timeout
        "--instance-id", group + "-instance", "--audit", audit.toString()));
    // always bounded: should this JVM die without its hooks (kill -9), the child still ends; the
    // one to be killed gets twice the time its wait for KILL_AFTER records may take
    cmd.addAll(drain ? List.of("--until-drained", "--duration", duration(timeout))
        : List.of("--duration", duration(timeout.multipliedBy(2))));
    cmd.addAll(childClient);
    run.say("$ kcp %s", String.join(" ", cmd.subList(cmd.indexOf("consume"), cmd.size())));
    return new ProcessBuilder(cmd).redirectOutput(run.file(audit.getFileName() + ".out").toFile())
        .redirectError(run.file(audit.getFileName() + ".err").toFile()).start();
  }

  // ---------------------------------------------------------------- chapter 2

  private void chapter2() {
    run.attempt("poison", this::poison);
  }

  private void poison() {
    String t = topic + "-poison-" + suffix;
    long n = fast ? 2_000 : 5_000;
    run.step(2, 1, 1, "a poison record: retries, then the dead-letter topic " + t + ".dlt",
        "A record that fails every attempt must not stop its partition: after --max-attempts it goes to the",
        "dead-letter topic with its error, and the records behind it flow on. Watch: the poison records in",
        "the DLT, every other record handled, 0 lost.");
    ProduceCommand.produce(clientConfig, t, 3, n, keys, false, run.indented("    "));
    Path audit = run.file("ch2-poison.tsv");
    JsonNode summary = lastJson(kcp(List.of("consume", "--topic", t, "--group", t + "-g", "--strategy", "worker",
        "--ordering", "key", "--until-drained", "--duration", duration(timeout), "--fail-rate", "0.002",
        "--fail-times", "always", "--max-attempts", "3", "--retry-backoff", "50ms", "--retry-backoff-max", "200ms",
        "--no-breaker", "--audit", audit.toString(), "--json")), "kcp consume");
    AuditReport report = AuditReport.of(clientConfig, t, List.of(audit));
    String figures = String.format(Locale.ROOT, "%,d retries, %,d dead-lettered; lost %d, handled %,d of %,d",
        summary.path("retries").asLong(), report.deadLettered(), report.lost(), report.handled(), report.produced());
    run.say("audit: %s", figures);
    boolean ok = report.deadLettered() > 0 && report.lost() == 0;
    ObjectNode j = CliJson.object();
    j.set("consume", summary);
    j.set("audit", CliJson.parse(report.toJson(), "the audit report"));
    run.done("poison", figures, ok ? "poison in the DLT, 0 lost" : "UNEXPECTED", ok, j);
  }

  // ---------------------------------------------------------------- chapter 3

  /** Chapter 3's shared state: its steps follow one consumer, one monitor and one traffic. */
  private final class Lag3 {
    final String t = topic + "-lag-" + suffix;
    final String group = t + "-g";
    final int parts = 3;
    final int rate = fast ? 600 : 1_000;
    final int growSeconds = fast ? 6 : 10;
    final long handlerMs = parts * 1000L / rate; // the consumer keeps up with `rate`, no more
    final ObjectNode j = CliJson.object().put("topic", t).put("rate", rate);
    ConsumerLag lag;
    LagMonitor monitor;
    ConsumerEngine engine;
    Traffic traffic;
    long way1Total;
  }

  private void chapter3() {
    Lag3 c = new Lag3();
    try {
      run.attempt("lag grows", () -> lagGrows(c));
      if (c.engine == null) {
        run.say("(chapter 3's other steps follow this consumer: skipped)");
        return;
      }
      run.attempt("lag recovers", () -> lagRecovers(c));
      run.attempt("consumer stops", () -> consumerStops(c));
    } finally {
      for (AutoCloseable a : new AutoCloseable[] {c.traffic, c.engine, c.monitor, c.lag}) {
        if (a != null) {
          run.close(a);
        }
      }
    }
  }

  private void lagGrows(Lag3 c) throws InterruptedException {
    String t = c.t;
    run.step(3, 1, 3, "consumer lag (컨슈머 랙) grows, read three ways at one moment",
        String.format(Locale.ROOT, "%,d records/s into %d partitions, a consumer that handles %,d/s (%d ms a record): the lag grows.",
            c.rate * 2, c.parts, c.rate, c.handlerMs),
        "Way 1: ConsumerLag (kafka-consumer-groups' columns: committed offset vs log end); way 2: the",
        "consumer's own records-lag (ClientLagMetrics, its position, so ahead of way 1); way 3: the",
        "LagMonitor's status over a window of 4 observations (Burrow's rules). Watch: way 2 below way 1;",
        "WARN as the lag keeps growing (a window this short flickers: STALL, even STOP, are possible).");
    try (Admin admin = Admin.create(clientConfig)) {
      Topics.createAndAwait(admin, t, c.parts, (short) 1);
    }
    c.lag = run.open(ConsumerLag.builder().properties(client.properties()).bootstrapServers(b.bootstrapServers())
        .timeLag(TimeLagMode.NONE).build());
    c.monitor = run.open(LagMonitor.builder(c.group).source(c.lag).windowSize(4).build());
    Map<String, String> props = new LinkedHashMap<>(client.consumerProperties());
    // the tour's reporter next to any the user configured
    props.merge("metric.reporters", TourMetricsReporter.class.getName(),
        (mine, tour) -> mine.isBlank() ? tour : mine + "," + tour);
    // short batches: a slow handler still commits every half second (a 500-record batch would take 2.5 s)
    props.putIfAbsent("max.poll.records", "50");
    ConsumerSettings settings = ConsumerSettings.builder().bootstrapServers(b.bootstrapServers()).groupId(c.group)
        .topics(t).properties(props).build();
    long handlerMs = c.handlerMs;
    ConsumerEngine engine = PartitionStrategy.of(
        EngineConfig.custom(settings).commitPolicy(CommitPolicy.builder().interval(Duration.ofMillis(500)).build()).build(),
        PartitionConfig.ofThreads(c.parts), r -> Thread.sleep(handlerMs)); // slow: one thread a partition
    c.traffic = run.open(Traffic.start(clientConfig, t, keys, c.rate * 2));
    c.engine = run.open(engine);
    engine.start();
    long peak = 0;
    for (int i = 0; i < c.growSeconds * 2; i++) {
      TimeUnit.MILLISECONDS.sleep(500);
      run.check();
      LagReport last = observe(c.monitor);
      if (last == null) {
        continue; // the group is not there yet: it appears once the consumer joined
      }
      peak = Math.max(peak, last.snapshot().totalLag());
      if (i % 2 == 1) {
        run.say("%4.1f s  lag %,d  status %s  (handled %,d)", run.elapsed(), last.snapshot().totalLag(),
            last.evaluation().status(), engine.metrics().recordsHandled());
      }
    }
    // way 2 first, then ways 1 and 3: the lag only grows meanwhile, so way 2 below way 1 is the
    // position ahead of the commits, not a later reading
    List<ClientLagMetrics.Partition> way2 = ClientLagMetrics.read(TourMetricsReporter.metrics()).stream()
        .filter(p -> p.topic().equals(t)).toList();
    LagReport now = awaitReport(c.monitor);
    run.say("way 1 + way 3 (kcp lag's table: kafka-consumer-groups' columns, then STATUS):");
    for (String line : LagTable.table(now, null).split("\n")) {
      run.say("  %s", line);
    }
    run.say("way 2 (KafkaConsumer.metrics(), consumer-fetch-manager-metrics):");
    long way2Total = 0;
    for (ClientLagMetrics.Partition p : way2) {
      run.say("  %s-%d  records-lag %s  records-lag-max %s", p.topic(), p.partition(), number(p.recordsLag()),
          number(p.recordsLagMax()));
      way2Total += p.recordsLag() == null ? 0 : p.recordsLag().longValue();
    }
    long way1Total = now.snapshot().totalLag();
    c.way1Total = way1Total;
    String figures = String.format(Locale.ROOT, "peak lag %,d; at one moment: way 1 %,d, way 2 %,d, way 3 %s",
        Math.max(peak, way1Total), way1Total, way2Total, now.evaluation().status());
    c.j.put("peak_lag", Math.max(peak, way1Total)).put("way1_lag", way1Total).put("way2_records_lag", way2Total)
        .put("way2_partitions", way2.size()).put("way3_status", now.evaluation().status().name());
    boolean lagging = way1Total > 0;
    boolean below = !way2.isEmpty() && way2Total <= way1Total;
    run.done("lag grows", figures, !lagging ? "NO LAG" : below ? "lagging"
        : way2.isEmpty() ? "NO WAY 2 READING" : "WAY 2 ABOVE WAY 1", lagging && below, c.j.deepCopy());
  }

  private void lagRecovers(Lag3 c) throws InterruptedException {
    run.step(3, 2, 3, "the lag recovers",
        "The traffic drops to a trickle the consumer can keep up with: the lag shrinks back to (about) 0",
        "and the status turns OK. Watch: the lag falling second by second.");
    run.close(c.traffic);
    c.traffic = run.open(Traffic.start(clientConfig, c.t, keys, Math.max(1, c.rate / 20)));
    long deadline = System.nanoTime() + timeout.toNanos();
    LagReport r = awaitReport(c.monitor);
    int i = 0;
    while (r.snapshot().totalLag() > 50 || r.evaluation().status() != LagStatus.OK) {
      if (System.nanoTime() > deadline) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(500);
      run.check();
      LagReport next = observe(c.monitor);
      if (next == null) {
        continue; // not yet: ask again
      }
      r = next;
      if (++i % 2 == 0) {
        run.say("%4.1f s  lag %,d  status %s", run.elapsed(), r.snapshot().totalLag(), r.evaluation().status());
      }
    }
    boolean recovered = r.snapshot().totalLag() <= 50 && r.evaluation().status() == LagStatus.OK;
    double recoverySeconds = run.elapsed();
    c.j.put("recovery_seconds", CliJson.decimal(recoverySeconds, 1));
    run.done("lag recovers", String.format(Locale.ROOT, "lag %,d -> %,d in %.1f s, status %s", c.way1Total,
        r.snapshot().totalLag(), recoverySeconds, r.evaluation().status()),
        recovered ? "recovered" : "NOT RECOVERED", recovered, c.j.deepCopy());
  }

  private void consumerStops(Lag3 c) throws InterruptedException {
    run.step(3, 3, 3, "the consumer stops: STOP",
        "The consumer is closed while records keep coming. Nobody commits, the lag only grows: Burrow's",
        "rule says STOP once no commit came for longer than the window spans (4 observations, 0.5 s apart",
        "here). Watch: a status other than STOP first (OK), then STOP within seconds.");
    c.engine.close(Duration.ofSeconds(10));
    run.close(c.engine);
    long stopped = System.nanoTime();
    long deadline = stopped + timeout.toNanos();
    LagReport r = awaitReport(c.monitor);
    LagStatus first = r.evaluation().status();
    run.say("%4.1f s after the stop  lag %,d  status %s", (System.nanoTime() - stopped) / 1e9,
        r.snapshot().totalLag(), first);
    while (r.evaluation().status() != LagStatus.STOP && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(500);
      run.check();
      LagReport next = observe(c.monitor);
      if (next == null) {
        continue;
      }
      r = next;
      run.say("%4.1f s after the stop  lag %,d  status %s", (System.nanoTime() - stopped) / 1e9,
          r.snapshot().totalLag(), r.evaluation().status());
    }
    boolean stop = r.evaluation().status() == LagStatus.STOP;
    boolean notStopFirst = first != LagStatus.STOP;
    double detect = (System.nanoTime() - stopped) / 1e9;
    run.close(c.traffic);
    c.j.put("stop_detected_seconds", CliJson.decimal(detect, 1)).put("first_status", first.name())
        .put("final_status", r.evaluation().status().name());
    run.done("consumer stops", String.format(Locale.ROOT, "status %s %.1f s after the consumer stopped (lag %,d)",
        r.evaluation().status(), detect, r.snapshot().totalLag()),
        !stop ? "NO STOP" : notStopFirst ? "STOP detected" : "STOP AT ONCE", stop && notStopFirst, c.j);
  }

  /** The monitor's next report, or null while the group is not there yet ("not yet": ask again). */
  private static LagReport observe(LagMonitor monitor) {
    try {
      return monitor.observe();
    } catch (io.kcp.lag.LagException e) {
      return null;
    }
  }

  /** The monitor's next report, asking every half second until one comes or {@code --timeout} passes. */
  private LagReport awaitReport(LagMonitor monitor) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return monitor.observe();
      } catch (io.kcp.lag.LagException e) {
        if (System.nanoTime() > deadline) {
          throw new CliException("no lag report for the group within " + timeout + ": " + Errors.describe(e));
        }
      }
      TimeUnit.MILLISECONDS.sleep(500);
      run.check();
    }
  }

  private static String number(Double d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%,.0f", d);
  }

  // ---------------------------------------------------------------- chapter 4

  private void chapter4() {
    String[][] kinds = {
      {"stop", "stop deployment (중단 배포)",
        "Stop every v1, then start every v2: simple, no two versions at once, but nothing is consumed in",
        "between. Watch: the consumption gap and the lag peak; 0 lost."},
      {"rolling", "rolling deployment (롤링 배포)",
        "Replace one instance at a time (a v2 joins, then a v1 leaves): no full stop, but each step is a",
        "rebalance and both versions run side by side for a while. Watch: mixed-version time, 0 lost."},
      {"blue-green", "blue-green deployment (블루-그린 배포)",
        "v2 starts warm in a group of its own (green) and takes over at the committed offsets in one",
        "switch; v1 (blue) stays ready to switch back. Watch: peak running instances (twice), a short gap."},
      {"canary", "canary deployment (카나리 배포)",
        "v2 first owns a few whole partitions; analysis gates compare it with v1, and it widens only while",
        "they pass (rolls back when one fails). Watch: the gates, the outcome (deployed), 0 lost."},
    };
    for (int i = 0; i < kinds.length; i++) {
      String[] k = kinds[i];
      int n = i + 1;
      run.attempt(k[0], () -> deploy(k, n, kinds.length));
    }
  }

  private void deploy(String[] k, int n, int total) {
    {
      run.step(4, n, total, k[1] + ": kcp deploy --strategy " + k[0], k[2], k[3]);
      Path dir = run.file("ch4-" + k[0]);
      Path chart = run.file("ch4-" + k[0] + ".png");
      List<String> args = new ArrayList<>(List.of("deploy", "--strategy", k[0], "--topic", topic + "-deploy-" + k[0] + "-" + suffix,
          "--instances", fast ? "2" : "3", "--threads", "1", "--partitions", fast ? "4" : "6",
          "--rate", fast ? "300" : "1000", "--warm-up", fast ? "1s" : "3s", "--settle", fast ? "1s" : "3s",
          "--work-dir", dir.toString(), "--json", "--chart", chart.toString()));
      if (k[0].equals("canary")) {
        args.addAll(List.of("--steps", fast ? "1p,100%" : "1p,50%,100%", "--analysis", fast ? "2s" : "5s"));
      }
      String text = kcp(args);
      JsonNode report = CliJson.parse(text.strip(), "kcp deploy's report");
      long lost = report.required("lost").asLong();
      String outcome = report.required("outcome").asText();
      String figures = String.format(Locale.ROOT, "gap %,d ms, lag peak %,d, mixed versions %,d ms, %d rebalance(s),"
              + " duplicates %,d, lost %d, %s", report.path("consumption_gap_ms").asLong(), report.path("lag_peak").asLong(),
          report.path("mixed_version_ms").asLong(), report.path("rebalances").asLong(),
          report.path("duplicates").asLong(), lost, outcome);
      run.say("report: %s", figures);
      ObjectNode j = CliJson.object();
      j.set("report", report);
      // no rollback is configured: every deployment, the canary's gates included, must end deployed
      boolean ok = lost == 0 && outcome.equals("deployed");
      run.done(k[0], figures, ok ? "0 lost" : lost != 0 ? "LOST " + lost : outcome.toUpperCase(Locale.ROOT), ok, j);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A duration as an option value: {@code 120s}, or {@code 1500ms}. */
  private static String duration(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /**
   * Runs {@code kcp ARGS -b BROKER} in this JVM, as a reader would type it; its stderr goes to the
   * narration, indented; returns its stdout.
   */
  private String kcp(List<String> args) {
    run.check();
    List<String> all = new ArrayList<>(args);
    all.addAll(1, List.of("-b", b.bootstrapServers()));
    all.addAll(childClient);
    run.say("$ kcp %s", String.join(" ", all));
    StringWriter stdout = new StringWriter();
    CommandLine cli = Kcp.commandLine();
    cli.setOut(new PrintWriter(stdout, true));
    PrintWriter err = run.indented("    ");
    cli.setErr(err);
    int code = cli.execute(all.toArray(String[]::new));
    err.flush();
    run.check();
    if (code != 0) {
      throw new CliException("kcp " + args.get(0) + " exited " + code + " (see its lines above)");
    }
    return stdout.toString();
  }

  /** The last line of {@code text} that is a JSON object. */
  private static JsonNode lastJson(String text, String what) {
    List<String> lines = text.lines().filter(l -> l.startsWith("{")).toList();
    if (lines.isEmpty()) {
      throw new CliException(what + " printed no JSON summary: " + text.strip());
    }
    return CliJson.parse(lines.get(lines.size() - 1), what + "'s summary");
  }

  private static long lines(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    try (var s = Files.lines(file)) {
      return s.count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0; // a line half written: ask again
    }
  }

  private static String tail(Path file) {
    try {
      List<String> l = Files.readAllLines(file);
      return String.join(" | ", l.subList(Math.max(0, l.size() - 3), l.size()));
    } catch (IOException e) {
      return "(no output)";
    }
  }

  /** The summary table: one line per step. */
  static String table(List<TourRun.Row> rows) {
    StringBuilder s = new StringBuilder();
    int what = Math.max(4, rows.stream().mapToInt(r -> r.what().length()).max().orElse(4));
    int verdict = Math.max(7, rows.stream().mapToInt(r -> r.verdict().length() + (r.ok() ? 0 : 2)).max().orElse(7));
    String format = "%-8s %-" + what + "s %7s  %-" + verdict + "s  %s%n";
    s.append(String.format(Locale.ROOT, format, "STEP", "WHAT", "SECONDS", "VERDICT", "FIGURES"));
    for (TourRun.Row r : rows) {
      s.append(String.format(Locale.ROOT, format, r.step(), r.what(), String.format(Locale.ROOT, "%.1f", r.seconds()),
          (r.ok() ? "" : "! ") + r.verdict(), r.figures()));
    }
    return s.toString().stripTrailing();
  }
}
