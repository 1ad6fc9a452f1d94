package io.kcp.deploy.internal;

import io.kcp.deploy.DeploymentException;
import io.kcp.deploy.InstanceContext;
import io.kcp.deploy.InstanceLauncher;
import io.kcp.deploy.RebalanceEvent;
import io.kcp.deploy.RebalanceRecorder;
import io.kcp.deploy.RunningInstance;
import io.kcp.deploy.Version;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Each instance a JVM process of its own, started from its version's command line: stopped with
 * SIGTERM (the process's shutdown hook drains, commits and leaves), killed with SIGKILL. Its
 * output goes to {@code <runId>.out} beside its audit file.
 */
public final class JvmLauncher implements InstanceLauncher {

  @Override
  public RunningInstance start(Version version, InstanceContext context) {
    List<String> command = version.recipe().command(context);
    Path out = context.auditFile().resolveSibling(context.runId() + ".out");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      return new Instance(context, process, out);
    } catch (IOException e) {
      throw new DeploymentException("cannot start " + context + ": " + e.getMessage(), e);
    }
  }

  @Override
  public RunningInstance standby(Version version, InstanceContext context) {
    throw new UnsupportedOperationException("a JVM process instance cannot wait warm on standby yet (blue/green,"
        + " canary's stable side): use the in-process launcher for " + context);
  }

  private static final class Instance implements RunningInstance {
    private final InstanceContext context;
    private final Process process;
    private final Path out;

    Instance(InstanceContext context, Process process, Path out) {
      this.context = context;
      this.process = process;
      this.out = out;
    }

    @Override
    public InstanceContext context() {
      return context;
    }

    @Override
    public boolean alive() {
      return process.isAlive();
    }

    @Override
    public boolean consuming() {
      return process.isAlive();
    }

    @Override
    public void activate() {
      if (!process.isAlive()) {
        throw new IllegalStateException(context + " has ended");
      }
    }

    @Override
    public void deactivate(Duration grace) {
      throw new UnsupportedOperationException("a JVM process instance cannot stop consuming and stay up yet: stop it");
    }

    @Override
    public void stop(Duration grace) {
      process.destroy(); // SIGTERM: the shutdown hook closes the engine
      try {
        if (!process.waitFor(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }

    @Override
    public void kill() {
      process.destroyForcibly(); // SIGKILL
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public List<RebalanceEvent> events() {
      return RebalanceRecorder.read(context.runId(), context.eventsFile());
    }

    @Override
    public String toString() {
      return context + " (pid " + process.pid() + ", output " + out + ")";
    }
  }
}
