package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcp.sandbox.KafkaSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code kcp deploy} as a user runs it: a real (small) rolling deployment, and bad input refused. */
@ExtendWith(SharedBroker.class)
class DeployCommandTest {
  @TempDir Path dir;

  @Test
  void aRollingDeploymentPrintsItsReportAsJsonAndDrawsItsChart(KafkaSandbox kafka) throws Exception {
    Path chart = dir.resolve("deploy.png");
    Cli.Result r = Cli.run("deploy", "-b", kafka.bootstrapServers(), "--topic", SharedBroker.uniqueName("cli-deploy"),
        "--instances", "2", "--threads", "1", "--partitions", "4", "--rate", "300", "--warm-up", "1s",
        "--settle", "1s", "--work-dir", dir.toString(), "--json", "--chart", chart.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("[rollout] started v2-i0-1", "[rollout] stopped v1-i1-1", "[finish] drained");
    JsonNode json = new ObjectMapper().readTree(r.out());
    for (String key : new String[] {"strategy", "variant", "lost", "duplicates", "consumption_gap_ms",
        "max_partition_gap_ms", "lag_peak", "recovery_ms", "mixed_version_ms", "peak_instances", "rebalances",
        "rollout_ms", "rolled_back"}) {
      assertThat(json.has(key)).as(key).isTrue();
    }
    assertThat(json.get("strategy").asText()).isEqualTo("rolling");
    assertThat(json.get("variant").asText()).isEqualTo("cooperative");
    assertThat(json.get("lost").asLong()).isZero();
    assertThat(json.get("rolled_back").asBoolean()).isFalse();
    assertThat(json.get("peak_instances").asInt()).isEqualTo(3); // 2 and a surge of 1
    assertThat(Files.size(chart)).isPositive();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--variant|sticky|--variant must be eager, cooperative, static or kip848",
      "--launcher|docker|--launcher must be in-process or jvm",
      "--instances|7|consumer(s) would sit idle",
      "--strategy|shadow|--strategy must be stop, rolling, blue-green or canary",
      "--steps|1p,50%|the last canary step must be 100%",
      "--steps|one,100%|a canary step is N partitions ('1p') or a share ('25%')"})
  void badInputIsRefusedInOneLine(String option, String value, String message, KafkaSandbox kafka) {
    Cli.Result r = Cli.run("deploy", "-b", kafka.bootstrapServers(), option, value);
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains(message).doesNotContain("\tat ");
  }

  @Test
  void aBlueGreenDeploymentReportsItsSwitchAndACanaryItsGates(KafkaSandbox kafka) throws Exception {
    Cli.Result bg = Cli.run("deploy", "-b", kafka.bootstrapServers(), "--strategy", "blue-green",
        "--topic", SharedBroker.uniqueName("cli-deploy-bg"), "--instances", "2", "--threads", "1", "--partitions", "4",
        "--rate", "300", "--warm-up", "1s", "--settle", "1s", "--work-dir", dir.resolve("bg").toString(), "--json");
    assertThat(bg.exitCode()).as(bg.err()).isZero();
    assertThat(bg.err()).contains("standby v2-i0-1 (warm, not consuming)", "deactivated v1-i0-1", "activated v2-i1-1");
    JsonNode json = new ObjectMapper().readTree(bg.out());
    assertThat(json.get("strategy").asText()).isEqualTo("blue-green");
    assertThat(json.get("outcome").asText()).isEqualTo("deployed");
    assertThat(json.get("lost").asLong()).isZero();
    assertThat(json.get("cutover_violations").asLong()).isZero();
    assertThat(json.get("cutover").size()).isEqualTo(4);
    assertThat(json.get("peak_running").asInt()).isEqualTo(4); // both colours up
    Cli.Result canary = Cli.run("deploy", "-b", kafka.bootstrapServers(), "--strategy", "canary", "--steps", "1p,100%",
        "--analysis", "2s", "--topic", SharedBroker.uniqueName("cli-deploy-canary"), "--instances", "2", "--threads", "1",
        "--partitions", "4", "--rate", "300", "--warm-up", "1s", "--settle", "1s",
        "--work-dir", dir.resolve("canary").toString(), "--json");
    assertThat(canary.exitCode()).as(canary.err()).isZero();
    JsonNode c = new ObjectMapper().readTree(canary.out());
    assertThat(c.get("outcome").asText()).isEqualTo("deployed");
    assertThat(c.get("lost").asLong()).isZero();
    assertThat(c.get("order_violations").asLong()).isZero();
    JsonNode steps = c.get("canary").get("steps");
    assertThat(steps.size()).isEqualTo(2);
    assertThat(steps.get(0).get("partitions").asInt()).isEqualTo(1);
    assertThat(steps.get(0).get("gates").findValuesAsText("gate"))
        .containsExactly("failure_rate", "dead_letter_rate", "p99_ms", "lag_growth");
  }

  @Test
  void aCanaryOnTheConsumerProtocolIsRefusedWithTheReason(KafkaSandbox kafka) {
    Cli.Result r = Cli.run("deploy", "-b", kafka.bootstrapServers(), "--strategy", "canary", "--variant", "kip848");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("client-side assignor").doesNotContain("\tat ");
  }

  @Test
  void aStopDeploymentOfStaticMembersIsRefusedWithTheReason(KafkaSandbox kafka) {
    Cli.Result r = Cli.run("deploy", "-b", kafka.bootstrapServers(), "--strategy", "stop", "--variant", "static");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("a static member stays in the group when it stops");
  }
}
