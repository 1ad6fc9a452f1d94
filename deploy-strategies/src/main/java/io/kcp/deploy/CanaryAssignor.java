package io.kcp.deploy;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;

/**
 * A partition assignor for canary deployments (카나리) on the classic group protocol: members of one
 * group run either the stable version or the canary, and the canary owns a set of <em>whole</em>
 * partitions, so every key is handled by one version at a time and its order holds across versions.
 *
 * <h2>Configuration</h2>
 *
 * Every member names this class in {@code partition.assignment.strategy} and sets:
 *
 * <ul>
 *   <li>{@value #VERSION_CONFIG} (required): the member's version name, such as {@code v2};
 *   <li>{@value #ROLE_CONFIG}: {@code stable} (default) or {@code canary};
 *   <li>{@value #PARTITIONS_CONFIG}: for canary members (required there), how many partitions of
 *       each subscribed topic the canary side owns in total; ignored for stable members.
 * </ul>
 *
 * {@link #properties(String, Role, int)} returns exactly these. Each member sends its settings to the
 * group leader in its subscription's user data; a member whose user data is missing or unreadable
 * counts as stable with version {@value #UNKNOWN_VERSION}.
 *
 * <h2>The canary set</h2>
 *
 * For every topic, the target {@code T} is the largest {@value #PARTITIONS_CONFIG} among the canary
 * members subscribed to it, at most the topic's partition count; {@code 0} without canary members,
 * every partition without stable members. The canary set is the first {@code T} partitions by
 * number, so widening a canary (1, then 25 %, 50 %, 100 %) only ever adds partitions to it. Each side
 * spreads its partitions evenly over its members (counts differ by at most one), and stickily: a
 * member keeps the partitions it owns that stay on its side, up to its share; the rest go out in
 * partition order to the least loaded member, ties to the smallest member id.
 *
 * <h2>Moving a partition: two rounds</h2>
 *
 * Under the {@link RebalanceProtocol#COOPERATIVE cooperative} protocol a partition may not be given
 * to a member while another member still owns it (the consumer coordinator rejects such an
 * assignment). So a partition whose owner, as the members report it in
 * {@link Subscription#ownedPartitions()}, is not the member it should go to is left unassigned for a
 * round: the owner sees it missing, revokes it (committing its offsets) and rejoins, and in that next
 * round, with nobody owning it, the partition reaches its new member. A partition two members both
 * claim (stale ownership) counts as owned by neither for stickiness, and is held back in the same
 * way unless it goes to one of its claimants. Under the {@link RebalanceProtocol#EAGER eager} protocol
 * every member revokes everything before it rejoins and reports no owned partitions, so nothing is
 * ever held back and every partition is assigned in one round.
 */
public final class CanaryAssignor implements ConsumerPartitionAssignor, Configurable {
  /** The assignor's name, what members agree on in the group protocol. */
  public static final String NAME = "kcp-canary";
  /** The member's version name (required). */
  public static final String VERSION_CONFIG = "kcp.canary.version";
  /** The member's role: {@code stable} (default) or {@code canary}. */
  public static final String ROLE_CONFIG = "kcp.canary.role";
  /** For canary members: how many partitions of each topic the canary side owns in total. */
  public static final String PARTITIONS_CONFIG = "kcp.canary.partitions";
  /** The version of a member whose user data could not be read. */
  public static final String UNKNOWN_VERSION = "unknown";

  /** The first byte of the user data; a later format may append fields after version 1's. */
  private static final byte FORMAT = 1;
  private static final int MAX_NAME_BYTES = 255;

  /** Which side of the deployment a member is on. */
  public enum Role {
    /** The version in production; owns every partition outside the canary set. */
    STABLE,
    /** The version being tried; owns the canary set. */
    CANARY;

    /** The value of {@value CanaryAssignor#ROLE_CONFIG}: {@code stable} or {@code canary}. */
    public String configValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a member declared: an unconfigured assignor declares what unreadable user data does. */
  private Member self = new Member(UNKNOWN_VERSION, Role.STABLE, 0);

  /** Kafka creates the assignor by class name, then calls {@link #configure(Map)}. */
  public CanaryAssignor() {}

  /**
   * The consumer properties a member of a canary deployment needs.
   *
   * @param version the member's version name (1 to 255 UTF-8 bytes)
   * @param role the member's side
   * @param canaryPartitions for canary members, how many partitions the canary side owns ({@code >= 0});
   *     passed on for stable members too, where it is ignored
   */
  public static Map<String, String> properties(String version, Role role, int canaryPartitions) {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(role, "role");
    checkVersion(version);
    checkPartitions(canaryPartitions);
    Map<String, String> props = new LinkedHashMap<>();
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CanaryAssignor.class.getName());
    props.put(VERSION_CONFIG, version);
    props.put(ROLE_CONFIG, role.configValue());
    props.put(PARTITIONS_CONFIG, Integer.toString(canaryPartitions));
    return Map.copyOf(props);
  }

  /**
   * Reads this member's settings.
   *
   * @throws ConfigException naming the key that is missing or invalid
   */
  @Override
  public void configure(Map<String, ?> configs) {
    Object version = configs.get(VERSION_CONFIG);
    if (version == null || version.toString().isBlank()) {
      throw new ConfigException("Missing required configuration \"" + VERSION_CONFIG
          + "\": the member's version name, such as v2");
    }
    checkVersion(version.toString());
    Object roleValue = configs.get(ROLE_CONFIG);
    Role role = Role.STABLE;
    if (roleValue != null) {
      try {
        role = Role.valueOf(roleValue.toString().trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(ROLE_CONFIG, roleValue, "the role is 'stable' or 'canary'");
      }
    }
    int partitions = 0;
    if (role == Role.CANARY) {
      Object value = configs.get(PARTITIONS_CONFIG);
      if (value == null) {
        throw new ConfigException("Missing required configuration \"" + PARTITIONS_CONFIG
            + "\" for a canary member: how many partitions the canary side owns");
      }
      try {
        partitions = value instanceof Number n
            ? Math.toIntExact(n.longValue())
            : Integer.parseInt(value.toString().trim());
      } catch (ArithmeticException | NumberFormatException e) {
        throw new ConfigException(PARTITIONS_CONFIG, value, "a whole number of partitions, 0 or more");
      }
      checkPartitions(partitions);
    }
    self = new Member(version.toString(), role, partitions);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<RebalanceProtocol> supportedProtocols() {
    return List.of(RebalanceProtocol.COOPERATIVE, RebalanceProtocol.EAGER);
  }

  /**
   * Format 1: the format byte {@code 1}, the role byte ({@code 0} stable, {@code 1} canary), the
   * canary partitions as a 4-byte big-endian int, the version name's UTF-8 length as one unsigned
   * byte, then the name's bytes.
   */
  @Override
  public ByteBuffer subscriptionUserData(Set<String> topics) {
    byte[] name = self.version().getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(1 + 1 + 4 + 1 + name.length);
    buffer.put(FORMAT).put((byte) self.role().ordinal()).putInt(self.canaryPartitions());
    buffer.put((byte) name.length).put(name);
    return buffer.flip();
  }

  @Override
  public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
    Map<String, Subscription> subscriptions = new TreeMap<>(groupSubscription.groupSubscription());
    Map<String, Member> members = new HashMap<>();
    Map<String, List<TopicPartition>> assigned = new TreeMap<>();
    Set<String> topics = new TreeSet<>();
    for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
      members.put(e.getKey(), decode(e.getValue().userData()));
      assigned.put(e.getKey(), new ArrayList<>());
      topics.addAll(e.getValue().topics());
    }
    Map<TopicPartition, List<String>> claims = new HashMap<>(); // partition -> members that say they own it
    subscriptions.forEach((id, s) -> Set.copyOf(s.ownedPartitions())
        .forEach(tp -> claims.computeIfAbsent(tp, k -> new ArrayList<>()).add(id)));

    for (String topic : topics) {
      List<Integer> partitions = metadata.partitionsForTopic(topic).stream()
          .map(PartitionInfo::partition).sorted().toList();
      if (partitions.isEmpty()) {
        continue; // unknown topic: nothing to assign
      }
      List<String> canaries = new ArrayList<>();
      List<String> stables = new ArrayList<>();
      int target = 0;
      for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
        if (e.getValue().topics().contains(topic)) {
          Member m = members.get(e.getKey());
          if (m.role() == Role.CANARY) {
            canaries.add(e.getKey());
            target = Math.max(target, m.canaryPartitions());
          } else {
            stables.add(e.getKey());
          }
        }
      }
      int t = canaries.isEmpty() ? 0
          : stables.isEmpty() ? partitions.size()
          : Math.min(target, partitions.size());
      Map<TopicPartition, String> targets = new HashMap<>();
      spread(topic, partitions.subList(0, t), canaries, claims, targets);
      spread(topic, partitions.subList(t, partitions.size()), stables, claims, targets);
      for (int p : partitions) {
        TopicPartition tp = new TopicPartition(topic, p);
        String to = targets.get(tp);
        List<String> owners = claims.getOrDefault(tp, List.of());
        // Held back while another member owns it: the owner revokes it, the next round hands it over.
        if (to != null && (owners.isEmpty() || owners.contains(to))) {
          assigned.get(to).add(tp);
        }
      }
    }
    Map<String, Assignment> result = new HashMap<>();
    assigned.forEach((id, tps) -> result.put(id, new Assignment(tps)));
    return new GroupAssignment(result);
  }

  /**
   * Spreads one side's partitions over its members into {@code targets}: evenly, each member first
   * keeping what it alone owns, up to its share.
   */
  private static void spread(String topic, List<Integer> partitions, List<String> members,
      Map<TopicPartition, List<String>> claims, Map<TopicPartition, String> targets) {
    if (members.isEmpty() || partitions.isEmpty()) {
      return;
    }
    int base = partitions.size() / members.size();
    int extra = partitions.size() % members.size();
    Map<String, List<TopicPartition>> kept = new TreeMap<>();
    Map<String, List<TopicPartition>> surplus = new TreeMap<>();
    for (String id : members) {
      kept.put(id, new ArrayList<>());
      surplus.put(id, new ArrayList<>());
    }
    for (int p : partitions) {
      TopicPartition tp = new TopicPartition(topic, p);
      List<String> owners = claims.getOrDefault(tp, List.of());
      if (owners.size() == 1 && kept.containsKey(owners.get(0))) {
        String owner = owners.get(0);
        (kept.get(owner).size() < base ? kept.get(owner) : surplus.get(owner)).add(tp);
      }
    }
    for (String id : members) { // members that own more than their base share keep one more, in id order
      if (extra > 0 && !surplus.get(id).isEmpty()) {
        kept.get(id).add(surplus.get(id).get(0));
        extra--;
      }
    }
    kept.forEach((id, tps) -> tps.forEach(tp -> targets.put(tp, id)));
    Comparator<String> leastLoaded = Comparator.<String>comparingInt(id -> kept.get(id).size())
        .thenComparing(Comparator.naturalOrder());
    for (int p : partitions) {
      TopicPartition tp = new TopicPartition(topic, p);
      if (targets.containsKey(tp)) {
        continue;
      }
      String to = members.stream().min(leastLoaded).orElseThrow(); // fills every base share first
      kept.get(to).add(tp);
      targets.put(tp, to);
    }
  }

  /** A member's declaration from its user data; unreadable data declares a stable, unknown member. */
  static Member decode(ByteBuffer userData) {
    Member unknown = new Member(UNKNOWN_VERSION, Role.STABLE, 0);
    if (userData == null) {
      return unknown;
    }
    ByteBuffer in = userData.duplicate();
    try {
      if (in.get() < FORMAT) {
        return unknown;
      }
      byte role = in.get();
      int partitions = in.getInt();
      byte[] name = new byte[Byte.toUnsignedInt(in.get())];
      in.get(name);
      if (role < 0 || role >= Role.values().length || partitions < 0 || name.length == 0) {
        return unknown;
      }
      String version = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(name)).toString();
      return new Member(version, Role.values()[role], partitions);
    } catch (BufferUnderflowException | CharacterCodingException e) {
      return unknown;
    }
  }

  private static void checkVersion(String version) {
    if (version.isBlank() || version.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new ConfigException(VERSION_CONFIG, version,
          "a version name is 1 to " + MAX_NAME_BYTES + " UTF-8 bytes");
    }
  }

  private static void checkPartitions(int partitions) {
    if (partitions < 0) {
      throw new ConfigException(PARTITIONS_CONFIG, partitions, "a number of partitions, 0 or more");
    }
  }

  /** What one member declared. */
  record Member(String version, Role role, int canaryPartitions) {}
}
