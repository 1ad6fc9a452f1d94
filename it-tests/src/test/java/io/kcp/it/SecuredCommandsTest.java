package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.sandbox.SandboxSecurity;
import io.kcp.sandbox.SandboxUser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kcp command that talks to Kafka, on a secured sandbox (TLS, SCRAM-SHA-512, ACLs), given
 * nothing but {@code --command-config <client properties file>}: the file's {@code
 * bootstrap.servers} stands in for {@code --bootstrap-server}, its security settings reach every
 * client. One in-process secured broker for the class.
 */
class SecuredCommandsTest {
  private static final int RECORDS = 2_000;
  private static final int MORE = 300;

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

  private static String admin() {
    return security.admin().clientProperties().toString();
  }

  @Test
  void everyCommandWorksWithTheAdminsCommandConfig() throws Exception {
    String topic = "secured-cmd-orders";
    String worker = topic + "-worker";
    String partition = topic + "-partition";
    Path workerAudit = dir.resolve("worker.tsv");
    Path partitionAudit = dir.resolve("partition.tsv");

    Cli.Result produced = Cli.run("produce", "--command-config", admin(), "--topic", topic,
        "--records", String.valueOf(RECORDS), "--keys", "50", "--partitions", "4");
    assertThat(produced.exitCode()).as(produced.err()).isZero();
    assertThat(produced.out()).contains("produced 2,000 records over 50 keys to " + topic);
    assertThat(produced.err()).doesNotContain("embedded");

    // the worker strategy, 1 % of the records poison (one attempt, then the dead-letter topic)
    Cli.Result w = Cli.run("consume", "--command-config", admin(), "--topic", topic, "--group", worker,
        "--strategy", "worker", "--until-drained", "--audit", workerAudit.toString(), "--json",
        "--fail-rate", "0.01", "--max-attempts", "1");
    assertThat(w.exitCode()).as(w.err()).isZero();
    JsonNode ws = LagServe.JSON.readTree(w.out().strip());
    long deadLettered = ws.get("dead_lettered").asLong();
    assertThat(deadLettered).isPositive();
    assertThat(ws.get("records_handled").asLong() + deadLettered).isEqualTo(RECORDS);

    Cli.Result p = Cli.run("consume", "--command-config", admin(), "--topic", topic, "--group", partition,
        "--strategy", "partition", "--threads", "2", "--until-drained", "--audit", partitionAudit.toString(),
        "--json");
    assertThat(p.exitCode()).as(p.err()).isZero();
    assertThat(LagServe.JSON.readTree(p.out().strip()).get("records_handled").asLong()).isEqualTo(RECORDS);

    // the audit reads the topic and its dead-letter topic through the same settings: nothing lost
    Cli.Result wa = Cli.run("audit", "--command-config", admin(), "--topic", topic, "--json",
        workerAudit.toString());
    assertThat(wa.exitCode()).as(wa.err()).isZero();
    JsonNode war = LagServe.JSON.readTree(wa.out());
    assertThat(war.get("produced").asLong()).isEqualTo(RECORDS);
    assertThat(war.get("lost").asLong()).isZero();
    assertThat(war.get("dead_lettered").asLong()).isEqualTo(deadLettered);
    Cli.Result pa = Cli.run("audit", "--command-config", admin(), "--topic", topic, "--json", "--strict",
        partitionAudit.toString());
    assertThat(pa.exitCode()).as(pa.out() + pa.err()).isZero();
    assertThat(LagServe.JSON.readTree(pa.out()).get("lost").asLong()).isZero();

    Cli.Result dlt = Cli.run("dlt", "--command-config", admin(), "--topic", topic + ".dlt", "--limit", "1");
    assertThat(dlt.exitCode()).as(dlt.err()).isZero();
    assertThat(dlt.out()).contains(String.format("%,d dead-lettered record(s) in %s.dlt", deadLettered, topic));

    // lag at rest, after more records: kcp lag and Kafka's own tool, both with --command-config
    Cli.Result more = Cli.run("produce", "--command-config", admin(), "--topic", topic,
        "--records", String.valueOf(MORE), "--keys", "50", "--partitions", "4");
    assertThat(more.exitCode()).as(more.err()).isZero();
    Cli.Result lag = Cli.run("lag", "--command-config", admin(), "--group", partition, "--samples", "1");
    assertThat(lag.exitCode()).as(lag.err()).isZero();
    Map<String, String> ours = rows(lag.out(), partition, 11);
    Map<String, String> tool = describe(partition, admin());
    assertThat(ours).hasSize(4).isEqualTo(tool);
    assertThat(ours.values().stream().mapToLong(r -> Long.parseLong(r.split(" ")[2])).sum()).isEqualTo(MORE);

    Cli.Result watch = Cli.run("lag", "watch", "--command-config", admin(), "--group", partition,
        "--interval", "300ms", "--count", "2");
    assertThat(watch.exitCode()).as(watch.err()).isZero();
    assertThat(watch.out()).contains(partition, topic);

    try (LagServe serve = new LagServe("--command-config", admin(), "--group", partition, "--interval", "500ms")) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
          serve.get("/v3/kafka/local/consumer").json().get("consumers").toString()
              .contains("\"" + partition + "\""));
      // the group is listed from the start; its status once a round read it through the settings
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
        LagServe.Response r = serve.get("/v3/kafka/local/consumer/" + partition + "/lag");
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.json().get("error").asBoolean()).isFalse();
        assertThat(r.json().at("/status/totallag").asLong()).isEqualTo(MORE);
      });
      // the cluster detail says how it reads the cluster (TLS, SCRAM as admin), and no password
      LagServe.Response detail = serve.get("/v3/kafka/local");
      assertThat(detail.json().at("/module/client-profile/sasl/mechanism").asText()).isEqualTo("SCRAM-SHA-512");
      assertThat(detail.json().at("/module/client-profile/sasl/username").asText()).isEqualTo("admin");
      assertThat(detail.json().at("/module/client-profile/tls/cafile").asText())
          .isEqualTo(security.truststore().toString());
      for (Object secret : security.admin().clientConfig().entrySet().stream()
          .filter(e -> e.getKey().endsWith("password")).map(Map.Entry::getValue).toList()) {
        assertThat(detail.body()).doesNotContain(String.valueOf(secret));
      }
    }
  }

  @Test
  void aUserWhoMayReadOnlyTopicAGetsNothingFromTopicB() throws Exception {
    String a = "secured-cmd-a";
    String b = "secured-cmd-b";
    String group = "secured-cmd-reader";
    for (String t : new String[] {a, b}) {
      Cli.Result r = Cli.run("produce", "--command-config", admin(), "--topic", t, "--records", "200",
          "--keys", "10", "--partitions", "2");
      assertThat(r.exitCode()).as(r.err()).isZero();
    }
    SandboxUser reader = security.createUser("reader-a");
    security.allowTopic(reader.name(), a, AclOperation.READ, AclOperation.DESCRIBE);
    security.allowGroup(reader.name(), group);
    String config = reader.clientProperties().toString();

    Cli.Result ok = Cli.run("consume", "--command-config", config, "--topic", a, "--group", group,
        "--until-drained", "--json");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(LagServe.JSON.readTree(ok.out().strip()).get("records_handled").asLong()).isEqualTo(200);

    // every strategy's engine ends FAILED on the refusal, having handled nothing
    for (String strategy : new String[] {"partition", "worker", "single"}) {
      Path audit = dir.resolve(strategy + "-b.tsv");
      Cli.Result consumeB = Cli.run("consume", "--command-config", config, "--topic", b, "--group", group,
          "--strategy", strategy, "--duration", "60s", "--json", "--audit", audit.toString());
      assertThat(consumeB.exitCode()).as(consumeB.err()).isNotZero();
      assertThat(consumeB.err()).contains(b);
      JsonNode summary = LagServe.JSON.readTree(consumeB.out().strip());
      assertThat(summary.get("records_handled").asLong()).isZero();
      assertThat(summary.get("state").asText()).isEqualTo("FAILED");
      assertThat(Files.exists(audit) ? Files.readAllLines(audit) : java.util.List.of()).isEmpty();
    }

    Cli.Result dltB = Cli.run("dlt", "--command-config", config, "--topic", b);
    assertThat(dltB.exitCode()).isNotZero();
    assertThat(dltB.err()).contains(b);
    assertThat(dltB.out()).isEmpty();

    Cli.Result lagB = Cli.run("lag", "--command-config", config, "--group", group, "--topic", b, "--samples", "1");
    assertThat(lagB.exitCode()).isNotZero();
    assertThat(lagB.err()).contains(b);
    assertThat(lagB.out()).doesNotContain(b);

    // the audit reads the topic it checks: B is refused, nothing of it is reported
    Path empty = Files.writeString(dir.resolve("reader-empty.tsv"), "");
    Cli.Result auditB = Cli.run("audit", "--command-config", config, "--topic", b, "--json", empty.toString());
    assertThat(auditB.exitCode()).as(auditB.out() + auditB.err()).isNotZero();
    assertThat(auditB.err()).contains(b);
    assertThat(auditB.out()).doesNotContain("\"produced\"");

    // the watch checks --topic before it starts: refused, one line, nothing of B
    Cli.Result watchB = Cli.run("lag", "watch", "--command-config", config, "--group", group, "--topic", b,
        "--count", "1", "--interval", "200ms", "--json");
    assertThat(watchB.exitCode()).isNotZero();
    assertThat(watchB.err()).contains(b).contains("not authorized");
    assertThat(watchB.out()).isEmpty();
  }

  /**
   * {@code kafka-consumer-groups --describe --group G --command-config FILE} in this JVM, rows keyed
   * by topic-partition: CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID.
   */
  private static Map<String, String> describe(String group, String commandConfig) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    synchronized (LagClients.class) {
      PrintStream old = System.out;
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      try {
        ConsumerGroupCommand.main(new String[] {"--bootstrap-server", kafka.bootstrapServers(),
            "--command-config", commandConfig, "--describe", "--group", group});
      } finally {
        System.setOut(old);
      }
    }
    return rows(buf.toString(StandardCharsets.UTF_8), group, 9);
  }

  /** The rows of a describe-like table: topic-partition → columns 4 to 9. */
  private static Map<String, String> rows(String table, String group, int columns) {
    Map<String, String> rows = new TreeMap<>();
    for (String line : table.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == columns && f[0].equals(group)) {
        rows.put(f[1] + "-" + f[2], String.join(" ", f[3], f[4], f[5], f[6], f[7], f[8]));
      }
    }
    return rows;
  }
}
