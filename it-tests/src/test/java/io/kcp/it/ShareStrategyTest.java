package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.audit.AuditReport;
import io.kcp.audit.Workload;
import io.kcp.audit.WorkloadRecord;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.DeadLetterHeaders;
import io.kcp.core.EngineConfig;
import io.kcp.core.EngineState;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.InvalidSettingsException;
import io.kcp.core.RecordHandler;
import io.kcp.lag.ConsumerLag;
import io.kcp.lag.ShareGroupLag;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.share.ShareConfig;
import io.kcp.share.ShareStrategy;
import io.kcp.share.ShareStrategyEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The share strategy (KIP-932) on a real broker: members beyond the partition count all get
 * records; a poison record ends in the dead-letter topic — or, without one, rejected (archived) —
 * after the configured deliveries while the rest flows; a handler slower than the record lock
 * keeps its record by renewing the lock; a SIGKILLed consumer JVM loses nothing: its locks expire
 * and the broker delivers its records again.
 */
@ExtendWith(SharedBroker.class)
class ShareStrategyTest {
  @TempDir Path dir;

  static ConsumerSettings settings(KafkaSandbox kafka, String topic, String group) {
    return ConsumerSettings.builder().bootstrapServers(kafka.bootstrapServers()).groupId(group).topics(topic)
        .build();
  }

  static ShareStrategyEngine engine(KafkaSandbox kafka, String topic, String group, ShareConfig share,
      ErrorPolicy policy, RecordHandler<String, String> handler) {
    EngineConfig config = EngineConfig.custom(settings(kafka, topic, group)).errorPolicy(policy).build();
    return ShareStrategy.of(config, share, handler);
  }

  /** Sets a share group config (the group need not exist yet). */
  static void groupConfig(KafkaSandbox kafka, String group, String key, String value) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group),
          List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  static String id(String value) {
    WorkloadRecord w = WorkloadRecord.parse(value).orElseThrow();
    return w.key() + "#" + w.seq();
  }

  @Test
  void moreMembersThanPartitionsAllGetRecords(KafkaSandbox kafka) throws Exception {
    // the thing a classic group cannot do: one partition, four members, every one of them works
    String topic = SharedBroker.uniqueName("share-members");
    String group = SharedBroker.uniqueName("share-members-group");
    int records = 6_000;
    kafka.createTopic(topic, 1, 1);
    Set<String> handled = ConcurrentHashMap.newKeySet();
    List<AtomicInteger> perMember = new ArrayList<>();
    List<ShareStrategyEngine> engines = new ArrayList<>();
    try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers(kafka.bootstrapServers()).build()) {
      for (int m = 0; m < 4; m++) { // four instances of the application, one share consumer each
        AtomicInteger mine = new AtomicInteger();
        perMember.add(mine);
        ConsumerSettings s = settings(kafka, topic, group).toBuilder().property("max.poll.records", "50")
            .property("share.acquire.mode", "record_limit").build();
        ShareStrategyEngine e = ShareStrategy.of(EngineConfig.ofDefaults(s),
            ShareConfig.custom().members(1).concurrency(4).startFrom("earliest").build(), r -> {
              Thread.sleep(5);
              mine.incrementAndGet();
              handled.add(id(r.value()));
            });
        engines.add(e);
        e.start();
      }
      // all four in the group before the records arrive, so that none is late to the work
      await().atMost(Duration.ofSeconds(60)).until(() -> lag.shareGroup(group).map(ShareGroupLag::members)
          .orElse(0) == 4);
      Workload.builder(kafka.bootstrapServers(), topic).partitions(1).records(records).keys(100).run();
      await().atMost(Duration.ofSeconds(120)).until(() -> handled.size() == records);
    } finally {
      for (ShareStrategyEngine e : engines) {
        e.close(Duration.ofSeconds(10));
      }
    }
    System.out.printf("SHARE-MEMBERS 1 partition, 4 members: %s records each%n", perMember);
    assertThat(handled).hasSize(records);
    assertThat(perMember).allSatisfy(n -> assertThat(n.get()).as("every member got a share").isPositive());
  }

  @Test
  void aPoisonRecordReachesTheDeadLetterTopicAfterItsDeliveriesAndTheRestFlows(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("share-poison");
    String group = SharedBroker.uniqueName("share-poison-group");
    int records = 5_000;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(records).keys(100).run();
    Set<String> poison = poisonOf(kafka, topic);
    Set<String> handled = ConcurrentHashMap.newKeySet();
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    ShareStrategyEngine e = engine(kafka, topic, group,
        ShareConfig.custom().members(2).concurrency(8).startFrom("earliest").build(),
        ErrorPolicy.builder().maxAttempts(3).noCircuitBreaker().build(), r -> {
          String id = id(r.value());
          if (poison.contains(id)) {
            attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            throw new IllegalArgumentException("cannot price " + id);
          }
          handled.add(id);
        });
    e.start();
    try {
      await().atMost(Duration.ofSeconds(120)).until(
          () -> handled.size() == records - poison.size() && e.metrics().deadLettered() == poison.size());
      assertThat(e.state()).isEqualTo(EngineState.RUNNING);
    } finally {
      e.close(Duration.ofSeconds(10));
    }
    List<ConsumerRecord<byte[], byte[]>> dead = TestClients.readAll(kafka.bootstrapServers(), topic + ".dlt");
    Set<String> deadIds = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> d : dead) {
      deadIds.add(id(new String(d.value(), StandardCharsets.UTF_8)));
      Header h = d.headers().lastHeader(DeadLetterHeaders.ATTEMPTS);
      assertThat(new String(h.value(), StandardCharsets.UTF_8)).as("the broker's deliveries").isEqualTo("3");
    }
    System.out.printf("SHARE-POISON %d poison of %d: %d in the DLT, %d handled, %s%n", poison.size(), records,
        dead.size(), handled.size(), e.shareMetrics());
    assertThat(poison).isNotEmpty();
    assertThat(deadIds).isEqualTo(poison);
    assertThat(dead).hasSize(poison.size());
    // three deliveries each (released twice, then dead-lettered and accepted)
    assertThat(attempts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(3));
    assertThat(e.shareMetrics().released()).isEqualTo(2L * poison.size());
    assertThat(e.shareMetrics().accepted()).isEqualTo(records);
    assertThat(e.shareMetrics().rejected()).isZero();
  }

  @Test
  void withoutADeadLetterTopicAPoisonRecordIsRejectedAndTheGroupShowsNoLag(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("share-reject");
    String group = SharedBroker.uniqueName("share-reject-group");
    int records = 5_000;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(records).keys(100).run();
    Set<String> poison = poisonOf(kafka, topic);
    Set<String> handled = ConcurrentHashMap.newKeySet();
    ShareStrategyEngine e = engine(kafka, topic, group,
        ShareConfig.custom().members(2).concurrency(8).startFrom("earliest").build(),
        ErrorPolicy.builder().maxAttempts(2).noDeadLetterTopic().noCircuitBreaker().build(), r -> {
          String id = id(r.value());
          if (poison.contains(id)) {
            throw new IllegalArgumentException("cannot price " + id);
          }
          handled.add(id);
        });
    e.start();
    try {
      await().atMost(Duration.ofSeconds(120)).until(
          () -> handled.size() == records - poison.size() && e.shareMetrics().rejected() == poison.size());
      assertThat(e.state()).isEqualTo(EngineState.RUNNING);
      // rejected records are archived: they are not lag, and kcp lag says what lag is here
      try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers(kafka.bootstrapServers()).build()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> lag.shareGroup(group).map(ShareGroupLag::totalLag)
            .orElse(-1L) == 0);
      }
      Cli.Result out = Cli.run("lag", "-b", kafka.bootstrapServers(), "-g", group);
      assertThat(out.exitCode()).as(out.err()).isZero();
      assertThat(out.out()).contains("share group " + group, "START-OFFSET", "LOG-END-OFFSET", "total lag 0");
      Cli.Result json = Cli.run("lag", "-b", kafka.bootstrapServers(), "-g", group, "--json");
      assertThat(json.out()).contains("\"type\":\"share\"", "\"total_lag\":0");
    } finally {
      e.close(Duration.ofSeconds(10));
    }
    System.out.printf("SHARE-REJECT %d poison of %d: %s%n", poison.size(), records, e.shareMetrics());
    assertThat(poison).isNotEmpty();
    assertThat(e.shareMetrics().rejected()).isEqualTo(poison.size());
    assertThat(e.shareMetrics().released()).isEqualTo(poison.size()); // one release each: 2 deliveries
    assertThat(TestClients.readAll(kafka.bootstrapServers(), topic + ".dlt")).isEmpty();
  }

  @Test
  void aHandlerSlowerThanTheLockKeepsItsRecordByRenewingIt(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("share-renew");
    String group = SharedBroker.uniqueName("share-renew-group");
    groupConfig(kafka, group, "share.record.lock.duration.ms", "1500");
    int records = 20;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(1).records(records).keys(20).run();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    ShareStrategyEngine e = engine(kafka, topic, group,
        ShareConfig.custom().members(1).concurrency(records).startFrom("earliest").build(), ErrorPolicy.DEFAULT,
        r -> {
          Thread.sleep(3_500); // more than twice the lock
          runs.computeIfAbsent(id(r.value()), k -> new AtomicInteger()).incrementAndGet();
        });
    e.start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> e.shareMetrics().accepted() == records);
    } finally {
      e.close(Duration.ofSeconds(10));
    }
    System.out.printf("SHARE-RENEW %d records of 3.5 s under a 1.5 s lock: %s%n", records, e.shareMetrics());
    assertThat(runs).hasSize(records);
    assertThat(runs.values()).as("each handled once: the lock never expired").allSatisfy(
        n -> assertThat(n.get()).isEqualTo(1));
    assertThat(e.shareMetrics().renewed()).isGreaterThanOrEqualTo(2L * records);
    assertThat(e.shareMetrics().redelivered()).isZero();
    assertThat(e.shareMetrics().acknowledgementFailures()).isZero();
  }

  @Test
  void aSigkilledConsumerLosesNothingItsRecordsComeBackWhenTheirLocksExpire(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("share-crash");
    String group = SharedBroker.uniqueName("share-crash-group");
    groupConfig(kafka, group, "share.record.lock.duration.ms", "2000");
    int records = 12_000;
    Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(records).keys(120).run();
    Path killed = dir.resolve("killed.tsv");
    Path survivor = dir.resolve("survivor.tsv");
    // the killed JVM: 2 members, at most 100 records each acquired at a time (record_limit makes
    // max.poll.records a hard limit on what the broker acquires for a member)
    Process p = KcpProcess.start(dir, "killed", consume(kafka, topic, group, killed, false));
    try {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
          .until(() -> KcpProcess.lines(killed) >= 3_000 || !p.isAlive());
      assertThat(p.isAlive()).as("still consuming when killed: %s", KcpProcess.stderr(dir, "killed")).isTrue();
    } finally {
      p.destroyForcibly(); // SIGKILL: no acknowledgement of what it holds
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    Process q = KcpProcess.start(dir, "survivor", consume(kafka, topic, group, survivor, true));
    boolean exited = q.waitFor(180, TimeUnit.SECONDS);
    if (!exited) {
      q.destroyForcibly();
    }
    assertThat(exited).as("the second consumer drains and exits").isTrue();
    assertThat(q.exitValue()).as(KcpProcess.stderr(dir, "survivor")).isZero();
    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(killed, survivor));
    System.out.printf("SHARE-CRASH 1 kill: lost %d, duplicates %d (bound 200), order violations %d%n",
        report.lost(), report.duplicates(), report.orderViolations());
    assertThat(report.produced()).isEqualTo(records);
    assertThat(report.lost()).as(report.toText()).isZero();
    // a duplicate is a record the killed JVM handled but whose ACCEPT never reached the broker: at
    // most what its two members held acquired (2 x max.poll.records 100)
    assertThat(report.duplicates()).as(report.toText()).isLessThanOrEqualTo(200);
  }

  private static List<String> consume(KafkaSandbox kafka, String topic, String group, Path audit, boolean drain) {
    List<String> args = new ArrayList<>(List.of("consume", "-b", kafka.bootstrapServers(), "--topic", topic,
        "--group", group, "--strategy", "share", "--threads", "2", "--concurrency", "8", "--handler-latency",
        "1ms", "-p", "max.poll.records=100", "-p", "share.acquire.mode=record_limit", "--audit", audit.toString()));
    if (drain) {
      args.add("--until-drained");
    }
    return args;
  }

  @Test
  void settingsAShareConsumerRefusesAreNamedWithTheirShareGroupCounterpart(KafkaSandbox kafka) {
    ConsumerSettings s = settings(kafka, "t", "g").toBuilder().property("auto.offset.reset", "latest")
        .property("isolation.level", "read_committed").build();
    try {
      ShareStrategy.of(EngineConfig.ofDefaults(s), ShareConfig.ofDefaults(), r -> { });
      throw new AssertionError("refused settings were accepted");
    } catch (InvalidSettingsException e) {
      assertThat(e.problems()).hasSize(2);
      assertThat(e.getMessage()).contains("auto.offset.reset is not a share consumer setting",
          "share.auto.offset.reset", "isolation.level", "share.isolation.level");
    }
    Cli.Result reset = Cli.run("consume", "-b", kafka.bootstrapServers(), "--topic", "t", "--strategy", "share",
        "-p", "auto.offset.reset=latest");
    assertThat(reset.exitCode()).isEqualTo(1);
    assertThat(reset.err()).contains("auto.offset.reset is not a share consumer setting", "--share-start");
    Cli.Result ordering = Cli.run("consume", "-b", kafka.bootstrapServers(), "--topic", "t", "--strategy", "share",
        "--ordering", "key");
    assertThat(ordering.exitCode()).isEqualTo(1);
    assertThat(ordering.err()).contains("--ordering does not apply to --strategy share", "no order");
    Cli.Result autoCommit = Cli.run("consume", "-b", kafka.bootstrapServers(), "--topic", "t", "--strategy",
        "share", "-p", "enable.auto.commit=false");
    assertThat(autoCommit.exitCode()).isEqualTo(1);
    assertThat(autoCommit.err()).contains("enable.auto.commit is not a share consumer setting", "acknowledges");
  }

  /** About 0.2 % of the workload, picked by key and sequence number. */
  private static Set<String> poisonOf(KafkaSandbox kafka, String topic) {
    Set<String> poison = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : TestClients.readAll(kafka.bootstrapServers(), topic)) {
      WorkloadRecord w = WorkloadRecord.parse(new String(r.value(), StandardCharsets.UTF_8)).orElseThrow();
      if (ErrorPolicyBrokerTest.picked(w.key(), w.seq(), 0.002, "share-poison")) {
        poison.add(w.key() + "#" + w.seq());
      }
    }
    return poison;
  }
}
