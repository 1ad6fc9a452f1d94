package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.audit.AuditReport;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer-per-thread strategy in its own JVM ({@code kcp consume}), SIGKILLed three times
 * mid-stream and restarted, then run until drained. Over all four runs the audit finds nothing
 * lost and at most the stated bound of duplicates.
 *
 * <p>The bound: a record is handled twice only if it finished but its offset was not committed
 * when the JVM died. With {@code --commit-every 50} each thread has at most 2 × 50 such records
 * (50 since the last commit, plus 50 of an asynchronous commit still unanswered — the engine
 * commits synchronously rather than let a third batch pile up), and the interval (10 s) never
 * fires first at this speed. So duplicates ≤ kills × threads × 2 × 50 = 3 × 4 × 100 = 1,200.
 */
@ExtendWith(SharedBroker.class)
class PartitionCrashTest {
  static final int RECORDS = 40_000;
  static final int THREADS = 4;
  static final int COMMIT_EVERY = 50;
  static final int KILLS = 3;

  @TempDir Path dir;

  private Process consume(String bootstrap, String topic, String group, Path audit, boolean untilDrained)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("consume",
        "-b", bootstrap, "--topic", topic, "--group", group,
        "--strategy", "partition", "--threads", String.valueOf(THREADS),
        "--handler-latency", "1ms", "--commit-every", String.valueOf(COMMIT_EVERY),
        "--commit-interval", "10s", "--static-membership", "--audit", audit.toString()));
    if (untilDrained) {
      args.add("--until-drained");
    }
    return KcpProcess.start(dir, audit.getFileName().toString(), args);
  }

  @Test
  void threeSigkillsLoseNothingAndDuplicateAtMostTheBound(KafkaSandbox kafka) throws Exception {
    String topic = SharedBroker.uniqueName("crash");
    String group = SharedBroker.uniqueName("crash-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(12).records(RECORDS).keys(400).run();

    List<Path> audits = new ArrayList<>();
    for (int run = 1; run <= KILLS; run++) {
      Path audit = dir.resolve("run-" + run + ".tsv");
      audits.add(audit);
      Process p = consume(kafka.bootstrapServers(), topic, group, audit, false);
      try {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
            .until(() -> KcpProcess.lines(audit) >= 3_000 || !p.isAlive());
        assertThat(p.isAlive()).as("run %d is still consuming when killed: %s", run,
            KcpProcess.stderr(dir, audit.getFileName().toString())).isTrue();
      } finally {
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(p.exitValue()).isEqualTo(137);
    }

    Path last = dir.resolve("run-final.tsv");
    audits.add(last);
    Process p = consume(kafka.bootstrapServers(), topic, group, last, true);
    boolean exited = p.waitFor(180, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    assertThat(exited).as("the final run drains the topic and exits").isTrue();
    assertThat(p.exitValue()).as(KcpProcess.stderr(dir, "run-final.tsv")).isZero();

    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, audits);
    long bound = (long) KILLS * THREADS * 2 * COMMIT_EVERY;
    System.out.printf("CRASH %d kills: lost %d, duplicates %d (bound %d), runs %d, torn %d%n",
        KILLS, report.lost(), report.duplicates(), bound, report.runs(), report.tornLines());
    assertThat(report.produced()).isEqualTo(RECORDS);
    assertThat(report.lost()).as(report.toText()).isZero();
    assertThat(report.duplicates()).as(report.toText()).isLessThanOrEqualTo(bound);
    assertThat(report.orderViolations()).as(report.toText()).isZero();
    assertThat(report.runs()).isEqualTo(KILLS + 1);
  }
}
