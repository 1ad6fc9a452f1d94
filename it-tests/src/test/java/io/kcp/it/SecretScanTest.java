package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.sandbox.SandboxSecurity;
import io.kcp.sandbox.SandboxUser;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secret scan: a full session of kcp against one secured sandbox broker — every command that
 * talks to Kafka, with {@code --command-config}, {@code --json} and {@code --verbose} where it has
 * them, {@code lag serve}'s every endpoint, OTel logging and a failing OTLP export carrying a
 * header, a wrong password — and then everything it printed, served and wrote, and this JVM's own
 * log output, searched for the actual secret strings: the admin's and a second user's SCRAM
 * passwords, the truststore's and the broker keystore's passwords, the wrong password tried and
 * the OTLP header value. Zero hits; and the same search does find them where they are meant to be
 * (the client properties files, the failing run's arguments, the OTLP run's environment).
 *
 * <p>Along the way, the share strategy and a rolling deployment run against the secured broker
 * and lose nothing.
 */
class SecretScanTest {
  private static final int RECORDS = 2_000;
  private static final int MORE = 300;
  private static final String TOPIC = "scan-orders";

  private static KafkaSandbox kafka;
  private static SandboxSecurity security;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    long t0 = System.nanoTime();
    kafka = KafkaSandbox.builder().secured(true).start();
    TestClients.timing("secured in-process start", t0);
    security = kafka.security().orElseThrow();
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aFullSecuredSessionPrintsServesAndWritesNoSecret() throws Exception {
    SandboxUser user = security.createUser("scan-reader");
    security.allowTopic(user.name(), TOPIC, AclOperation.READ, AclOperation.DESCRIBE);
    security.allowGroup(user.name(), "scan-partition");
    String admin = security.admin().clientProperties().toString();
    String reader = user.clientProperties().toString();
    String wrong = "scan-wrong-pw-" + random();
    String otlpToken = "scan-otlp-token-" + random();
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("admin's SCRAM password", Scram.password(security.admin().clientConfig()));
    secrets.put("scan-reader's SCRAM password", Scram.password(user.clientConfig()));
    secrets.put("truststore password", String.valueOf(security.admin().clientConfig().get("ssl.truststore.password")));
    secrets.put("broker keystore password", keystorePassword());
    secrets.put("the wrong password tried", wrong);
    secrets.put("OTLP header value", otlpToken);
    assertThat(new java.util.HashSet<>(secrets.values())).as("distinct secrets").hasSize(secrets.size())
        .allSatisfy(s -> assertThat(s).hasSizeGreaterThanOrEqualTo(8));

    SecretScan scan = new SecretScan();
    Path files = Files.createDirectories(dir.resolve("written")); // every file a command writes
    Path logs = Files.createDirectories(dir.resolve("forked")); // the forked runs' stdout and stderr
    ByteArrayOutputStream jvmErr = new ByteArrayOutputStream();
    ByteArrayOutputStream jvmOut = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    // this JVM's own log output (slf4j-simple writes to System.err as it is at each line) and prints
    System.setErr(new PrintStream(new Tee(oldErr, jvmErr), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new Tee(oldOut, jvmOut), true, StandardCharsets.UTF_8));
    List<String> failingArgs;
    Map<String, String> otlpEnv;
    try {
      // produce, then consume it with each strategy (the worker one with OTel logging, the
      // partition one as the second user), each audited
      Cli.Result produced = run(scan, "produce", "--command-config", admin, "--topic", TOPIC, "--records",
          String.valueOf(RECORDS), "--keys", "50", "--partitions", "4", "--verbose");
      assertThat(produced.out()).contains("produced 2,000 records");

      Path workerAudit = files.resolve("worker.tsv");
      Cli.Result w = run(scan, "consume", "--command-config", admin, "--topic", TOPIC, "--group", "scan-worker",
          "--strategy", "worker", "--until-drained", "--audit", workerAudit.toString(), "--events",
          files.resolve("worker-events.jsonl").toString(), "--json", "--verbose", "--fail-rate", "0.01",
          "--max-attempts", "1", "--otel", "logging");
      JsonNode ws = LagServe.JSON.readTree(lastLine(w.out()));
      long deadLettered = ws.get("dead_lettered").asLong();
      assertThat(ws.get("records_handled").asLong() + deadLettered).isEqualTo(RECORDS);
      assertThat(w.err()).as("the OTel logging output is part of the scan").contains("otel span 'process " + TOPIC + "'");

      Path partitionAudit = files.resolve("partition.tsv");
      Cli.Result p = run(scan, "consume", "--command-config", reader, "--topic", TOPIC, "--group",
          "scan-partition", "--strategy", "partition", "--threads", "2", "--until-drained", "--audit",
          partitionAudit.toString(), "--json", "--verbose");
      assertThat(LagServe.JSON.readTree(lastLine(p.out())).get("records_handled").asLong()).isEqualTo(RECORDS);

      Path shareAudit = files.resolve("share.tsv");
      Cli.Result s = run(scan, "consume", "--command-config", admin, "--topic", TOPIC, "--group", "scan-share",
          "--strategy", "share", "--threads", "2", "--concurrency", "8", "--until-drained", "--audit",
          shareAudit.toString(), "--json", "--verbose");
      assertThat(LagServe.JSON.readTree(lastLine(s.out())).get("accepted").asLong()).isGreaterThanOrEqualTo(RECORDS);

      for (Path audit : List.of(workerAudit, partitionAudit, shareAudit)) {
        Cli.Result a = run(scan, "audit", "--command-config", admin, "--topic", TOPIC, "--json", "--verbose",
            audit.toString());
        JsonNode report = LagServe.JSON.readTree(a.out());
        System.out.printf("SECURED AUDIT %s: produced %d, lost %d, duplicates %d, dead-lettered %d%n",
            audit.getFileName(), report.get("produced").asLong(), report.get("lost").asLong(),
            report.get("duplicates").asLong(), report.get("dead_lettered").asLong());
        assertThat(report.get("produced").asLong()).isEqualTo(RECORDS);
        assertThat(report.get("lost").asLong()).as("%s: %s", audit.getFileName(), a.out()).isZero();
      }

      Cli.Result dlt = run(scan, "dlt", "--command-config", admin, "--topic", TOPIC + ".dlt", "--json",
          "--verbose");
      assertThat(dlt.out().lines().count()).isEqualTo(Math.min(deadLettered, 20));

      // lag at rest, in every form
      run(scan, "produce", "--command-config", admin, "--topic", TOPIC, "--records", String.valueOf(MORE),
          "--keys", "50", "--partitions", "4");
      Cli.Result lag = run(scan, "lag", "--command-config", admin, "--group", "scan-partition", "--samples", "1",
          "--verbose");
      assertThat(lag.out() + lag.err()).contains("totallag " + MORE);
      Cli.Result lagJson = run(scan, "lag", "--command-config", reader, "--group", "scan-partition", "--samples",
          "1", "--json", "--verbose");
      assertThat(lagJson.out()).contains("scan-partition");
      Cli.Result all = run(scan, "lag", "--command-config", admin, "--all-groups", "--samples", "1", "--verbose");
      assertThat(all.out()).contains("scan-worker", "scan-partition");
      // way 1 as Kafka's own tool and way 2 as a group member, with the same settings file
      Cli.Result tool = run(scan, "kafka-consumer-groups", "--bootstrap-server", kafka.bootstrapServers(),
          "--command-config", admin, "--describe", "--group", "scan-partition");
      assertThat(tool.out()).contains("scan-partition", TOPIC);
      Cli.Result client = run(scan, "lag", "client", "--command-config", admin, "--topic", TOPIC, "--group",
          "scan-lag-client", "--interval", "300ms", "--until-caught-up", "--duration", "60s", "--json", "--verbose");
      assertThat(client.out()).contains("records_lag");
      Path record = files.resolve("lag-watch.jsonl");
      Cli.Result watch = run(scan, "lag", "watch", "--command-config", admin, "--group", "scan-partition",
          "--interval", "300ms", "--count", "2", "--json", "--record", record.toString(), "--verbose");
      assertThat(watch.out().lines().count()).isEqualTo(2);
      assertThat(Files.readAllLines(record)).hasSize(2);

      // lag serve: every endpoint
      try (LagServe serve = new LagServe("--command-config", admin, "--interval", "500ms", "--verbose",
          "--snapshot", files.resolve("serve.png").toString())) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          LagServe.Response r = serve.get("/v3/kafka/local/consumer/scan-partition/lag");
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.json().at("/status/totallag").asLong()).isEqualTo(MORE);
          assertThat(serve.get("/v3/kafka/local/consumer/scan-worker/lag").code()).isEqualTo(200);
        });
        List<String> paths = new ArrayList<>(List.of("/", "/api/history", "/v3/kafka", "/v3/kafka/local",
            "/v3/kafka/local/consumer", "/metrics", "/healthz"));
        for (String g : List.of("scan-worker", "scan-partition")) {
          for (String tail : List.of("", "/lag", "/status")) {
            paths.add("/v3/kafka/local/consumer/" + g + tail);
          }
        }
        for (String path : paths) {
          LagServe.Response r = serve.get(path);
          assertThat(r.code()).as(path).isEqualTo(200);
          scan.text("GET " + path, "Content-Type: " + r.contentType() + "\n" + r.body());
        }
        assertThat(serve.get("/api/history").json().get("interval_ms").asLong())
            .as("--interval reaches the server").isEqualTo(500);
        assertThat(serve.get("/v3/kafka/local").json().at("/module/client-profile/sasl/username").asText())
            .isEqualTo("admin");
        Cli.Result stopped = serve.stop();
        scan.result("lag serve", stopped);
        assertThat(stopped.exitCode()).as(stopped.err()).isZero();
      }

      // a rolling deployment, in this JVM: nothing lost
      Path deployDir = files.resolve("deploy");
      Cli.Result deploy = run(scan, "deploy", "--command-config", admin, "--strategy", "rolling", "--topic",
          "scan-deploy", "--instances", "2", "--threads", "1", "--partitions", "4", "--rate", "200",
          "--warm-up", "1s", "--settle", "1s", "--work-dir", deployDir.toString(), "--json", "--chart",
          files.resolve("deploy.png").toString(), "--verbose");
      JsonNode report = LagServe.JSON.readTree(deploy.out());
      System.out.printf("SECURED DEPLOY rolling: produced %d, lost %d, duplicates %d, consumption gap %d ms%n",
          report.get("produced").asLong(), report.get("lost").asLong(), report.get("duplicates").asLong(), report.get("consumption_gap_ms").asLong());
      assertThat(report.get("produced").asLong()).isPositive();
      assertThat(report.get("lost").asLong()).as(deploy.out()).isZero();

      // one bench arm: the arm is a JVM of its own, given the settings as an owner-only file
      Cli.Result bench = run(scan, "bench", "--command-config", admin, "--arms", "raw", "--latency", "0ms",
          "--records", "1000", "--partitions", "2", "--e2e-rate", "0", "--json",
          files.resolve("bench.json").toString(), "--chart", files.resolve("bench.png").toString(), "--verbose");
      assertThat(bench.out()).contains("raw");
      assertThat(Files.readString(files.resolve("bench.json"))).contains("\"arm\":\"raw\"", "\"lost\":0");

      // forked, --verbose (the clients' INFO logs on): spans to an OTLP endpoint nobody listens on,
      // with a header; the export fails and says so
      int closed = LagServe.freePort();
      otlpEnv = Map.of("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=" + otlpToken);
      List<String> otlpArgs = List.of("consume", "--command-config", admin, "--topic", TOPIC, "--group",
          "scan-otlp", "--strategy", "worker", "--until-drained", "--json", "--verbose", "--otel", "otlp",
          "--otel-endpoint", "http://127.0.0.1:" + closed);
      Process otlp = KcpProcess.start(logs, "consume-otlp", otlpArgs, otlpEnv);
      assertThat(otlp.waitFor(120, TimeUnit.SECONDS)).as("kcp consume --otel otlp ends").isTrue();
      String otlpErr = KcpProcess.stderr(logs, "consume-otlp");
      assertThat(otlp.exitValue()).as(otlpErr).isZero();
      assertThat(otlpErr).contains("otel: ", "127.0.0.1:" + closed, "ConsumerConfig values:");

      // forked, --verbose: the admin's file with a wrong password over it
      failingArgs = List.of("consume", "--command-config", admin, "--command-property",
          "sasl.jaas.config=" + Scram.jaas("admin", wrong), "--topic", TOPIC, "--group", "scan-wrong",
          "--strategy", "worker", "--verbose");
      Process failing = KcpProcess.start(logs, "consume-wrong-password", failingArgs);
      assertThat(failing.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String failingErr = KcpProcess.stderr(logs, "consume-wrong-password");
      assertThat(failing.exitValue()).as(failingErr).isEqualTo(1);
      assertThat(failingErr).contains("refused the SASL login of user 'admin'", "ClusterAccessException");

      // and in this JVM: lag with the same wrong password, --verbose (its stack trace)
      Cli.Result refused = Cli.run("lag", "--command-config", admin, "--command-property",
          "sasl.jaas.config=" + Scram.jaas("admin", wrong), "--group", "scan-worker", "--samples", "1", "--verbose");
      scan.result("lag (wrong password)", refused);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).contains("refused the SASL login of user 'admin'", "\tat ");
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
    scan.tree(files);
    scan.tree(logs);
    scan.text("this JVM's System.err", jvmErr.toString(StandardCharsets.UTF_8));
    scan.text("this JVM's System.out", jvmOut.toString(StandardCharsets.UTF_8));

    Map<String, List<String>> hits = scan.hits(List.copyOf(secrets.values()));
    scan.sources().forEach(x -> System.out.printf("SECRET SCAN source %,10d bytes  %s%n", x.bytes().length,
        x.name().length() > 160 ? x.name().substring(0, 160) + "…" : x.name()));
    System.out.printf("SECRET SCAN: %d sources, %,d bytes, %d secrets, %d hits%n", scan.sources().size(),
        scan.bytes(), secrets.size(), hits.size());
    assertThat(jvmErr.size()).as("this JVM's log output was captured").isPositive();
    assertThat(scan.sources().stream().filter(x -> x.name().endsWith(".png"))).hasSize(3);
    assertThat(hits).as("secrets found in what the session printed, served or wrote").isEmpty();

    // the scan can fail: it finds each secret where it is meant to be
    SecretScan proof = new SecretScan();
    proof.file(security.admin().clientProperties());
    proof.file(user.clientProperties());
    proof.file(kafka.dataDir().resolve("node-1.properties"));
    proof.text("the failing run's arguments", String.join(" ", failingArgs));
    proof.text("the OTLP run's environment", otlpEnv.toString());
    assertThat(proof.hits(List.copyOf(secrets.values())).keySet()).containsExactlyInAnyOrderElementsOf(secrets.values());
    assertThat(proof.hits(List.of(secrets.get("admin's SCRAM password"), secrets.get("truststore password"))))
        .allSatisfy((secret, where) -> assertThat(where).contains(security.admin().clientProperties().toString()));
  }

  /** Runs kcp in this JVM, expects exit 0, and adds what it printed to the scan. */
  private static Cli.Result run(SecretScan scan, String... args) {
    Cli.Result r = Cli.run(args);
    scan.result(String.join(" ", args), r);
    assertThat(r.exitCode()).as("%s%n%s", String.join(" ", args), r.err()).isZero();
    return r;
  }

  private static String lastLine(String out) {
    List<String> lines = out.strip().lines().toList();
    return lines.get(lines.size() - 1);
  }

  /** The broker keystore's password, from the node's configuration (it holds it in several keys). */
  private static String keystorePassword() throws Exception {
    Properties node = new Properties();
    try (Reader r = Files.newBufferedReader(kafka.dataDir().resolve("node-1.properties"))) {
      node.load(r);
    }
    return node.stringPropertyNames().stream().filter(k -> k.endsWith("keystore.password")).sorted()
        .map(node::getProperty).findFirst().orElseThrow();
  }

  private static String random() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Writes to two streams: the console as before, and the capture. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public synchronized void flush() throws java.io.IOException {
      a.flush();
      b.flush();
    }
  }
}
