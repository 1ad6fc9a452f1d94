package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcp.sandbox.KafkaSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kcp tour}: the whole {@code --fast} replay against the suite's broker, its verdicts read
 * from the files {@code --out} keeps; a bad {@code --chapter}; and Ctrl-C in the middle of a tour
 * run as a user runs it (its own JVM, its own embedded broker, {@code --pause} with stdin closed).
 */
@ExtendWith(SharedBroker.class)
class TourTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theFastTourShowsEveryCaveatAndEveryFix(KafkaSandbox kafka) throws IOException {
    Path out = dir.resolve("tour");
    long t0 = System.nanoTime();
    Cli.Result r = Cli.run("tour", "--fast", "-b", kafka.bootstrapServers(), "--topic", SharedBroker.uniqueName("tour"),
        "--out", out.toString());
    System.out.printf("TOUR --fast against the shared broker: %.0f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(r.exitCode()).as(r.err()).isZero();
    // the tour's quiet producer logger is the CLI process's setting, not left behind in this JVM
    assertThat(System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.producer.KafkaProducer")).isNull();
    String[] headers = {"[ch1 1/6] produce", "[ch1 2/6] consumer per thread", "[ch1 3/6] multi worker thread",
        "[ch1 4/6] share group", "[ch1 5/6] the naive worker", "[ch1 6/6] the same crash with the KEY mode",
        "[ch2 1/1] a poison record", "[ch3 1/3] consumer lag", "[ch3 2/3] the lag recovers",
        "[ch3 3/3] the consumer stops: STOP", "[ch4 1/4] stop deployment", "[ch4 2/4] rolling deployment",
        "[ch4 3/4] blue-green deployment", "[ch4 4/4] canary deployment"};
    assertThat(r.err()).contains(headers).contains("tour done", "every verdict as expected");

    // the summary table: a header and one line per step, in order
    List<String> table = r.out().lines().toList();
    assertThat(table).hasSize(1 + headers.length);
    assertThat(table.get(0)).startsWith("STEP").contains("VERDICT", "FIGURES");
    for (int i = 0; i < headers.length; i++) {
      assertThat(table.get(i + 1)).startsWith(headers[i].substring(1, 8));
    }

    // every step's JSON file (and the summary) parses; the verdicts are the course's
    Map<String, JsonNode> steps = new TreeMap<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        steps.put(f.getFileName().toString(), JSON.readTree(f.toFile()));
      }
    }
    assertThat(steps).containsKeys("summary.json", "ch1-2-partition.json", "ch1-3-worker-key.json", "ch1-4-share.json",
        "ch1-5-crash-naive.json", "ch1-6-crash-key.json", "ch2-1-poison.json", "ch3-1-lag-grows.json",
        "ch3-2-lag-recovers.json", "ch3-3-consumer-stops.json", "ch4-1-stop.json", "ch4-2-rolling.json",
        "ch4-3-blue-green.json", "ch4-4-canary.json");
    assertThat(steps.get("summary.json").get("steps")).hasSize(headers.length);
    for (String safe : List.of("ch1-2-partition.json", "ch1-3-worker-key.json", "ch1-6-crash-key.json")) {
      JsonNode audit = steps.get(safe).get("audit");
      assertThat(audit.get("lost").asLong()).as(safe).isZero();
      assertThat(audit.get("order_violations").asLong()).as(safe).isZero();
    }
    assertThat(steps.get("ch1-4-share.json").get("audit").get("lost").asLong()).isZero();
    JsonNode naive = steps.get("ch1-5-crash-naive.json").get("audit");
    System.out.printf("TOUR naive after one kill: lost %d, order violations %d%n", naive.get("lost").asLong(),
        naive.get("order_violations").asLong());
    assertThat(naive.get("lost").asLong() + naive.get("order_violations").asLong())
        .as("the naive worker loses or reorders: " + naive).isPositive();
    assertThat(steps.get("ch2-1-poison.json").get("audit").get("dead_lettered").asLong()).isPositive();
    assertThat(steps.get("ch2-1-poison.json").get("audit").get("lost").asLong()).isZero();
    assertThat(steps.get("ch3-1-lag-grows.json").get("way1_lag").asLong()).isPositive();
    assertThat(steps.get("ch3-3-consumer-stops.json").get("final_status").asText()).isEqualTo("STOP");
    assertThat(r.err()).contains("status STOP");
    for (String deploy : List.of("stop", "rolling", "blue-green", "canary")) {
      String name = "ch4-" + (List.of("stop", "rolling", "blue-green", "canary").indexOf(deploy) + 1) + "-" + deploy + ".json";
      JsonNode report = steps.get(name).get("report");
      assertThat(report.get("strategy").asText()).isEqualTo(deploy);
      assertThat(report.get("lost").asLong()).as(name).isZero();
      assertThat(report.has("consumption_gap_ms") && report.has("lag_peak") && report.has("mixed_version_ms")).isTrue();
      assertThat(out.resolve("ch4-" + deploy + ".png")).isNotEmptyFile();
    }
    assertThat(out.resolve("ch1-partition.tsv")).isNotEmptyFile();
  }

  @Test
  void aChapterOutOfRangeIsOneClearLine() {
    Cli.Result r = Cli.run("tour", "--chapter", "9");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("kcp tour: --chapter must be 1, 2, 3 or 4 (got 9)");
  }

  @Test
  void tooFewRecordsForTheCrashStepsIsOneClearLine(KafkaSandbox kafka) {
    Cli.Result r = Cli.run("tour", "--chapter", "1", "--records", "299", "--timeout", "10s", "-b", kafka.bootstrapServers(),
        "--topic", SharedBroker.uniqueName("tour-few"));
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("kcp tour: --records must be at least " + 500
        + " for chapter 1 (its crash steps kill a consumer after 300 records; got 299)");
  }

  @Test
  void ctrlCAtThePromptStopsAtOnce() throws Exception {
    Process p = KcpProcess.start(dir, "prompt", List.of("tour", "--fast", "--pause", "--chapter", "2"));
    // stdin stays open and is never written: the tour waits at its first prompt
    Path err = dir.resolve("prompt.err");
    try {
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
          .until(() -> !p.isAlive() || read(err).contains("(Enter for the next step"));
      String before = read(err);
      assertThat(p.isAlive()).as(before).isTrue();
      // checked once the JVM runs (KcpProcess resets an inherited 'ignore' through perl when it can)
      assumeThat(ignoresSigint(p.pid())).as("SIGINT is ignored in this environment: Ctrl-C cannot be sent").isFalse();
      Matcher m = Pattern.compile("files in (\\S+) \\(removed at the end\\)").matcher(before);
      assertThat(m.find()).as(before).isTrue();
      Path temp = Path.of(m.group(1));

      long t0 = System.nanoTime();
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("exits within 10 s of Ctrl-C at the prompt: " + read(err)).isTrue();
      System.out.printf("TOUR Ctrl-C at the prompt: exited %d after %.1f s%n", p.exitValue(), (System.nanoTime() - t0) / 1e9);
      String after = read(err);
      assertThat(p.exitValue()).as(after).isEqualTo(130);
      assertThat(after).contains("kcp tour: stopped; ", "; removed " + temp).doesNotContain("\tat ");
      assertThat(temp).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void ctrlCClosesEverythingAndRemovesTheTemporaryDirectory() throws Exception {
    Process p = KcpProcess.start(dir, "tour", List.of("tour", "--fast", "--pause"));
    p.getOutputStream().close(); // stdin at EOF: --pause must not wait
    Path err = dir.resolve("tour.err");
    try {
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
          .until(() -> !p.isAlive() || read(err).contains("[ch1 2/6]"));
      String before = read(err);
      assertThat(p.isAlive()).as(before).isTrue();
      assumeThat(ignoresSigint(p.pid())).as("SIGINT is ignored in this environment (a background job of a"
          + " non-interactive shell, and no perl to reset it): Ctrl-C cannot be sent").isFalse();
      assertThat(before).contains("stdin is closed: not pausing");
      Matcher m = Pattern.compile("files in (\\S+) \\(removed at the end\\)").matcher(before);
      assertThat(m.find()).as(before).isTrue();
      Path temp = Path.of(m.group(1));
      assertThat(temp).isDirectory();

      long t0 = System.nanoTime();
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits within 60 s of Ctrl-C: " + read(err)).isTrue();
      System.out.printf("TOUR Ctrl-C: exited %d after %.1f s%n", p.exitValue(), (System.nanoTime() - t0) / 1e9);
      String after = read(err);
      assertThat(p.exitValue()).as(after).isEqualTo(130); // 128 + SIGINT
      assertThat(after).contains("kcp tour: stopping (Ctrl-C)", "kcp tour: stopped; ", "; removed " + temp)
          .doesNotContain("\tat ");
      assertThat(temp).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  /** Whether process {@code pid} ignores SIGINT (Linux: bit 2 of SigIgn in /proc/PID/status); false elsewhere. */
  private static boolean ignoresSigint(long pid) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return false;
    }
    return Files.readAllLines(status).stream().filter(l -> l.startsWith("SigIgn:"))
        .map(l -> (Long.parseUnsignedLong(l.substring(7).strip(), 16) & 0x2) != 0).findFirst().orElse(false);
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
