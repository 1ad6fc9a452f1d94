package io.kcp.sandbox.internal;

import io.kcp.sandbox.ForkedKafkaSandbox;
import io.kcp.sandbox.KafkaSandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One combined KRaft node in a child JVM ({@link ForkedBrokerMain}, i.e. {@code kafka.Kafka}),
 * storage formatted in this JVM. Output goes to {@code broker.log} in the data directory.
 */
public final class ForkedSandbox extends SandboxBase implements ForkedKafkaSandbox {
  private static final Logger LOG = LoggerFactory.getLogger(ForkedSandbox.class);
  private static final int ATTEMPTS = 5;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xmx256m",
          "-XX:+UseSerialGC",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djava.awt.headless=true",
          // the broker's own log (broker.log) at INFO, whatever the parent's logging config says
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
          "-Dorg.slf4j.simpleLogger.log.kafka=info",
          "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info",
          "-Dorg.slf4j.simpleLogger.log.state.change.logger=info",
          "-Dorg.slf4j.simpleLogger.showDateTime=true");
  private static final String NODE = "node-1";

  private final Path propertiesFile;
  private final Path logFile;
  private final int brokerPort;
  private final String classpath;
  private volatile Process process;

  private ForkedSandbox(Path root, int brokerPort, SecuredSetup security, String classpath) {
    super(root, 1, security);
    this.propertiesFile = root.resolve("server.properties");
    this.logFile = root.resolve("broker.log");
    this.brokerPort = brokerPort;
    this.classpath = classpath;
  }

  /** Formats, forks and waits; retries on fresh ports if a picked port was taken meanwhile. */
  public static ForkedSandbox start(SandboxSpec spec) {
    if (spec.port() != 0) {
      Ports.requireFree(spec.port());
    }
    Path root = Storage.newRoot();
    ExitGuard.trackDirectory(root);
    String classpath = ChildJvm.classpath();
    for (int attempt = 1; ; attempt++) {
      int[] picked = Ports.pickFree(2);
      int brokerPort = spec.port() != 0 ? spec.port() : picked[0];
      // inside the attempt: a retry starts from an empty directory
      SecuredSetup security = spec.secured() ? SecuredSetup.create(root) : null;
      ForkedSandbox sandbox = new ForkedSandbox(root, brokerPort, security, classpath);
      try {
        Properties props =
            NodeConfigs.combined(
                1, brokerPort, picked[1], root.resolve(NODE), security, fastRestart(spec));
        Storage.writeProperties(props, sandbox.propertiesFile);
        if (security == null) {
          Storage.format(sandbox.propertiesFile, Uuid.randomUuid().toString());
        } else {
          Storage.format(
              sandbox.propertiesFile,
              Uuid.randomUuid().toString(),
              security.formatArguments(),
              security.secrets());
        }
        sandbox.launchAndAwait();
        return sandbox;
      } catch (RuntimeException e) {
        boolean retry = e instanceof PortTaken && spec.port() == 0 && attempt < ATTEMPTS;
        if (retry) {
          LOG.warn("a port was taken (attempt {}), retrying on other ports", attempt);
          sandbox.discardAttempt();
          continue;
        }
        sandbox.close();
        throw e;
      }
    }
  }

  /** Short heartbeats so a restarted broker is not refused as a duplicate registration for long. */
  private static Map<String, String> fastRestart(SandboxSpec spec) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("broker.heartbeat.interval.ms", "500");
    props.put("broker.session.timeout.ms", "2000");
    props.putAll(spec.brokerProperties());
    return props;
  }

  /** Kills the child and empties the directory, keeping it for the next attempt. */
  private void discardAttempt() {
    kill();
    disconnect();
    Storage.deleteRecursively(dataDir());
    try {
      Files.createDirectories(dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dataDir(), e);
    }
  }

  private void launchAndAwait() {
    long logOffset = logSize();
    Process p = launch();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      if (!p.isAlive()) {
        String log = readLog(logOffset);
        if (Ports.isBindMessage(log)) {
          throw new PortTaken("broker port " + brokerPort + " or its controller port was taken");
        }
        throw new KafkaSandboxException(
            "forked Kafka exited with " + p.exitValue() + " while starting; see " + logFile
                + "\n" + tail(log));
      }
      // the admin client connects only once the port is open: before, it logs a warning per try
      if (Ports.accepts(brokerPort, 200)) {
        if (!isConnected()) {
          connect(NodeConfigs.bootstrap(brokerPort));
        }
        if (Topics.aliveBrokers(admin(), Duration.ofSeconds(1)) >= 1) {
          return;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        kill();
        throw new KafkaSandboxException(
            "forked Kafka did not serve within " + READY_TIMEOUT + "; see " + logFile
                + "\n" + tail(readLog(logOffset)));
      }
      Waits.pause();
    }
  }

  private Process launch() {
    List<String> cmd =
        ChildJvm.command(
            JVM_OPTIONS,
            classpath,
            ForkedBrokerMain.class.getName(),
            List.of(propertiesFile.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dataDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    // stdin stays a pipe from this JVM: the child's watchdog halts it when the pipe closes
    try {
      Process p = pb.start();
      ExitGuard.track(p);
      p.onExit().thenAccept(ExitGuard::untrack);
      process = p;
      return p;
    } catch (IOException e) {
      throw new KafkaSandboxException("cannot start " + cmd.get(0), e);
    }
  }

  @Override
  public long pid() {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException("no broker process was started");
    }
    return p.pid();
  }

  @Override
  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  @Override
  public OptionalInt exitCode() {
    Process p = process;
    return p == null || p.isAlive() ? OptionalInt.empty() : OptionalInt.of(p.exitValue());
  }

  @Override
  public void kill() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroyForcibly();
    await(p, STOP_TIMEOUT, "the killed broker to exit");
  }

  @Override
  public void stop() {
    ensureOpen();
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    // SIGTERM without closing the child's stdin (Process.destroy() would, and the child's
    // watchdog would take that for a dead parent and cut the graceful shutdown short)
    p.toHandle().destroy();
    if (!await(p, STOP_TIMEOUT, null)) {
      LOG.warn("forked broker {} ignored SIGTERM for {}; killing it", p.pid(), STOP_TIMEOUT);
      kill();
    }
  }

  @Override
  public void restart() {
    ensureOpen();
    stop();
    for (int attempt = 1; ; attempt++) {
      try {
        launchAndAwait();
        return;
      } catch (PortTaken e) {
        // same ports by contract: the old socket may linger a moment
        if (attempt >= ATTEMPTS) {
          throw new KafkaSandboxException(
              "cannot restart: port " + brokerPort + " or the controller port stays taken", e);
        }
        Waits.pause();
      }
    }
  }

  @Override
  protected void stopNodes() {
    kill();
  }

  private static boolean await(Process p, Duration timeout, String failure) {
    try {
      boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited && failure != null) {
        throw new KafkaSandboxException("timed out after " + timeout + " waiting for " + failure);
      }
      return exited;
    } catch (InterruptedException e) {
      throw Waits.interrupted("waiting for the broker process", e);
    }
  }

  private long logSize() {
    try {
      return Files.exists(logFile) ? Files.size(logFile) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private String readLog(long offset) {
    try (InputStream in = Files.newInputStream(logFile)) {
      in.skipNBytes(offset);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  private static String tail(String log) {
    int max = 4000;
    return log.length() <= max ? log : "..." + log.substring(log.length() - max);
  }

  /** The child could not bind a port. */
  private static final class PortTaken extends KafkaSandboxException {
    private static final long serialVersionUID = 1L;

    PortTaken(String message) {
      super(message);
    }
  }
}
