package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.GroupSnapshots;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.TimeLagMode;
import io.kcp.sandbox.KafkaSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kcp lag --all-groups} (every group in one table, rows grouped by GROUP, one JSON line per
 * group), its refusals, {@code --time-lag}, and {@code kcp lag evaluate --time-lag interpolate}.
 */
@ExtendWith(SharedBroker.class)
class LagAllGroupsTest {
  @TempDir Path dir;

  @Test
  void allGroupsIsOneTableGroupedByGroupWithEachSummaryOnStderr(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String first = LagCommandTest.restingGroup(kafka, SharedBroker.uniqueName("lag-all-a"));
    String second = LagCommandTest.restingGroup(kafka, SharedBroker.uniqueName("lag-all-b"));

    Cli.Result r = Cli.run("lag", "-b", b, "--all-groups", "--samples", "1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0).split("\\s+")).containsExactly("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
        "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID", "TIME-LAG", "STATUS");
    assertThat(lines.stream().filter(l -> l.startsWith("GROUP "))).as("one header").hasSize(1);
    // the other tests' groups are there too (shared broker); ours have the Kafka tool's numbers
    String topicA = first.substring(0, first.length() - 2);
    String topicB = second.substring(0, second.length() - 2);
    assertThat(r.out())
        .containsPattern(first + "\\s+" + topicA + "\\s+0\\s+40\\s+100\\s+60\\s+-\\s+-\\s+-\\s+\\S+\\s+STALL")
        .containsPattern(first + "\\s+" + topicA + "\\s+1\\s+100\\s+100\\s+0\\s+-\\s+-\\s+-\\s+0ms\\s+OK")
        .containsPattern(second + "\\s+" + topicB + "\\s+0\\s+40\\s+100\\s+60");
    List<String> groupColumn = lines.subList(1, lines.size()).stream().map(l -> l.split("\\s+")[0]).toList();
    assertThat(groupColumn).as("rows grouped by GROUP, groups in order").isSorted();
    assertThat(r.err()).contains("group " + first + ": EMPTY", "group " + second + ": EMPTY", "totallag 60");

    Cli.Result json = Cli.run("lag", "-b", b, "--all-groups", "--samples", "1", "--json", "--time-lag", "none");
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.out().lines().filter(l -> l.startsWith("{\"group\":\"" + first + "\"")))
        .singleElement().satisfies(l -> assertThat(l).contains("\"totallag\":60", "\"time_lag_ms\":null"));
    assertThat(json.out().lines().filter(l -> l.startsWith("{\"group\":\"" + second + "\""))).hasSize(1);
    assertThat(json.out().lines()).allSatisfy(l -> assertThat(l).startsWith("{\"group\":").endsWith("]}"));
  }

  @Test
  void aGroupTheClusterDoesNotKnowIsOneErrorInTheBatchNotAFailureOfTheOthers(KafkaSandbox kafka) throws Exception {
    String known = LagCommandTest.restingGroup(kafka, SharedBroker.uniqueName("lag-all-known"));
    String unknown = "no-such-group-" + System.nanoTime();
    try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers(kafka.bootstrapServers()).timeLag(false).build()) {
      GroupSnapshots batch = lag.snapshots(List.of(unknown, known));
      assertThat(batch.snapshots()).containsOnlyKeys(known);
      assertThat(batch.snapshot(known).orElseThrow().totalLag()).isEqualTo(60);
      assertThat(batch.errors()).containsOnlyKeys(unknown);
      assertThat(batch.error(unknown).orElseThrow().isGroupNotFound()).isTrue();
      assertThat(batch.error(unknown).orElseThrow().getMessage()).contains("'" + unknown + "' does not exist");
      assertThat(batch.adminCalls()).isEqualTo(ConsumerLag.ADMIN_CALLS_PER_BATCH);
    }
  }

  @Test
  void theProbeInABatchReadsEachGroupsOwnFirstUnconsumedRecord(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-all-probe");
    kafka.createTopic(topic, 1, 1);
    long now = System.currentTimeMillis();
    try (KafkaProducer<String, String> p = LagClients.producer(b)) {
      for (int i = 0; i < 10; i++) { // offsets 0-4 a minute old, 5-9 half a minute old
        p.send(new ProducerRecord<>(topic, 0, now - (i < 5 ? 60_000 : 30_000), "k", "v"));
      }
      p.flush();
    }
    TopicPartition tp = new TopicPartition(topic, 0);
    kafka.admin().alterConsumerGroupOffsets(topic + "-old", Map.of(tp, new OffsetAndMetadata(2))).all().get();
    kafka.admin().alterConsumerGroupOffsets(topic + "-newer", Map.of(tp, new OffsetAndMetadata(7))).all().get();
    kafka.admin().alterConsumerGroupOffsets(topic + "-done", Map.of(tp, new OffsetAndMetadata(10))).all().get();
    try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers(b).build()) {
      GroupSnapshots batch = lag.snapshots(List.of(topic + "-old", topic + "-newer", topic + "-done"));
      long after = System.currentTimeMillis();
      PartitionLag old = batch.snapshot(topic + "-old").orElseThrow().partitions().get(0);
      PartitionLag newer = batch.snapshot(topic + "-newer").orElseThrow().partitions().get(0);
      PartitionLag done = batch.snapshot(topic + "-done").orElseThrow().partitions().get(0);
      assertThat(old.timeLagMs().getAsLong()).isBetween(60_000L, after - now + 60_000);
      assertThat(newer.timeLagMs().getAsLong()).isBetween(30_000L, after - now + 30_000);
      assertThat(done.timeLagMs()).hasValue(0);
      assertThat(old.timeLagSource()).isEqualTo(TimeLagMode.PROBE);
    }
  }

  @Test
  void allGroupsWithTopicShowsOnlyTheGroupsThatReadIt(KafkaSandbox kafka) throws Exception {
    String first = LagCommandTest.restingGroup(kafka, SharedBroker.uniqueName("lag-all-topic-a"));
    String second = LagCommandTest.restingGroup(kafka, SharedBroker.uniqueName("lag-all-topic-b"));
    String topicA = first.substring(0, first.length() - 2);
    Cli.Result r = Cli.run("lag", "-b", kafka.bootstrapServers(), "--all-groups", "--topic", topicA, "--samples", "1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines().skip(1)).hasSize(2).allSatisfy(l -> assertThat(l).startsWith(first + " "));
    assertThat(r.out()).doesNotContain(second);
  }

  @Test
  void allGroupsWithGroupOrListAndNoneOfTheThreeAreRefusedInOneLine() {
    Cli.Result withGroup = Cli.run("lag", "-b", "localhost:1", "--all-groups", "--group", "g");
    assertThat(withGroup.exitCode()).isNotZero();
    assertThat(withGroup.err().strip()).contains("--all-groups and --group contradict each other").doesNotContain("\n");

    Cli.Result withList = Cli.run("lag", "-b", "localhost:1", "--all-groups", "--list");
    assertThat(withList.exitCode()).isNotZero();
    assertThat(withList.err().strip()).contains("--all-groups and --list contradict each other").doesNotContain("\n");

    Cli.Result none = Cli.run("lag", "-b", "localhost:1");
    assertThat(none.exitCode()).isNotZero();
    assertThat(none.err()).contains("--group", "--all-groups", "--list");

    Cli.Result both = Cli.run("lag", "-b", "localhost:1", "--group", "g", "--no-time-lag", "--time-lag", "probe");
    assertThat(both.exitCode()).isNotZero();
    assertThat(both.err().strip()).contains("--no-time-lag and --time-lag probe contradict each other");

    Cli.Result bad = Cli.run("lag", "-b", "localhost:1", "--group", "g", "--time-lag", "guess");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err().strip()).contains("--time-lag must be probe, interpolate or none (got 'guess')");
  }

  @Test
  void evaluateInterpolatesTimeLagOverARecordingsLogEndOffsets() throws Exception {
    Path rec = dir.resolve("steady.jsonl");
    // log end 100 at 1 s, 200 at 2 s, 300 at 3 s; committed 150 throughout
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      lines.append("{\"group\":\"g\",\"taken_at_ms\":").append(i * 1000).append(",\"partitions\":[{\"topic\":\"t\","
          + "\"partition\":0,\"committed_offset\":150,\"log_end_offset\":").append(i * 100)
          .append(",\"time_lag_ms\":null}]}\n");
    }
    Files.writeString(rec, lines);
    Cli.Result r = Cli.run("lag", "evaluate", "--time-lag", "interpolate", rec.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    // 150 was the log end at 1500 (half-way from 100 at 1000 to 200 at 2000): at 3000 it is 1500 ms old
    assertThat(r.out()).startsWith("{\"group\":\"g\"")
        .contains("\"committed_offset\":150,\"log_end_offset\":300,\"lag\":150,\"time_lag_ms\":1500");

    Cli.Result plain = Cli.run("lag", "evaluate", rec.toString());
    assertThat(plain.out()).as("without the option: the evaluation, as before").startsWith("{\"status\":");

    Path window = dir.resolve("window.json");
    Files.writeString(window, "{\"now_ms\": 1, \"partitions\": []}");
    Cli.Result refused = Cli.run("lag", "evaluate", "--time-lag", "interpolate", window.toString());
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("--time-lag interpolate needs a 'kcp lag watch --record' file");
  }
}
