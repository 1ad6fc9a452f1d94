package io.kcp.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code kcp} in a JVM of its own, as a user would run it, so a test can SIGKILL it. Its stdout
 * and stderr go to files next to its audit file.
 */
final class KcpProcess {
  private KcpProcess() {}

  /** Starts {@code java -cp <test classpath> io.kcp.cli.Kcp args...} with this JVM's java. */
  /** Whether this JVM was started with SIGINT ignored (Linux: bit 2 of SigIgn in /proc/self/status). */
  static final boolean SIGINT_IGNORED = sigintIgnored();

  /** Whether {@code perl} (Debian's perl-base, always installed there) can reset it for a child. */
  static final boolean PERL = java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
      .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "perl")));

  private static boolean sigintIgnored() {
    try {
      Path status = Path.of("/proc/self/status");
      return Files.exists(status) && Files.readAllLines(status).stream().filter(l -> l.startsWith("SigIgn:"))
          .anyMatch(l -> (Long.parseUnsignedLong(l.substring(7).strip(), 16) & 0x2) != 0);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static Process start(Path logDir, String name, List<String> args) throws IOException {
    return start(Path.of(System.getProperty("java.home")), logDir, name, args);
  }

  /** The same with another Java runtime (e.g. a newer one, for virtual threads). */
  static Process start(Path javaHome, Path logDir, String name, List<String> args) throws IOException {
    return start(javaHome, logDir, name, args, Map.of());
  }

  /** The same with variables added to its environment (e.g. {@code OTEL_*}). */
  static Process start(Path logDir, String name, List<String> args, Map<String, String> env) throws IOException {
    return start(Path.of(System.getProperty("java.home")), logDir, name, args, env);
  }

  private static Process start(Path javaHome, Path logDir, String name, List<String> args, Map<String, String> env)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    if (SIGINT_IGNORED && PERL) {
      // a background job of a non-interactive shell (nohup, CI runners) starts with SIGINT ignored,
      // and an ignored signal stays ignored across exec: the JVM would then never see a Ctrl-C.
      // perl puts the default back and execs the JVM in its place (same pid).
      cmd.addAll(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec: $!\";", "--"));
    }
    cmd.addAll(List.of(javaHome.resolve("bin").resolve("java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.kcp.cli.Kcp"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectOutput(logDir.resolve(name + ".out").toFile())
        .redirectError(logDir.resolve(name + ".err").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  /** What the process printed on stderr (for assertion messages). */
  static String stderr(Path logDir, String name) {
    try {
      Path f = logDir.resolve(name + ".err");
      return Files.exists(f) ? Files.readString(f) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Complete lines in a file that another process is appending to (0 if it does not exist yet). */
  static long lines(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> s = Files.lines(file)) {
      return s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UncheckedIOException e) {
      return 0; // a line half written: ask again
    }
  }
}
