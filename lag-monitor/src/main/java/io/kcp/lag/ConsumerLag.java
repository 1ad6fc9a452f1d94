package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import io.kcp.lag.internal.AdminLagReader;
import io.kcp.lag.internal.TimeLagInterpolation;
import io.kcp.lag.internal.TimeLagProbe;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Consumer lag (컨슈머 랙) of a group, read from outside the consumers through the Admin API — the
 * numbers {@code kafka-consumer-groups --describe} prints, plus time lag.
 *
 * <pre>{@code
 * try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers("localhost:9092").build()) {
 *   LagSnapshot s = lag.snapshot("orders-app");
 *   s.partitions().forEach(p -> System.out.println(p.name() + " lag " + p.lag()));
 * }
 * }</pre>
 *
 * <p>A snapshot costs a constant number of Admin calls whatever the partition count ({@link
 * #ADMIN_CALLS_PER_SNAPSHOT}): describe the group, list its committed offsets, list the log-end
 * offsets of all its partitions in one batched call. {@link #snapshots(Collection)} reads any
 * number of groups in the same three calls ({@link #ADMIN_CALLS_PER_BATCH}).
 *
 * <p>Time lag ({@link Builder#timeLag(TimeLagMode)}) is {@link TimeLagMode#PROBE} by default: one
 * consumer fetch per read for the partitions that have lag. {@link TimeLagMode#INTERPOLATE} reads
 * no data: this object keeps each partition's recent log-end offsets (one table per partition,
 * shared by all groups read through it) and interpolates, so it needs repeated reads.
 */
public final class ConsumerLag implements AutoCloseable {
  /** Admin API calls one {@link #snapshot(String)} makes, whatever the number of partitions. */
  public static final int ADMIN_CALLS_PER_SNAPSHOT = AdminLagReader.ADMIN_CALLS;

  /**
   * Admin API calls one {@link #snapshots(Collection)} makes at most, whatever the number of groups
   * and partitions: describeConsumerGroups and listConsumerGroupOffsets for all groups, listOffsets
   * for the union of their partitions.
   */
  public static final int ADMIN_CALLS_PER_BATCH = AdminLagReader.BATCH_CALLS;

  /** How long one Admin call may take before the snapshot fails: {@value} ms by default. */
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  private final AdminLagReader reader;
  private final TimeLagProbe probe;
  private final TimeLagInterpolation interpolation;
  private final TimeLagMode timeLagMode;
  private final Admin ownedAdmin;

  private ConsumerLag(Builder b) {
    Duration timeout = b.timeout;
    Admin admin = b.admin;
    if (admin == null) {
      admin = Admin.create(adminConfig(b.properties, timeout));
      ownedAdmin = admin;
    } else {
      ownedAdmin = null;
    }
    String bootstrap = (String) b.properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    this.timeLagMode = b.timeLag;
    this.probe = b.timeLag == TimeLagMode.PROBE && bootstrap != null ? new TimeLagProbe(b.properties, timeout) : null;
    this.interpolation = b.timeLag == TimeLagMode.INTERPOLATE
        ? new TimeLagInterpolation(TimeLagInterpolation.DEFAULT_POINTS) : null;
    this.reader = new AdminLagReader(admin, bootstrap == null ? "the cluster" : bootstrap, timeout, b.properties);
  }

  /**
   * The Admin's configuration: the given client properties, plus kcp's defaults for the keys they
   * do not set ({@code client.id=kcp-lag}, {@code default.api.timeout.ms} and {@code
   * request.timeout.ms} from {@link Builder#timeout(Duration)}).
   */
  static Map<String, Object> adminConfig(Map<String, Object> properties, Duration timeout) {
    Map<String, Object> props = new HashMap<>(properties);
    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "kcp-lag");
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    return props;
  }

  /** A builder; give it {@link Builder#bootstrapServers(String)} or an {@link Builder#admin(Admin)}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The group's lag now, per partition it committed or is assigned.
   *
   * @throws LagException when the group does not exist or the cluster does not answer in time
   */
  public LagSnapshot snapshot(String group) {
    requireNonNull(group, "group");
    return withTimeLag(List.of(reader.read(group))).get(0);
  }

  /**
   * Many groups' lag in one batched read: {@link #ADMIN_CALLS_PER_BATCH} Admin calls at most
   * whatever the number of groups (see {@link GroupSnapshots#adminCalls()}), plus, with {@link
   * TimeLagMode#PROBE}, the consumer fetches of the first unconsumed records. A group that cannot be
   * read (unknown to the cluster: {@link LagException#isGroupNotFound()}) is in {@link
   * GroupSnapshots#errors()} instead of failing the others. Feed each snapshot to that group's
   * {@link LagMonitor#observe(LagSnapshot)} to drive many monitors from one read.
   *
   * @throws LagException when the cluster does not answer in time
   */
  public GroupSnapshots snapshots(Collection<String> groups) {
    requireNonNull(groups, "groups");
    groups.forEach(g -> requireNonNull(g, "group"));
    GroupSnapshots read = reader.readAll(groups);
    List<LagSnapshot> timed = withTimeLag(List.copyOf(read.snapshots().values()));
    Map<String, LagSnapshot> byGroup = new LinkedHashMap<>();
    timed.forEach(s -> byGroup.put(s.group(), s));
    return new GroupSnapshots(byGroup, read.errors(), read.adminCalls());
  }

  /** The time lag mode this object was built with. */
  public TimeLagMode timeLagMode() {
    return timeLagMode;
  }

  private List<LagSnapshot> withTimeLag(List<LagSnapshot> snapshots) {
    if (probe != null) {
      return probe.addTimeLag(snapshots);
    }
    if (interpolation != null) {
      return interpolation.apply(snapshots);
    }
    return snapshots;
  }

  /**
   * The group's lag on every partition of {@code topics} (plus any other partition the group
   * committed or is assigned), whether or not the group has committed it yet; a group that does
   * not exist yet reads as one that committed nothing. One more Admin call than {@link
   * #snapshot(String)} (describe the topics). Use {@link PartitionLag#lagOrWholeLog()} for "how
   * much is left to read from the start".
   *
   * @throws LagException when a topic does not exist or the cluster does not answer in time
   */
  public LagSnapshot snapshot(String group, Set<String> topics) {
    requireNonNull(group, "group");
    requireNonNull(topics, "topics");
    return withTimeLag(List.of(reader.read(group, Set.copyOf(topics)))).get(0);
  }

  /**
   * The lag of a share group (KIP-932), or empty when {@code group} is not one. A share group has
   * no committed offset, so {@link #snapshot} does not apply to it; this is what the broker tells
   * instead: each partition's start offset and the records past it not yet acknowledged.
   *
   * @throws LagException when the cluster does not answer in time
   */
  public java.util.Optional<ShareGroupLag> shareGroup(String group) {
    requireNonNull(group, "group");
    return reader.readShare(group);
  }

  /**
   * The ids of every consumer group the cluster knows (classic and KIP-848), sorted.
   *
   * @throws LagException when the cluster does not answer in time
   */
  public List<String> groups() {
    return reader.groups();
  }

  /**
   * Whether a topic exists (for commands that filter by topic and must say when it does not).
   *
   * @throws LagException when the cluster does not answer in time
   */
  public boolean topicExists(String topic) {
    return reader.topicExists(topic);
  }

  /** Closes the clients this object created (never an Admin that was handed in). */
  @Override
  public void close() {
    if (probe != null) {
      probe.close();
    }
    if (ownedAdmin != null) {
      ownedAdmin.close(Duration.ofSeconds(2));
    }
  }

  /** Builds a {@link ConsumerLag}. */
  public static final class Builder {
    private final Map<String, Object> properties = new HashMap<>();
    private Admin admin;
    private Duration timeout = Duration.ofMillis(DEFAULT_TIMEOUT_MS);
    private TimeLagMode timeLag = TimeLagMode.PROBE;

    private Builder() {}

    /** The cluster to read ({@code bootstrap.servers}). */
    public Builder bootstrapServers(String bootstrapServers) {
      properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, requireNonNull(bootstrapServers, "bootstrapServers"));
      return this;
    }

    /**
     * Any client property (security settings, client.id, timeouts, ...), for the Admin and the
     * time-lag probe; typed values ({@code Integer}, {@code Class}, ...) are passed as they are.
     * kcp's own choices ({@code client.id}, the Admin's {@code default.api.timeout.ms} and {@code
     * request.timeout.ms} from {@link #timeout(Duration)}, the probe's fetch sizes) apply only to
     * keys not set here. A {@code bootstrap.servers} given here is the cluster, as by {@link
     * #bootstrapServers(String)}.
     */
    public Builder property(String key, Object value) {
      properties.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /**
     * Every entry as by {@link #property(String, Object)}, e.g. a loaded client properties file
     * ({@code Map<String, Object>}, or a {@link java.util.Properties} as {@code Map<Object,
     * Object>} through {@code Map.copyOf}) or the sandbox's {@code clientConfig()}.
     */
    public Builder properties(Map<String, ?> properties) {
      requireNonNull(properties, "properties").forEach(this::property);
      return this;
    }

    /**
     * Use this Admin instead of creating one (it is not closed by {@link ConsumerLag#close()}).
     * Time lag still needs {@link #bootstrapServers(String)}; without it time lag is unknown.
     */
    public Builder admin(Admin admin) {
      this.admin = requireNonNull(admin, "admin");
      return this;
    }

    /** How long one call may take; default {@value ConsumerLag#DEFAULT_TIMEOUT_MS} ms. */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Whether to read the time lag: {@code true} is {@link TimeLagMode#PROBE} (the default),
     * {@code false} {@link TimeLagMode#NONE}.
     */
    public Builder timeLag(boolean timeLag) {
      return timeLag(timeLag ? TimeLagMode.PROBE : TimeLagMode.NONE);
    }

    /**
     * How to read the time lag; default {@link TimeLagMode#PROBE}. {@link TimeLagMode#PROBE} needs
     * {@link #bootstrapServers(String)} (else time lag is unknown); {@link TimeLagMode#INTERPOLATE}
     * is known from the second read that saw a partition's log end move.
     */
    public Builder timeLag(TimeLagMode mode) {
      this.timeLag = requireNonNull(mode, "mode");
      return this;
    }

    /** A ready {@link ConsumerLag}. */
    public ConsumerLag build() {
      if (admin == null && !properties.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
        throw new IllegalStateException("ConsumerLag needs bootstrapServers(...) or admin(...)");
      }
      return new ConsumerLag(this);
    }
  }
}
