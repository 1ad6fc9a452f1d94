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
  void eachArmGetsARowWithItsAudit(KafkaSandbox kafka) throws Exception {
    Path json = dir.resolve("bench.json");
    Cli.Result r = Cli.run("bench", "-b", kafka.bootstrapServers(), "--records", "3000",
        "--latency", "0ms", "--arms", "partition,worker-naive", "--concurrency", "8", "--json", json.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("partition", "worker-naive", "records/s", "order_violations");
    String rows = Files.readString(json);
    assertThat(rows).contains("\"arm\":\"partition\"", "\"arm\":\"worker-naive\"", "\"latency_ms\":0",
        "\"records_per_second\":", "\"duplicates\":", "\"order_violations\":");
    // the partition strategy drained the topic: its row says nothing was lost
    assertThat(rows).containsPattern("\"arm\":\"partition\"[^}]*\"lost\":0,");
  }

  @Test
  void anUnknownArmIsNamedWithTheKnownOnes() {
    Cli.Result r = Cli.run("bench", "-b", "localhost:1", "--arms", "raw,turbo");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("unknown arm 'turbo'", "worker-key");
  }
}
