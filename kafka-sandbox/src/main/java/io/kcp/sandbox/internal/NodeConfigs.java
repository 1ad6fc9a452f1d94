package io.kcp.sandbox.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Configuration of the sandbox's KRaft nodes: a combined broker+controller node, or a dedicated
 * controller and broker-only nodes. Sized for a small heap; user properties win.
 */
public final class NodeConfigs {
  /** Listener name of the controller quorum. */
  public static final String CONTROLLER = "CONTROLLER";

  /** Listener name clients use. */
  public static final String PLAINTEXT = "PLAINTEXT";

  /** Listener name clients (and brokers among themselves) use in a secured sandbox. */
  public static final String SASL_SSL = "SASL_SSL";

  private static final String HOST = "localhost";

  private NodeConfigs() {}

  /** One node that is both broker and the single controller voter. */
  public static Properties combined(
      int nodeId, int brokerPort, int controllerPort, Path logDir, Map<String, String> user) {
    return combined(nodeId, brokerPort, controllerPort, logDir, null, user);
  }

  /** The same, secured if {@code security} is not null. */
  public static Properties combined(
      int nodeId,
      int brokerPort,
      int controllerPort,
      Path logDir,
      SecuredSetup security,
      Map<String, String> user) {
    Properties p = common(nodeId, nodeId, controllerPort, logDir, security);
    String client = clientListener(security);
    p.setProperty("process.roles", "broker,controller");
    p.setProperty(
        "listeners",
        client + "://" + HOST + ":" + brokerPort + "," + CONTROLLER + "://" + HOST + ":"
            + controllerPort);
    p.setProperty("advertised.listeners", client + "://" + HOST + ":" + brokerPort);
    brokerDefaults(p, 1);
    p.putAll(user);
    return p;
  }

  /** The dedicated controller (single voter) of a multi-broker cluster. */
  public static Properties controller(
      int nodeId, int controllerPort, Path logDir, int brokerCount, Map<String, String> user) {
    return controller(nodeId, controllerPort, logDir, brokerCount, null, user);
  }

  /** The same, secured if {@code security} is not null. */
  public static Properties controller(
      int nodeId,
      int controllerPort,
      Path logDir,
      int brokerCount,
      SecuredSetup security,
      Map<String, String> user) {
    Properties p = common(nodeId, nodeId, controllerPort, logDir, security);
    p.setProperty("process.roles", "controller");
    p.setProperty("listeners", CONTROLLER + "://" + HOST + ":" + controllerPort);
    // the controller validates the cluster-wide defaults too; keep them consistent
    brokerDefaults(p, brokerCount);
    p.putAll(user);
    return p;
  }

  /** A broker-only node of a multi-broker cluster. */
  public static Properties broker(
      int nodeId,
      int brokerPort,
      int controllerId,
      int controllerPort,
      Path logDir,
      int brokerCount,
      Map<String, String> user) {
    return broker(nodeId, brokerPort, controllerId, controllerPort, logDir, brokerCount, null, user);
  }

  /** The same, secured if {@code security} is not null. */
  public static Properties broker(
      int nodeId,
      int brokerPort,
      int controllerId,
      int controllerPort,
      Path logDir,
      int brokerCount,
      SecuredSetup security,
      Map<String, String> user) {
    Properties p = common(nodeId, controllerId, controllerPort, logDir, security);
    String client = clientListener(security);
    p.setProperty("process.roles", "broker");
    p.setProperty("listeners", client + "://" + HOST + ":" + brokerPort);
    p.setProperty("advertised.listeners", client + "://" + HOST + ":" + brokerPort);
    brokerDefaults(p, brokerCount);
    p.putAll(user);
    return p;
  }

  /** The {@code bootstrap.servers} string for broker ports. */
  public static String bootstrap(int... brokerPorts) {
    StringBuilder sb = new StringBuilder();
    for (int port : brokerPorts) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(HOST).append(':').append(port);
    }
    return sb.toString();
  }

  private static String clientListener(SecuredSetup security) {
    return security == null ? PLAINTEXT : SASL_SSL;
  }

  private static Properties common(
      int nodeId, int controllerId, int controllerPort, Path logDir, SecuredSetup security) {
    Properties p = new Properties();
    p.setProperty("node.id", Integer.toString(nodeId));
    p.setProperty("controller.quorum.voters", controllerId + "@" + HOST + ":" + controllerPort);
    p.setProperty("controller.listener.names", CONTROLLER);
    String client = clientListener(security);
    // secured, the controller listener is TLS with client certificates: only a holder of the
    // broker's key (the brokers) gets in
    String controller = security == null ? "PLAINTEXT" : "SSL";
    p.setProperty(
        "listener.security.protocol.map",
        CONTROLLER + ":" + controller + "," + client + ":" + client);
    p.setProperty("log.dirs", logDir.toAbsolutePath().toString());
    if (security != null) {
      p.setProperty("inter.broker.listener.name", SASL_SSL);
      p.putAll(security.nodeProperties(SASL_SSL, CONTROLLER));
    }
    return p;
  }

  /**
   * Internal topics sized for the cluster: with one broker replication factor 1 and one
   * partition; with three, replication factor 3, min ISR 2 (one broker may be down) and three
   * partitions so group and transaction coordinators spread over the brokers. Without the
   * replication factor 1 settings a single broker never creates {@code __consumer_offsets} and
   * groups hang.
   */
  private static void brokerDefaults(Properties p, int brokers) {
    String rf = Integer.toString(Math.min(brokers, 3));
    String minIsr = brokers >= 3 ? "2" : "1";
    String partitions = Integer.toString(brokers);
    p.setProperty("offsets.topic.replication.factor", rf);
    p.setProperty("offsets.topic.num.partitions", partitions);
    p.setProperty("transaction.state.log.replication.factor", rf);
    p.setProperty("transaction.state.log.min.isr", minIsr);
    p.setProperty("transaction.state.log.num.partitions", partitions);
    p.setProperty("share.coordinator.state.topic.replication.factor", rf);
    p.setProperty("share.coordinator.state.topic.min.isr", minIsr);
    p.setProperty("share.coordinator.state.topic.num.partitions", partitions);
    // the first consumer joining a group is not held back 3 s waiting for more members
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // share groups ready to use: a member gets its first records after ~2.5 s instead of ~6 s, and a
    // group may set a record lock as short as 1 s (share.record.lock.duration.ms) to show a crash's
    // records coming back, or a lock renewal, within a test's time
    p.setProperty("group.share.heartbeat.interval.ms", "1000");
    p.setProperty("group.share.min.heartbeat.interval.ms", "500");
    p.setProperty("group.share.min.record.lock.duration.ms", "1000");
    // the log cleaner's dedupe buffer defaults to 128 MiB; a sandbox does not need it
    p.setProperty("log.cleaner.dedupe.buffer.size", "8388608");
  }
}
