package io.kcp.deploy.internal;

import io.kcp.audit.AuditLog;
import io.kcp.core.ConsumerEngine;
import io.kcp.deploy.InstanceContext;
import io.kcp.deploy.InstanceLauncher;
import io.kcp.deploy.RebalanceEvent;
import io.kcp.deploy.RebalanceRecorder;
import io.kcp.deploy.RunningInstance;
import io.kcp.deploy.Version;
import java.time.Duration;
import java.util.List;

/** Each instance an engine in this JVM, with its own threads, audit log and rebalance recorder. */
public final class InProcessLauncher implements InstanceLauncher {

  @Override
  public RunningInstance start(Version version, InstanceContext context) {
    AuditLog log = AuditLog.open(context.auditFile());
    RebalanceRecorder recorder = RebalanceRecorder.inMemory(context.runId());
    InstanceContext own = InstanceContext.of(context.version(), context.slot(), context.runId(),
        context.bootstrapServers(), context.group(), context.topic(), context.auditFile(),
        context.eventsFile(), recorder).withAuditLog(log);
    ConsumerEngine engine;
    try {
      engine = version.recipe().engine(own);
      engine.start();
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
    return new Instance(own, engine, log, recorder);
  }

  private static final class Instance implements RunningInstance {
    private final InstanceContext context;
    private final ConsumerEngine engine;
    private final AuditLog log;
    private final RebalanceRecorder recorder;

    Instance(InstanceContext context, ConsumerEngine engine, AuditLog log, RebalanceRecorder recorder) {
      this.context = context;
      this.engine = engine;
      this.log = log;
      this.recorder = recorder;
    }

    @Override
    public InstanceContext context() {
      return context;
    }

    @Override
    public boolean alive() {
      return !engine.state().isTerminal();
    }

    @Override
    public void stop(Duration grace) {
      try {
        engine.close(grace);
      } finally {
        log.close();
      }
    }

    @Override
    public void kill() {
      throw new UnsupportedOperationException("an instance in this JVM cannot be SIGKILLed: use the jvm launcher");
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
