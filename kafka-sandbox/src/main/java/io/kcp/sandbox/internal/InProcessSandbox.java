package io.kcp.sandbox.internal;

import io.kcp.sandbox.KafkaSandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code KafkaRaftServer} nodes in this JVM: one combined node, or a dedicated controller (node
 * 0) and brokers 1..n. Storage is formatted with {@code kafka-storage format} first.
 *
 * <p>A fatal fault inside a broker makes Kafka halt the JVM, as it would for a real broker; use
 * the forked sandbox where that must not take the caller down.
 */
public final class InProcessSandbox extends SandboxBase {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessSandbox.class);
  private static final int ATTEMPTS = 5;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final int CONTROLLER_ID = 0;

  /** Started servers in start order (controller first). */
  private final List<KafkaRaftServer> servers;

  private InProcessSandbox(
      Path root, int brokers, SecuredSetup security, List<KafkaRaftServer> servers) {
    super(root, brokers, security);
    this.servers = servers;
  }

  /** Starts the nodes, retrying on fresh ports if a picked port was taken meanwhile. */
  public static InProcessSandbox start(SandboxSpec spec) {
    if (spec.port() != 0) {
      Ports.requireFree(spec.port());
    }
    Path root = Storage.newRoot();
    ExitGuard.trackDirectory(root);
    try {
      for (int attempt = 1; ; attempt++) {
        int[] brokerPorts;
        List<KafkaRaftServer> started = new ArrayList<>();
        SecuredSetup security = null;
        try {
          // inside the attempt: a retry starts from an empty directory
          security = spec.secured() ? SecuredSetup.create(root) : null;
          brokerPorts = startNodes(spec, root, security, started);
        } catch (RuntimeException e) {
          shutdown(started);
          Storage.deleteRecursively(root);
          if (Ports.isBindFailure(e) && attempt < ATTEMPTS) {
            LOG.warn("a port was taken (attempt {}), retrying on other ports: {}", attempt, e.getMessage());
            continue;
          }
          throw e instanceof KafkaSandboxException
              ? e
              : new KafkaSandboxException("in-process Kafka did not start: " + e, e);
        }
        InProcessSandbox sandbox = new InProcessSandbox(root, spec.brokers(), security, started);
        try {
          sandbox.connect(NodeConfigs.bootstrap(brokerPorts));
          Waits.until(
              READY_TIMEOUT,
              spec.brokers() + " broker(s) to answer describeCluster",
              () -> Topics.aliveBrokers(sandbox.admin(), Duration.ofSeconds(2)) == spec.brokers());
        } catch (RuntimeException e) {
          sandbox.close();
          throw e;
        }
        return sandbox;
      }
    } catch (RuntimeException | Error e) {
      Storage.deleteRecursively(root);
      ExitGuard.untrackDirectory(root);
      throw e;
    }
  }

  private static int[] startNodes(
      SandboxSpec spec, Path dir, SecuredSetup security, List<KafkaRaftServer> started) {
    String clusterId = Uuid.randomUuid().toString();
    List<Properties> nodes = new ArrayList<>();
    int[] brokerPorts;
    if (spec.brokers() == 1) {
      int[] picked = Ports.pickFree(2);
      int brokerPort = spec.port() != 0 ? spec.port() : picked[0];
      brokerPorts = new int[] {brokerPort};
      nodes.add(
          NodeConfigs.combined(
              1, brokerPort, picked[1], dir.resolve("node-1"), security, spec.brokerProperties()));
    } else {
      int[] picked = Ports.pickFree(spec.brokers() + 1);
      int controllerPort = picked[0];
      nodes.add(
          NodeConfigs.controller(
              CONTROLLER_ID,
              controllerPort,
              dir.resolve("node-" + CONTROLLER_ID),
              spec.brokers(),
              security,
              spec.brokerProperties()));
      brokerPorts = new int[spec.brokers()];
      for (int i = 1; i <= spec.brokers(); i++) {
        brokerPorts[i - 1] = picked[i];
        nodes.add(
            NodeConfigs.broker(
                i,
                picked[i],
                CONTROLLER_ID,
                controllerPort,
                dir.resolve("node-" + i),
                spec.brokers(),
                security,
                spec.brokerProperties()));
      }
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    for (Properties props : nodes) {
      Path file = dir.resolve("node-" + props.getProperty("node.id") + ".properties");
      Storage.writeProperties(props, file);
      if (security == null) {
        Storage.format(file, clusterId);
      } else {
        Storage.format(file, clusterId, security.formatArguments(), security.secrets());
      }
    }
    for (Properties props : nodes) {
      started.add(new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM));
    }
    // the combined node or the controller first; brokers wait until they are unfenced, so
    // start them side by side
    started.get(0).startup();
    List<KafkaRaftServer> brokers = started.subList(1, started.size());
    if (!brokers.isEmpty()) {
      Executor threadPerBroker = task -> new Thread(task, "kcp-sandbox-broker-start").start();
      CompletableFuture<?>[] startups =
          brokers.stream()
              .map(b -> CompletableFuture.runAsync(b::startup, threadPerBroker))
              .toArray(CompletableFuture<?>[]::new);
      try {
        CompletableFuture.allOf(startups).join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof RuntimeException ? (RuntimeException) cause : e;
      }
    }
    return brokerPorts;
  }

  @Override
  protected void stopNodes() {
    shutdown(servers);
  }

  /** Shuts down brokers (in parallel) and then the controller. */
  private static void shutdown(List<KafkaRaftServer> servers) {
    List<Thread> threads = new ArrayList<>();
    List<KafkaRaftServer> reversed = new ArrayList<>(servers);
    Collections.reverse(reversed);
    KafkaRaftServer last = reversed.isEmpty() ? null : reversed.remove(reversed.size() - 1);
    for (KafkaRaftServer s : reversed) {
      Thread t = new Thread(() -> shutdownQuietly(s), "kcp-sandbox-shutdown");
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (last != null) {
      shutdownQuietly(last);
    }
  }

  private static void shutdownQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("a Kafka node did not shut down cleanly", e);
    }
  }
}
