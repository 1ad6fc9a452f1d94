package io.kcp.deploy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.audit.AuditEntry;
import io.kcp.audit.AuditLog;
import io.kcp.core.EngineListener;
import io.kcp.deploy.CanaryConfig;
import io.kcp.deploy.GateResult;
import io.kcp.deploy.InstanceContext;
import io.kcp.deploy.RebalanceEvent;
import io.kcp.deploy.RunningInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanaryAnalysisTest {
  @TempDir Path dir;

  /** An instance that only has an audit file (no engine metrics). */
  RunningInstance instance(String runId) {
    InstanceContext ctx = InstanceContext.of("v", "s", runId, "localhost:9092", "g", "t",
        dir.resolve(runId + ".tsv"), dir.resolve(runId + ".events"), EngineListener.noop());
    return new RunningInstance() {
      @Override public InstanceContext context() { return ctx; }
      @Override public boolean alive() { return true; }
      @Override public boolean consuming() { return true; }
      @Override public void activate() { }
      @Override public void deactivate(Duration grace) { }
      @Override public void stop(Duration grace) { }
      @Override public void kill() { }
      @Override public List<RebalanceEvent> events() { return List.of(); }
    };
  }

  /** Writes {@code n} records handled now, each taking {@code millis}, the first {@code firstMillis}. */
  static void handled(RunningInstance i, int n, double millis, double firstMillis) {
    try (AuditLog log = AuditLog.open(i.context().auditFile())) {
      long now = System.currentTimeMillis();
      for (int k = 0; k < n; k++) {
        long took = (long) ((k == 0 ? firstMillis : millis) * 1_000_000);
        log.append(new AuditEntry(log.runId(), i.context().runId(), "t", 0, k, "k", k, 0, took, now + 1));
      }
    }
  }

  static GateResult p99(List<GateResult> gates) {
    return gates.stream().filter(g -> g.gate().equals("p99_ms")).findFirst().orElseThrow();
  }

  @Test
  void aFreshCanarysSlowFirstRecordIsNoVerdictOnItsP99() {
    RunningInstance stable = instance("v1-i0-1");
    RunningInstance canary = instance("v2-c0-1");
    CanaryAnalysis a = new CanaryAnalysis(CanaryConfig.ofDefaults(), List.of(canary), List.of(stable), Set.of(0), null);
    handled(stable, 1_000, 1.0, 1.0);
    handled(canary, 51, 1.0, 22.3); // what a new canary instance showed 51 ms into its step
    GateResult g = p99(a.evaluate(List.of()));
    assertThat(g.passed()).as(g.toString()).isTrue();
    assertThat(g.detail()).contains("not judged below 200");
  }

  @Test
  void aSlowCanaryIsJudgedOnceItHasTheRecords() {
    RunningInstance stable = instance("v1-i0-1");
    RunningInstance canary = instance("v2-c0-1");
    CanaryAnalysis a = new CanaryAnalysis(CanaryConfig.ofDefaults(), List.of(canary), List.of(stable), Set.of(0), null);
    handled(stable, 1_000, 1.0, 1.0);
    handled(canary, 300, 50.0, 50.0);
    GateResult g = p99(a.evaluate(List.of()));
    assertThat(g.passed()).as(g.toString()).isFalse();
    assertThat(g.canary()).isEqualTo(50.0);
    assertThat(g.bound()).isEqualTo(1.0 * 2 + 20);
  }
}
