package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.audit.Faults;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import io.kcp.audit.WorkloadRecord;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code kcp consume --fail-rate} end to end: poison records go to the dead-letter topic, and
 * {@code kcp audit} counts them as {@code dead_lettered}, apart from {@code lost} (0); bad error
 * options are refused with one line naming the option.
 */
@ExtendWith(SharedBroker.class)
class ConsumeErrorsCliTest {
  static final int RECORDS = 20_000;
  static final int KEYS = 200;

  @TempDir Path dir;

  @Test
  void poisonRecordsAreDeadLetteredAndTheAuditCountsThemApartFromLost(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("cli-poison");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(6).records(RECORDS).keys(KEYS).run();
    long poison = 0;
    for (long i = 0; i < RECORDS; i++) {
      WorkloadRecord w = WorkloadRecord.of(i, KEYS, 0);
      if (Faults.isSelected(w.key(), w.seq(), 0.002)) {
        poison++;
      }
    }
    Path audit = dir.resolve("poison.tsv");
    Cli.Result run = Cli.run("consume", "-b", kafka.bootstrapServers(), "--topic", topic,
        "--group", topic + "-g", "--strategy", "worker", "--fail-rate", "0.002", "--retry-backoff", "20ms",
        "--breaker-wait", "300ms", "--outage-grace", "2s",
        "--audit", audit.toString(), "--until-drained", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"dead_lettered\":" + poison + ",")
        .contains("\"retries\":" + 2 * poison + ",");

    Cli.Result report = Cli.run("audit", "-b", kafka.bootstrapServers(), "--topic", topic, "--json",
        audit.toString());
    System.out.printf("CLI POISON: %d poison of %d; audit %s%n", poison, RECORDS,
        report.out().replaceAll("\\s+", " ").replaceAll("\"[a-z_]+_examples\".*", ""));
    assertThat(report.exitCode()).as(report.err()).isZero();
    assertThat(report.out())
        .containsPattern("\"dead_lettered\":\\s*" + poison + ",")
        .containsPattern("\"handled\":\\s*" + (RECORDS - poison) + ",")
        .containsPattern("\"lost\":\\s*0,");
    assertThat(poison).isPositive();

    Cli.Result dlt = Cli.run("dlt", "-b", kafka.bootstrapServers(), "--topic", topic + ".dlt", "--limit", "1000");
    assertThat(dlt.exitCode()).as(dlt.err()).isZero();
    assertThat(dlt.out()).contains(poison + " dead-lettered record(s) in " + topic + ".dlt")
        .containsPattern("cause [0-9a-f]{16} +" + poison + "  io.kcp.audit.Faults\\$InjectedFailure");
    Cli.Result json = Cli.run("dlt", "-b", kafka.bootstrapServers(), "--topic", topic + ".dlt",
        "--limit", "1000", "--json");
    assertThat(json.out().lines()).hasSize((int) poison).allSatisfy(line -> assertThat(line)
        .contains("\"original_topic\":\"" + topic + "\"", "\"attempts\":3,", "\"reason\":\"handler\"",
            "\"consumer_group\":\"" + topic + "-g\""));
  }

  @Test
  void dltOfAMissingTopicSaysSo(KafkaSandbox kafka) {
    Cli.Result r = Cli.run("dlt", "-b", kafka.bootstrapServers(), "--topic", "no-such.dlt");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("topic no-such.dlt does not exist");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--fail-rate|2|--fail-rate must be between 0 and 1",
      "--fail-times|0|--fail-times must be a positive number or 'always'",
      "--max-attempts|0|--max-attempts must be a positive number",
      "--producer-context|sibling|--producer-context must be parent or link",
      "--until-idle|0s|--until-idle must be above 0 (e.g. 2s)"})
  void badErrorOptionsAreRefusedNamingTheOption(String option, String value, String message, KafkaSandbox kafka) {
    Cli.Result r = Cli.run("consume", "-b", kafka.bootstrapServers(), "--topic", "nope", option, value);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains(message);
  }

  @Test
  void aConsumerThatFailsStopsAndTheCommandExitsNonZero(KafkaSandbox kafka) {
    String topic = SharedBroker.uniqueName("cli-fails");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(3).records(2_000).keys(50).run();
    Cli.Result r = Cli.run("consume", "-b", kafka.bootstrapServers(), "--topic", topic, "--group", topic + "-g",
        "--strategy", "worker", "--no-dlt", "--max-attempts", "1", "--no-breaker", "--fail-rate", "0.01",
        "--until-drained");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("the consumer failed", "no dead-letter topic is set");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-p|group.instance.id=pod-1|use --instance-id ID",
      "--instance-id|' pod-1'|--instance-id must be a non-blank id without surrounding spaces",
      "--drain-timeout|-1s|--drain-timeout must not be negative"})
  void badMembershipOptionsAreRefusedNamingTheOption(String option, String value, String message, KafkaSandbox kafka) {
    Cli.Result r = Cli.run("consume", "-b", kafka.bootstrapServers(), "--topic", "nope", option, value);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains(message);
  }

  @Test
  void dltAndNoDltTogetherAreRefused(KafkaSandbox kafka) {
    Cli.Result r = Cli.run("consume", "-b", kafka.bootstrapServers(), "--dlt", "x", "--no-dlt");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("--dlt and --no-dlt contradict each other");
  }
}
