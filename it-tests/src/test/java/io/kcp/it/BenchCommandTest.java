package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.sandbox.KafkaSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kcp bench} runs each arm in its own JVM on one workload and writes one JSON object per
 * arm with its rate and its audit counts — here two arms, few records: a check that the harness
 * works, not a measurement.
 */
@ExtendWith(SharedBroker.class)
class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void eachArmGetsARowWithItsAuditAndTheRepeatsASummary(KafkaSandbox kafka) throws Exception {
    Path json = dir.resolve("bench.json");
    Path chart = dir.resolve("bench.png");
    Cli.Result r = Cli.run("bench", "-b", kafka.bootstrapServers(), "--records", "3000",
        "--latency", "0ms", "--arms", "raw,raw-unaudited,worker-naive", "--concurrency", "8", "--repeat", "2",
        "--e2e-rate", "2000", "--e2e-seconds", "2", "--json", json.toString(), "--chart", chart.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("raw", "worker-naive", "records/s", "median rec/s", "× raw");
    String rows = Files.readString(json);
    assertThat(rows).contains("\"arm\":\"raw\"", "\"arm\":\"worker-naive\"", "\"latency_ms\":0", "\"run\":2",
        "\"records_per_second\":", "\"start_to_first_record_ms\":", "\"cpu_seconds\":", "\"peak_heap_mb\":",
        "\"duplicates\":", "\"order_violations\":");
    // raw drained the topic, audited: its rows say nothing was lost; the unaudited arm has no audit
    assertThat(rows).containsPattern("\"arm\":\"raw\"[^}]*\"lost\":0,");
    assertThat(rows).containsPattern("\"arm\":\"raw-unaudited\"[^}]*\"audited\":false,\"lost\":null");
    assertThat(rows.split("\"arm\":")).hasSize(1 + 3 * 2);
    // each audited arm ran again under live traffic at 2,000 records/s: every record produced in
    // the measuring window was handled, with its end-to-end latency; the unaudited arm has none
    assertThat(rows).containsPattern(
        "\"arm\":\"raw\"[^}]*\"e2e_rate\":2000,\"e2e_records\":[1-9][0-9]*,\"e2e_unhandled\":0,"
            + "\"latency_p50_ms\":[0-9]+,\"latency_p99_ms\":[0-9]+");
    assertThat(rows).containsPattern("\"arm\":\"worker-naive\"[^}]*\"e2e_unhandled\":0,\"latency_p50_ms\":[0-9]+");
    assertThat(rows).doesNotContainPattern("\"arm\":\"raw-unaudited\"[^}]*e2e_rate");
    assertThat(r.out()).contains("p50 ms", "end-to-end p50");
    assertThat(Files.size(chart)).isPositive();
  }

  @Test
  void anUnknownArmIsNamedWithTheKnownOnes() {
    Cli.Result r = Cli.run("bench", "-b", "localhost:1", "--arms", "raw,turbo");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("unknown arm 'turbo'", "worker-key");
  }
}
