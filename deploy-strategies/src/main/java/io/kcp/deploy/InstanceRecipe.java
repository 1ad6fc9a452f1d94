package io.kcp.deploy;

import io.kcp.core.ConsumerEngine;
import java.util.List;

/**
 * How one instance of a version runs: as an engine in this JVM ({@link InstanceLauncher#inProcess()})
 * or as a JVM process of its own ({@link InstanceLauncher#jvm()}, which a test can SIGKILL). Both
 * get the instance's {@link InstanceContext}: its slot, its run id, its audit and event files.
 */
public interface InstanceRecipe {

  /**
   * The engine of one instance, not started. It must audit what it handles through {@link
   * InstanceContext#audited} and report its rebalances to {@link InstanceContext#listener()}, and
   * name its consumers' client ids after {@link InstanceContext#runId()}
   * ({@code EngineConfig...settings(settings.toBuilder().clientId(runId))}), so the deployment can
   * tell its members in the group.
   */
  ConsumerEngine engine(InstanceContext context);

  /**
   * The command line that runs one instance as a JVM process of its own, with the same duties
   * as {@link #engine}: the audit file {@link InstanceContext#auditFile()} with {@link
   * InstanceContext#runId()} as the handler id, rebalance events appended to {@link
   * InstanceContext#eventsFile()}, client ids after the run id, and a graceful stop on SIGTERM.
   *
   * @throws UnsupportedOperationException if this recipe cannot run as a process
   */
  default List<String> command(InstanceContext context) {
    throw new UnsupportedOperationException("this version cannot run as a JVM process: give its"
        + " recipe a command(...), or use the in-process launcher");
  }
}
