package io.kcp.sandbox;

import io.kcp.sandbox.internal.ForkedSandbox;
import io.kcp.sandbox.internal.InProcessSandbox;
import io.kcp.sandbox.internal.SandboxSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;

/**
 * A real Apache Kafka cluster in KRaft mode, started from the Kafka jars on the classpath: one
 * combined broker+controller node, or one dedicated controller plus three brokers, in this JVM
 * or (single node) in a forked JVM that can be killed.
 *
 * <p>Closing the sandbox stops every node and deletes its data directory.
 *
 * <pre>{@code
 * try (KafkaSandbox kafka = KafkaSandbox.builder().start()) {
 *   kafka.createTopic("orders", 3, 1);
 *   // clients use kafka.bootstrapServers()
 * }
 * }</pre>
 */
public interface KafkaSandbox extends AutoCloseable {

  /** The {@code bootstrap.servers} value for clients, e.g. {@code localhost:40123}. */
  String bootstrapServers();

  /**
   * Creates a topic and waits until every partition has a leader. An existing topic with the
   * same partition count is accepted as is.
   *
   * @throws IllegalStateException if the topic exists with another partition count
   * @throws KafkaSandboxException if the topic cannot be created or does not become ready
   */
  void createTopic(String name, int partitions, int replicationFactor);

  /** An {@link Admin} client owned by the sandbox; do not close it, {@link #close()} does. */
  Admin admin();

  /**
   * What a client needs besides {@code bootstrap.servers} to use the sandbox: nothing for a plain
   * sandbox; for a {@link Builder#secured(boolean) secured} one the super user's SASL_SSL
   * settings (the same as {@link SandboxSecurity#admin()}'s client properties).
   */
  Map<String, Object> clientConfig();

  /** The users, ACLs and certificates of a secured sandbox; empty for a plain one. */
  Optional<SandboxSecurity> security();

  /** How many brokers serve clients (1 or 3; a dedicated controller is not counted). */
  int brokerCount();

  /** The root directory holding every node's logs and configuration; deleted by {@link #close()}. */
  Path dataDir();

  /** Stops every node and deletes {@link #dataDir()}. Calling it again does nothing. */
  @Override
  void close();

  /** Returns a builder; by default one in-process node on free ports. */
  static Builder builder() {
    return new Builder();
  }

  /** Starts a single in-process node on free ports: {@code builder().start()}. */
  static KafkaSandbox start() {
    return builder().start();
  }

  /** Settings of a sandbox to start. Not thread-safe; one builder may start several sandboxes. */
  final class Builder {
    private int brokers = 1;
    private int port;
    private boolean forked;
    private boolean secured;
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();

    private Builder() {}

    /**
     * How many brokers: 1 (one combined broker+controller node, the default) or 3 (one dedicated
     * controller and three broker-only nodes).
     */
    public Builder brokers(int brokers) {
      if (brokers != 1 && brokers != 3) {
        throw new IllegalArgumentException("brokers must be 1 or 3, was " + brokers);
      }
      this.brokers = brokers;
      return this;
    }

    /** A fixed client port for the single broker; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** A broker configuration property, applied last (it overrides the sandbox's own choice). */
    public Builder brokerProperty(String key, String value) {
      if (key == null || key.isBlank() || value == null) {
        throw new IllegalArgumentException("brokerProperty needs a key and a value");
      }
      brokerProperties.put(key, value);
      return this;
    }

    /** Whether the single node runs in a separate JVM (see {@link ForkedKafkaSandbox}). */
    public Builder forked(boolean forked) {
      this.forked = forked;
      return this;
    }

    /**
     * Whether clients must use TLS and SCRAM-SHA-512 and are bound by ACLs (see {@link
     * SandboxSecurity}); default false, a PLAINTEXT listener open to everyone. Secured, the
     * client listener (the {@link #port(int) port}) is {@code SASL_SSL}, also used between
     * brokers; the controller listener is TLS that admits only the broker certificate.
     */
    public Builder secured(boolean secured) {
      this.secured = secured;
      return this;
    }

    /**
     * Starts the sandbox and returns when it serves clients; a {@link ForkedKafkaSandbox} if
     * {@link #forked(boolean) forked}.
     *
     * @throws IllegalStateException if the settings do not go together
     * @throws KafkaSandboxException if the cluster does not start
     */
    public KafkaSandbox start() {
      SandboxSpec spec = spec();
      return forked ? ForkedSandbox.start(spec) : InProcessSandbox.start(spec);
    }

    /** Starts a single node in a forked JVM, whatever {@link #forked(boolean)} says. */
    public ForkedKafkaSandbox startForked() {
      forked = true;
      return ForkedSandbox.start(spec());
    }

    private SandboxSpec spec() {
      if (brokers != 1 && port != 0) {
        throw new IllegalStateException("a fixed port is only supported with one broker");
      }
      if (brokers != 1 && forked) {
        throw new IllegalStateException("a forked sandbox runs one broker; use brokers(1)");
      }
      return new SandboxSpec(brokers, port, secured, brokerProperties);
    }
  }
}
