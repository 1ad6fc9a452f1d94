package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user gets it: {@code cli/target/kcp-<version>.tar.gz} (built by the cli
 * module's package phase, which {@code ./mvnw verify} runs before these tests) unpacked with tar,
 * and its {@code bin/kcp} run as a process with nothing but a Java.
 */
class DistributionTest {
  static final String VERSION = System.getProperty("kcp.version");
  static final Path ARCHIVE = Path.of(System.getProperty("kcp.dist", "cli/target/kcp.tar.gz"));

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void archiveIsBuilt() {
    Assumptions.assumeTrue(Files.isRegularFile(ARCHIVE),
        ARCHIVE + " is not built: './mvnw verify' builds it, or './mvnw -pl cli -am package -DskipTests'");
  }

  static Result run(Path workDir, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not end within 2 minutes");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Unpacks the archive as a user would ({@code tar xzf}) and returns kcp-VERSION/. */
  Path unpack() throws Exception {
    Result tar = run(dir, Map.of(), "tar", "xzf", ARCHIVE.toAbsolutePath().toString());
    assertThat(tar.code()).as(tar.err()).isZero();
    return dir.resolve("kcp-" + VERSION);
  }

  /** JAVA_HOME set to this JVM's runtime, and a PATH without any java on it. */
  static Map<String, String> javaHomeOnly() {
    return Map.of("JAVA_HOME", System.getProperty("java.home"), "PATH", "/usr/bin:/bin", "KCP_JAVA_OPTS", "-Xmx256m");
  }

  @Test
  void theUnpackedBinKcpRuns() throws Exception {
    Path home = unpack();
    Path kcp = home.resolve("bin").resolve("kcp");
    assertThat(kcp).isExecutable();

    Result version = run(dir, javaHomeOnly(), kcp.toString(), "--version");
    assertThat(version.code()).as(version.err()).isZero();
    assertThat(version.out().lines().toList()).hasSize(3).first().isEqualTo("kcp " + VERSION);
    assertThat(version.out()).contains("kafka-clients " + AppInfoParser.getVersion() + "\n")
        .contains("Java " + Runtime.version().feature());
    assertThat(version.err()).isEmpty();

    Result help = run(dir, javaHomeOnly(), kcp.toString(), "produce", "--help");
    assertThat(help.code()).as(help.err()).isZero();
    assertThat(help.out()).startsWith("Produce the keyed workload that kcp audit checks.\nUsage: kcp produce ")
        .contains("--bootstrap-server", "--records");

    Result list = run(dir, javaHomeOnly(), kcp.toString(), "--help");
    assertThat(list.out()).contains("Commands:", "  bench ", "  completion ");
  }

  @Test
  void theLibHoldsEachJarOnceWithTheBenchArms() throws Exception {
    Path lib = unpack().resolve("lib");
    List<String> jars;
    try (Stream<Path> s = Files.list(lib)) {
      jars = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(jars).allMatch(j -> j.endsWith(".jar"))
        .contains("kcp-cli-" + VERSION + ".jar", "kcp-bench-" + VERSION + ".jar")
        .anyMatch(j -> j.startsWith("parallel-consumer-core-"))
        .noneMatch(j -> j.contains("-with-dependencies") || j.contains("-all.jar") || j.contains("-shaded"));
    List<String> names = new ArrayList<>();
    for (String j : jars) {
      names.add(j.replaceAll("-\\d[^-]*(-SNAPSHOT)?\\.jar$", "")); // artifact without version
    }
    assertThat(names).as("one version of each artifact").doesNotHaveDuplicates();
  }

  @Test
  void theCompletionFileCompletesKcpInBash() throws Exception {
    Path home = unpack();
    Result bash = run(dir, javaHomeOnly(), "bash", "-c", "source '" + home.resolve("completion/kcp.bash")
        + "' && complete -p kcp && COMP_WORDS=(kcp lag s) COMP_CWORD=2 COMP_LINE='kcp lag s' COMP_POINT=9"
        + " && _complete_kcp 2>/dev/null; echo \"${COMPREPLY[@]}\"");
    assertThat(bash.code()).as(bash.err()).isZero();
    assertThat(bash.out()).contains("-F _complete_kcp").endsWith("serve\n");
  }

  @Test
  void theZipHoldsWhatTheTarHolds() throws Exception {
    Path zip = Path.of(ARCHIVE.toString().replaceAll("\\.tar\\.gz$", ".zip"));
    Result tar = run(dir, Map.of(), "tar", "tzf", ARCHIVE.toAbsolutePath().toString());
    TreeSet<String> inTar = new TreeSet<>(tar.out().lines().filter(l -> !l.endsWith("/")).toList());
    TreeSet<String> inZip = new TreeSet<>();
    try (ZipFile z = new ZipFile(zip.toFile(), StandardCharsets.UTF_8)) {
      z.stream().filter(e -> !e.isDirectory()).forEach(e -> inZip.add(e.getName()));
    }
    assertThat(inZip).isEqualTo(inTar).contains("kcp-" + VERSION + "/bin/kcp", "kcp-" + VERSION + "/README.md",
        "kcp-" + VERSION + "/completion/kcp.bash");
  }
}
