package io.kcp.deploy;

import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import io.kcp.core.EngineListener;
import io.kcp.core.RecordHandler;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where and as what one instance runs: its version, its slot (the stable place it fills in the
 * fleet, reused by its replacement — what a static member's instance id is made of), its run id
 * (unique per start, the prefix of its consumers' client ids and the handler id of its audit
 * lines), the group and topic, and its files.
 */
public final class InstanceContext {
  private final String version;
  private final String slot;
  private final String runId;
  private final String bootstrapServers;
  private final String group;
  private final String topic;
  private final Path auditFile;
  private final Path eventsFile;
  private final EngineListener listener;
  private final AuditLog auditLog;
  private final CanaryAssignor.Role role;
  private final Map<String, String> groupProperties;
  private final Map<String, Object> clientProperties;

  private InstanceContext(String version, String slot, String runId, String bootstrapServers, String group,
      String topic, Path auditFile, Path eventsFile, EngineListener listener, AuditLog auditLog,
      CanaryAssignor.Role role, Map<String, String> groupProperties, Map<String, Object> clientProperties) {
    this.version = version;
    this.slot = slot;
    this.runId = runId;
    this.bootstrapServers = bootstrapServers;
    this.group = group;
    this.topic = topic;
    this.auditFile = auditFile;
    this.eventsFile = eventsFile;
    this.listener = listener;
    this.auditLog = auditLog;
    this.role = role;
    this.groupProperties = groupProperties;
    this.clientProperties = clientProperties;
  }

  /**
   * A context (launchers and deployments make them; a test may too).
   *
   * @param listener where an in-process engine reports its rebalances
   */
  public static InstanceContext of(String version, String slot, String runId, String bootstrapServers,
      String group, String topic, Path auditFile, Path eventsFile, EngineListener listener) {
    return new InstanceContext(Objects.requireNonNull(version, "version"), Objects.requireNonNull(slot, "slot"),
        Objects.requireNonNull(runId, "runId"), Objects.requireNonNull(bootstrapServers, "bootstrapServers"),
        Objects.requireNonNull(group, "group"), Objects.requireNonNull(topic, "topic"),
        Objects.requireNonNull(auditFile, "auditFile"), Objects.requireNonNull(eventsFile, "eventsFile"),
        Objects.requireNonNull(listener, "listener"), null, CanaryAssignor.Role.STABLE, Map.of(), Map.of());
  }

  /** This context, auditing in-process into {@code log} (the in-process launcher opens it). */
  public InstanceContext withAuditLog(AuditLog log) {
    return new InstanceContext(version, slot, runId, bootstrapServers, group, topic, auditFile, eventsFile,
        listener, Objects.requireNonNull(log, "log"), role, groupProperties, clientProperties);
  }

  /** This context, its engine reporting rebalances to {@code listener}. */
  public InstanceContext withListener(EngineListener listener) {
    return new InstanceContext(version, slot, runId, bootstrapServers, group, topic, auditFile, eventsFile,
        Objects.requireNonNull(listener, "listener"), auditLog, role, groupProperties, clientProperties);
  }

  /**
   * This context as a member of a canary deployment's group: its role, and the consumer
   * properties that make it join with the {@link CanaryAssignor} ({@link #groupProperties()}).
   */
  public InstanceContext withCanary(CanaryAssignor.Role role, Map<String, String> groupProperties) {
    return new InstanceContext(version, slot, runId, bootstrapServers, group, topic, auditFile, eventsFile,
        listener, auditLog, Objects.requireNonNull(role, "role"), Map.copyOf(groupProperties), clientProperties);
  }

  /**
   * This context with the user's Kafka client settings (security, timeouts, ...), which every
   * client of the instance should take; {@code bootstrap.servers} stays {@link
   * #bootstrapServers()}.
   */
  public InstanceContext withClientProperties(Map<String, ?> clientProperties) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>(clientProperties);
    copy.remove("bootstrap.servers");
    return new InstanceContext(version, slot, runId, bootstrapServers, group, topic, auditFile, eventsFile,
        listener, auditLog, role, groupProperties, java.util.Collections.unmodifiableMap(copy));
  }

  /**
   * The user's Kafka client settings for every client of this instance, without {@code
   * bootstrap.servers}; empty unless the deployment was given some ({@link
   * DeploymentConfig.Builder#clientProperties}). Secrets are in clear text: do not print them.
   */
  public Map<String, Object> clientProperties() {
    return clientProperties;
  }

  /** {@link #clientProperties()} plus {@code bootstrap.servers}: a ready client configuration. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = new java.util.LinkedHashMap<>(clientProperties);
    config.put("bootstrap.servers", bootstrapServers);
    return config;
  }

  /**
   * Its side in a canary deployment: {@code CANARY} for the new version's instances while it is
   * tried on a share of the partitions, else {@code STABLE}. A canary's engine should retry a
   * failing record and never dead-letter it ({@code ErrorPolicy...noDeadLetterTopic()} with
   * enough attempts): the record then stays uncommitted, the analysis sees the partition stall,
   * and after a rollback the stable version handles it — a bad canary costs no record.
   */
  public CanaryAssignor.Role role() {
    return role;
  }

  /**
   * Consumer properties the deployment gives this instance's consumers (a canary deployment's
   * assignor and its keys); empty for the others. The recipe passes them on with {@code
   * ConsumerSettings.Builder#pluginProperties}.
   */
  public Map<String, String> groupProperties() {
    return groupProperties;
  }

  /** The version's name. */
  public String version() {
    return version;
  }

  /** The slot this instance fills, e.g. {@code i1}: the same for an instance and its replacement. */
  public String slot() {
    return slot;
  }

  /** Unique per start, e.g. {@code v2-i1-4}: client id prefix and audit handler id. */
  public String runId() {
    return runId;
  }

  /** The cluster. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The consumer group. */
  public String group() {
    return group;
  }

  /** The topic. */
  public String topic() {
    return topic;
  }

  /** Where the instance's audit lines go. */
  public Path auditFile() {
    return auditFile;
  }

  /** Where a process instance appends its rebalance events ({@link RebalanceRecorder#toFile}). */
  public Path eventsFile() {
    return eventsFile;
  }

  /** The listener an in-process engine reports its rebalances to. */
  public EngineListener listener() {
    return listener;
  }

  /**
   * {@code handler}, auditing every record it finishes into this instance's audit file with the
   * run id as handler id (in-process instances; a process instance audits itself).
   *
   * @throws IllegalStateException for a process instance's context
   */
  public <K, V> RecordHandler<K, V> audited(RecordHandler<K, V> handler) {
    Objects.requireNonNull(handler, "handler");
    if (auditLog == null) {
      throw new IllegalStateException("a process instance audits itself, into " + auditFile);
    }
    return Audit.wrap(handler, auditLog, runId);
  }

  @Override
  public String toString() {
    return runId + " (" + version + " in slot " + slot + ")";
  }
}
