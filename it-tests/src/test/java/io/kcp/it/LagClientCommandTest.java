package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcp.sandbox.KafkaSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Way 2 as a command: {@code kcp lag client} joins the group, consumes and commits, and prints the
 * lag its own {@code KafkaConsumer.metrics()} report next to the committed lag the Admin API reads.
 * On a real broker: the client's first reported lag is within what was produced, its records-lag
 * never exceeds the committed lag (it measures the fetch position, which is at or ahead of the
 * committed one), and both end at exactly 0, with the group's offsets at the log end.
 */
@ExtendWith(SharedBroker.class)
class LagClientCommandTest {
  private static final int PARTITIONS = 4;
  private static final int PER_PARTITION = 500;
  private static final int RECORDS = PARTITIONS * PER_PARTITION;

  @Test
  void theClientsOwnLagGoesToZeroAndMatchesTheCommittedLag(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-client");
    String group = topic + "-g";
    kafka.createTopic(topic, PARTITIONS, 1);
    LagClients.produce(b, topic, PARTITIONS, PER_PARTITION);
    // small fetches (about 20 records each) so the fetch position does not run to the log end at
    // once; --duration only ends a run that never catches up (the assertions then fail)
    Cli.Result r = Cli.run("lag", "client", "-b", b, "--topic", topic, "--group", group, "--interval", "200ms",
        "--until-caught-up", "--duration", "60s", "--handler-latency", "1ms", "--json",
        "--command-property", "max.poll.records=20", "--command-property", "max.partition.fetch.bytes=600");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("kcp lag client: joining group '" + group + "' as a member");

    ObjectMapper json = new ObjectMapper();
    Map<Long, List<JsonNode>> observations = new LinkedHashMap<>();
    for (String line : r.out().split("\n")) {
      JsonNode n = json.readTree(line);
      assertThat(n.get("group").asText()).isEqualTo(group);
      assertThat(n.get("topic").asText()).isEqualTo(topic);
      observations.computeIfAbsent(n.get("elapsed_ms").asLong(), k -> new ArrayList<>()).add(n);
    }
    List<List<JsonNode>> seen = new ArrayList<>(observations.values());
    List<JsonNode> firstReported = seen.stream()
        .filter(o -> o.stream().anyMatch(n -> !n.get("records_lag").isNull())).findFirst().orElseThrow();
    long firstSum = firstReported.stream().filter(n -> !n.get("records_lag").isNull())
        .mapToLong(n -> n.get("records_lag").asLong()).sum();
    List<JsonNode> last = seen.get(seen.size() - 1);
    System.out.printf("LAG-CLIENT %d records, %d observations: first reported records-lag sum %d, last: %s%n",
        RECORDS, seen.size(), firstSum, last);
    assertThat(firstSum).as("the first records-lag reported, summed").isPositive().isLessThanOrEqualTo(RECORDS);

    for (List<JsonNode> o : seen) {
      for (JsonNode n : o) {
        if (!n.get("committed_offset").isNull()) {
          // the command commits after every poll, before it observes: the commit is the position
          assertThat(n.get("committed_offset").asLong()).as(n.toString()).isEqualTo(n.get("position").asLong());
        }
        if (!n.get("records_lag").isNull() && !n.get("committed_lag").isNull()) {
          assertThat(n.get("records_lag").asLong()).as("fetch position at or ahead of the commit: " + n)
              .isLessThanOrEqualTo(n.get("committed_lag").asLong());
          assertThat(n.get("records_lag_max").asLong()).as(n.toString())
              .isGreaterThanOrEqualTo(n.get("records_lag").asLong());
        }
      }
    }
    assertThat(last).hasSize(PARTITIONS).allSatisfy(n -> {
      assertThat(n.get("records_lag").isIntegralNumber()).as(n.toString()).isTrue();
      assertThat(n.get("committed_lag").isIntegralNumber()).as(n.toString()).isTrue();
      assertThat(n.get("records_lag").asLong()).as(n.toString()).isZero();
      assertThat(n.get("committed_lag").asLong()).as(n.toString()).isZero();
      assertThat(n.get("position").asLong()).as(n.toString()).isEqualTo(PER_PARTITION);
    });
    // and the cluster agrees once the command left the group: committed at the log end, exactly
    assertCommittedAtLogEnd(b, topic, group);
  }

  /**
   * A second member is in the group when the command joins, leaves, joins again and leaves again
   * while the command consumes: each change is a rebalance. With the cooperative assignor the
   * command keeps fetching during a rebalance, so commits in those windows fail
   * (RebalanceInProgressException, or CommitFailedException once the generation moved on). The
   * command commits again after its next poll and still ends caught up (not at --duration) with
   * all partitions at lag 0. 10 ms a record keeps a backlog of seconds on every partition while the
   * other member comes and goes, so the command cannot be caught up on a part of the partitions.
   */
  @Test
  void aRebalanceWhileItRunsDoesNotEndTheCommand(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-client-rebalance");
    String group = topic + "-g";
    kafka.createTopic(topic, PARTITIONS, 1);
    LagClients.produce(b, topic, PARTITIONS, PER_PARTITION);
    CompletableFuture<Cli.Result> run;
    // a plain member that commits nothing: it owns the partitions when the command joins, gives
    // two of them to the command, then leaves
    try (KafkaConsumer<String, String> other = LagClients.consumer(b, group, "classic", 1)) {
      other.subscribe(List.of(topic));
      LagClients.awaitAssigned(other, PARTITIONS);
      run = CompletableFuture.supplyAsync(() -> Cli.run("lag", "client", "-b", b, "--topic", topic,
          "--group", group, "--interval", "200ms", "--until-caught-up", "--duration", "90s",
          "--handler-latency", "10ms", "--json", "--command-property", "max.poll.records=5",
          "--command-property", "partition.assignment.strategy=" + CooperativeStickyAssignor.class.getName()));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
        other.poll(Duration.ofMillis(100));
        return other.assignment().size() == PARTITIONS / 2 || run.isDone();
      });
    }
    // and once more: joins (takes partitions from the command) and leaves
    try (KafkaConsumer<String, String> other = LagClients.consumer(b, group, "classic", 1)) {
      other.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
        other.poll(Duration.ofMillis(100));
        return !other.assignment().isEmpty() || run.isDone();
      });
    }
    assertThat(run.isDone()).as("the command still had a backlog when the other member left").isFalse();
    Cli.Result r = run.get(120, TimeUnit.SECONDS);
    System.out.println("LAG-CLIENT-REBALANCE stderr: " + r.err());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).as("ended caught up, not at --duration").contains("kcp lag client: caught up");
    List<JsonNode> last = lastObservation(r.out());
    assertThat(last).hasSize(PARTITIONS).allSatisfy(n -> {
      assertThat(n.get("committed_lag").asLong()).as(n.toString()).isZero();
      assertThat(n.get("position").asLong()).as(n.toString()).isEqualTo(PER_PARTITION);
    });
    assertCommittedAtLogEnd(b, topic, group);
  }

  /** A large --handler-latency does not outlast --duration: the deadline is checked between records. */
  @Test
  void durationEndsTheRunInsideASlowBatch(KafkaSandbox kafka) {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-client-slow");
    kafka.createTopic(topic, 1, 1);
    LagClients.produce(b, topic, 1, 10);
    long t0 = System.nanoTime();
    Cli.Result r = Cli.run("lag", "client", "-b", b, "--topic", topic, "--group", topic + "-g",
        "--interval", "200ms", "--duration", "2s", "--handler-latency", "10s", "--json",
        "--command-property", "max.poll.records=5");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(r.exitCode()).as(r.err()).isZero();
    // 5 records x 10 s = 50 s if the batch ignored the deadline; one record's 10 s if it were checked
    // only between records
    assertThat(tookMs).as("the run took " + tookMs + " ms").isLessThan(10_000);
  }

  /** An empty topic is caught up at once: position = log end = committed offset (0). */
  @Test
  void untilCaughtUpEndsOnAnEmptyTopic(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-client-empty");
    String group = topic + "-g";
    kafka.createTopic(topic, 2, 1);
    Cli.Result r = Cli.run("lag", "client", "-b", b, "--topic", topic, "--group", group, "--interval", "200ms",
        "--until-caught-up", "--duration", "30s", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<JsonNode> last = lastObservation(r.out());
    assertThat(last).hasSize(2).allSatisfy(n -> {
      assertThat(n.get("position").asLong()).as(n.toString()).isZero();
      assertThat(n.get("committed_lag").asLong()).as(n.toString()).isZero();
    });
    assertThat(r.err()).contains("kcp lag client: caught up");
    assertThat(TestClients.committed(b, group))
        .isEqualTo(Map.of(new TopicPartition(topic, 0), 0L, new TopicPartition(topic, 1), 0L));
  }

  /** A member that the group gives no partition ends at once under --until-caught-up, saying so. */
  @Test
  void untilCaughtUpEndsWhenItOwnsNoPartition(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-client-none");
    String group = topic + "-g";
    kafka.createTopic(topic, 1, 1);
    LagClients.produce(b, topic, 1, 10);
    try (KafkaConsumer<String, String> owner = LagClients.consumer(b, group, "classic", 1)) {
      owner.subscribe(List.of(topic));
      LagClients.awaitAssigned(owner, 1);
      CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run("lag", "client", "-b", b,
          "--topic", topic, "--group", group, "--interval", "200ms", "--until-caught-up", "--duration", "20s",
          "--command-property", "client.id=zz-lag-client"));
      // the owner keeps polling so that it takes part in the rebalance the command's join starts;
      // the range assignor gives the one partition to the member whose id sorts first: the owner
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
        owner.poll(Duration.ofMillis(100));
        return run.isDone();
      });
      Cli.Result r = run.get();
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(owner.assignment()).containsExactly(new TopicPartition(topic, 0));
      assertThat(r.out()).contains("owns no partition of " + topic);
    }
  }

  /**
   * Ctrl-C (SIGINT) closes the consumer: it leaves the group at once rather than holding its
   * partitions for session.timeout.ms. Run as a process of its own so it can be signalled.
   */
  @Test
  void ctrlCLeavesTheGroup(KafkaSandbox kafka, @TempDir Path dir) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-client-sigint");
    String group = topic + "-g";
    kafka.createTopic(topic, 2, 1);
    LagClients.produce(b, topic, 2, 10);
    Process p = KcpProcess.start(dir, "lag-client", List.of("lag", "client", "-b", b, "--topic", topic,
        "--group", group, "--interval", "200ms", "--duration", "120s"));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> members(admin, group) == 1);
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(KcpProcess.stderr(dir, "lag-client")).isTrue();
      assertThat(p.exitValue()).as(KcpProcess.stderr(dir, "lag-client")).isEqualTo(130);
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
          .get(10, TimeUnit.SECONDS);
      assertThat(d.members()).as("members right after the process exited").isEmpty();
      assertThat(d.groupState()).isEqualTo(GroupState.EMPTY);
    } finally {
      p.destroyForcibly();
    }
  }

  /** The group's members now; 0 while the group does not exist yet. */
  private static int members(Admin admin, String group) throws Exception {
    try {
      return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS)
          .members().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return 0;
      }
      throw e;
    }
  }

  /** The JSON lines of the last observation printed. */
  private static List<JsonNode> lastObservation(String out) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<Long, List<JsonNode>> observations = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        JsonNode n = json.readTree(line);
        observations.computeIfAbsent(n.get("elapsed_ms").asLong(), k -> new ArrayList<>()).add(n);
      }
    }
    assertThat(observations).as(out).isNotEmpty();
    List<List<JsonNode>> seen = new ArrayList<>(observations.values());
    return seen.get(seen.size() - 1);
  }

  @Test
  void badOptionsAreOneLineNamingTheOption(KafkaSandbox kafka) {
    String b = kafka.bootstrapServers();
    Cli.Result noTopic = Cli.run("lag", "client", "-b", b, "--group", "g");
    assertThat(noTopic.exitCode()).isEqualTo(2);
    assertThat(noTopic.err()).contains("Missing required option: '--topic=TOPIC'");
    Cli.Result missing = Cli.run("lag", "client", "-b", b, "--group", "g", "--topic", "no-such-topic-lc");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err().strip())
        .isEqualTo("kcp lag client: no such topic 'no-such-topic-lc' on " + b + " (check --topic)");
    Cli.Result interval = Cli.run("lag", "client", "-b", b, "--group", "g", "--topic", "t", "--interval", "0s");
    assertThat(interval.exitCode()).isEqualTo(1);
    assertThat(interval.err()).contains("--interval must be positive");
    Cli.Result noBroker = Cli.run("lag", "client", "--group", "g", "--topic", "t");
    assertThat(noBroker.exitCode()).isEqualTo(1);
    assertThat(noBroker.err()).contains("--bootstrap-server is required for 'kcp lag client'");
  }

  /** The group's committed offsets are the topic's log-end offsets, PER_PARTITION on each partition. */
  private static void assertCommittedAtLogEnd(String b, String topic, String group) throws Exception {
    Map<TopicPartition, Long> end = TestClients.endOffsets(b, topic);
    assertThat(TestClients.committed(b, group)).isEqualTo(end);
    assertThat(end.values()).containsOnly((long) PER_PARTITION);
  }
}
