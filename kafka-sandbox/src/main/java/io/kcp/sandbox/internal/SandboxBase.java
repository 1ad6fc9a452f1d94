package io.kcp.sandbox.internal;

import io.kcp.sandbox.KafkaSandbox;
import io.kcp.sandbox.SandboxSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** What every sandbox shares: its root directory, its admin client, topics, close once. */
public abstract class SandboxBase implements KafkaSandbox {
  private final Path root;
  private final int brokers;
  private final SecuredSetup security;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile String bootstrap;
  private volatile Admin admin;

  /** A sandbox whose files live under {@code root}; secured if {@code security} is not null. */
  protected SandboxBase(Path root, int brokers, SecuredSetup security) {
    this.root = root;
    this.brokers = brokers;
    this.security = security;
  }

  /**
   * Sets the bootstrap servers and opens the shared admin client (as the super user if
   * secured).
   */
  protected final void connect(String bootstrapServers) {
    ExitGuard.trackSandbox(this); // from here on, JVM exit closes it properly
    this.bootstrap = bootstrapServers;
    this.admin = newAdmin(bootstrapServers, clientConfig());
    if (security != null) {
      security.attach(bootstrapServers, this::admin);
    }
  }

  /** Whether {@link #connect(String)} was called (and not undone). */
  protected final boolean isConnected() {
    return admin != null;
  }

  /** Closes the shared admin client, e.g. before trying other ports. */
  protected final void disconnect() {
    Admin a = admin;
    admin = null;
    bootstrap = null;
    if (a != null) {
      a.close(Duration.ofSeconds(1));
    }
  }

  /** An admin client for these bootstrap servers with the client settings on top. */
  static Admin newAdmin(String bootstrapServers, Map<String, Object> clientConfig) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "kcp-sandbox-admin");
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    return Admin.create(config);
  }

  @Override
  public Map<String, Object> clientConfig() {
    return security == null ? Map.of() : security.adminClientConfig();
  }

  @Override
  public Optional<SandboxSecurity> security() {
    return Optional.ofNullable(security);
  }

  @Override
  public String bootstrapServers() {
    ensureOpen();
    return bootstrap;
  }

  @Override
  public Admin admin() {
    ensureOpen();
    return admin;
  }

  @Override
  public int brokerCount() {
    return brokers;
  }

  @Override
  public Path dataDir() {
    return root;
  }

  @Override
  public void createTopic(String name, int partitions, int replicationFactor) {
    Topics.create(admin(), brokers, name, partitions, replicationFactor);
  }

  /**
   * Stops the brokers, then deletes the directory. Idempotent; a caller that comes while another
   * thread closes (a shutdown hook, say) waits until the close is done.
   */
  @Override
  public final synchronized void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ExitGuard.untrackSandbox(this);
    try {
      Admin a = admin;
      if (a != null) {
        a.close(Duration.ofSeconds(5));
      }
    } finally {
      try {
        stopNodes();
      } finally {
        Storage.deleteRecursively(root);
        ExitGuard.untrackDirectory(root);
      }
    }
  }

  /** Stops every node; called once by {@link #close()}, before the directory is deleted. */
  protected abstract void stopNodes();

  /** Whether {@link #close()} was called. */
  protected final boolean isClosed() {
    return closed.get();
  }

  /** Fails if closed. */
  protected final void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the sandbox is closed");
    }
  }
}
