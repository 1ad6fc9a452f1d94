package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kcp.audit.AuditReport;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build stays on Java 17; virtual threads need a Java 21+ runtime. This test looks for one
 * (this JVM, {@code $KCP_JAVA21_HOME}, or any JDK beside this one, e.g. under /usr/lib/jvm), runs
 * {@code kcp consume --strategy worker --ordering key --virtual-threads} on it, and audits the run:
 * nothing lost, duplicated or reordered. Skipped, saying why, where no such runtime exists.
 */
@ExtendWith(SharedBroker.class)
class WorkerVirtualThreadsTest {
  @TempDir Path dir;

  static int featureVersion(Path javaHome) {
    try {
      for (String line : Files.readAllLines(javaHome.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          return Integer.parseInt(v.split("[.+-]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  static Optional<Path> java21Home() {
    Path self = Path.of(System.getProperty("java.home"));
    if (Runtime.version().feature() >= 21) {
      return Optional.of(self);
    }
    String env = System.getenv("KCP_JAVA21_HOME");
    if (env != null && featureVersion(Path.of(env)) >= 21) {
      return Optional.of(Path.of(env));
    }
    Path jvms = self.toAbsolutePath().getParent();
    try (Stream<Path> siblings = Files.list(jvms)) {
      return siblings.filter(p -> Files.isExecutable(p.resolve("bin").resolve("java")))
          .filter(p -> featureVersion(p) >= 21)
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Test
  void keyOrderingOnVirtualThreadsLosesAndReordersNothing(KafkaSandbox kafka) throws Exception {
    Optional<Path> home = java21Home();
    assumeTrue(home.isPresent(), "no Java 21+ runtime found (this JVM, $KCP_JAVA21_HOME, or beside "
        + System.getProperty("java.home") + "): virtual threads cannot be tested here");
    String topic = SharedBroker.uniqueName("virtual");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(12).records(10_000).keys(500).run();
    Path audit = dir.resolve("virtual.tsv");
    Process p = KcpProcess.start(home.get(), dir, "virtual", List.of("consume",
        "-b", kafka.bootstrapServers(), "--topic", topic, "--group", SharedBroker.uniqueName("virtual-group"),
        "--strategy", "worker", "--ordering", "key", "--virtual-threads", "--concurrency", "256",
        "--handler-latency", "2ms", "--audit", audit.toString(), "--until-drained", "--json"));
    boolean exited = p.waitFor(180, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    assertThat(exited).isTrue();
    assertThat(p.exitValue()).as(KcpProcess.stderr(dir, "virtual")).isZero();
    System.out.printf("VIRTUAL on Java %d: %s", featureVersion(home.get()),
        Files.readString(dir.resolve("virtual.out")));
    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(audit));
    assertThat(report.lost()).as(report.toText()).isZero();
    assertThat(report.duplicates()).as(report.toText()).isZero();
    assertThat(report.orderViolations()).as(report.toText()).isZero();
  }

  @Test
  void theProcessSpanIsCurrentInsideTheHandlerOnVirtualThreads(KafkaSandbox kafka) throws Exception {
    Optional<Path> home = java21Home();
    assumeTrue(home.isPresent(), "no Java 21+ runtime found: virtual threads cannot be tested here");
    String topic = SharedBroker.uniqueName("virtual-trace");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(4).records(2_000).keys(100).traceparent(true).run();
    List<String> cmd = List.of(home.get().resolve("bin").resolve("java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), TraceContextProbe.class.getName(),
        kafka.bootstrapServers(), topic, "2000");
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("probe.err").toFile())
        .redirectOutput(dir.resolve("probe.out").toFile()).start();
    boolean exited = p.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    assertThat(exited).isTrue();
    String out = Files.readString(dir.resolve("probe.out"));
    System.out.print("VIRTUAL TRACE " + out);
    assertThat(out).as(Files.readString(dir.resolve("probe.err")))
        .contains("PROBE handled=2000 matched=2000 virtual=2000");
  }
}
