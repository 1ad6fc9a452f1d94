package io.kcp.deploy.internal;

import io.kcp.audit.AuditLog;
import io.kcp.core.ConsumerEngine;
import io.kcp.deploy.DeploymentException;
import io.kcp.deploy.InstanceContext;
import io.kcp.deploy.InstanceLauncher;
import io.kcp.deploy.RebalanceEvent;
import io.kcp.deploy.RebalanceRecorder;
import io.kcp.deploy.RunningInstance;
import io.kcp.deploy.Version;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Each instance an engine in this JVM, with its own threads, audit log and rebalance recorder. A
 * standby instance has its engine built and the topic's metadata fetched; each activation starts
 * a fresh engine (an engine runs once), all of them auditing into the instance's one file.
 */
public final class InProcessLauncher implements InstanceLauncher {

  @Override
  public RunningInstance start(Version version, InstanceContext context) {
    Instance instance = open(version, context);
    instance.activate();
    return instance;
  }

  @Override
  public RunningInstance standby(Version version, InstanceContext context) {
    Instance instance = open(version, context);
    try (Admin admin = Admin.create(context.clientConfig())) {
      admin.describeTopics(List.of(context.topic())).allTopicNames().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      instance.stop(Duration.ZERO);
      throw new DeploymentException("standby " + context + " cannot fetch the metadata of " + context.topic()
          + " from " + context.bootstrapServers() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      instance.stop(Duration.ZERO);
      throw new DeploymentException("interrupted while " + context + " warmed up", e);
    }
    return instance;
  }

  private static Instance open(Version version, InstanceContext context) {
    AuditLog log = AuditLog.open(context.auditFile());
    RebalanceRecorder recorder = RebalanceRecorder.inMemory(context.runId());
    InstanceContext own = context.withListener(recorder).withAuditLog(log);
    try {
      return new Instance(version, own, log, recorder);
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
  }

  private static final class Instance implements RunningInstance {
    private final Version version;
    private final InstanceContext context;
    private final AuditLog log;
    private final RebalanceRecorder recorder;
    private ConsumerEngine next; // built, not started: the next activation's engine
    private ConsumerEngine engine; // started, or null
    private boolean stopped;

    Instance(Version version, InstanceContext context, AuditLog log, RebalanceRecorder recorder) {
      this.version = version;
      this.context = context;
      this.log = log;
      this.recorder = recorder;
      this.next = version.recipe().engine(context);
    }

    @Override
    public InstanceContext context() {
      return context;
    }

    @Override
    public synchronized boolean alive() {
      return !stopped && (engine == null || !engine.state().isTerminal());
    }

    @Override
    public synchronized boolean consuming() {
      return engine != null && !engine.state().isTerminal();
    }

    @Override
    public synchronized void activate() {
      if (stopped) {
        throw new IllegalStateException(context + " was stopped");
      }
      if (consuming()) {
        return;
      }
      ConsumerEngine e = next != null ? next : version.recipe().engine(context);
      next = null;
      e.start();
      engine = e;
    }

    @Override
    public synchronized void deactivate(Duration grace) {
      if (engine == null) {
        return;
      }
      try {
        engine.close(grace);
      } finally {
        engine = null;
        next = version.recipe().engine(context); // warm again
      }
    }

    @Override
    public synchronized void stop(Duration grace) {
      if (stopped) {
        return;
      }
      stopped = true;
      try {
        if (engine != null) {
          engine.close(grace);
        }
      } finally {
        engine = null;
        next = null;
        log.close();
      }
    }

    @Override
    public void kill() {
      throw new UnsupportedOperationException("an instance in this JVM cannot be SIGKILLed: use the jvm launcher");
    }

    @Override
    public synchronized java.util.Optional<io.kcp.core.EngineMetrics> metrics() {
      return engine == null ? java.util.Optional.empty() : java.util.Optional.of(engine.metrics());
    }

    @Override
    public List<RebalanceEvent> events() {
      return recorder.events();
    }

    @Override
    public String toString() {
      return context.toString();
    }
  }
}
