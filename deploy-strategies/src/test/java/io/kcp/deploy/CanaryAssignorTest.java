package io.kcp.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcp.deploy.CanaryAssignor.Role;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.RebalanceProtocol;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * The canary assignor on hand-built group subscriptions, no broker: the canary set rule, evenness,
 * stickiness and the cooperative protocol's two-round move, checked the way the consumer coordinator
 * checks it (no partition added to one member while revoked from another in the same round).
 */
class CanaryAssignorTest {
  private static final String TOPIC = "orders";
  private static final Node NODE = new Node(0, "localhost", 9092);

  private final CanaryAssignor leader = assignor("v1", Role.STABLE, 0);

  // --- the canary set -----------------------------------------------------------------------------

  @Test
  void withoutACanaryTheStableMembersShareEveryPartitionEvenly() {
    Group group = new Group(cluster(Map.of(TOPIC, 10)))
        .member("a", Role.STABLE, 0).member("b", Role.STABLE, 0).member("c", Role.STABLE, 0);

    Map<String, Set<TopicPartition>> assignment = group.round();

    assertThat(counts(assignment)).containsOnlyKeys("a", "b", "c");
    assertThat(spread(assignment.values())).isLessThanOrEqualTo(1);
    assertThat(union(assignment)).isEqualTo(partitions(TOPIC, 0, 10));
  }

  @Test
  void aCanaryWithOnePartitionOwnsExactlyPartitionZero() {
    Group group = new Group(cluster(Map.of(TOPIC, 12)))
        .member("s1", Role.STABLE, 0).member("s2", Role.STABLE, 0).member("s3", Role.STABLE, 0)
        .member("c1", Role.CANARY, 1);

    Map<String, Set<TopicPartition>> assignment = group.round();

    assertThat(assignment.get("c1")).containsExactly(tp(0));
    List<Set<TopicPartition>> stable = List.of(assignment.get("s1"), assignment.get("s2"), assignment.get("s3"));
    assertThat(stable.stream().flatMap(Set::stream).collect(Collectors.toSet()))
        .isEqualTo(partitions(TOPIC, 1, 12));
    assertThat(spread(stable)).isLessThanOrEqualTo(1);
  }

  @Test
  void wideningTheCanaryKeepsItsEarlierPartitions() {
    Group group = new Group(cluster(Map.of(TOPIC, 12)))
        .member("s1", Role.STABLE, 0).member("s2", Role.STABLE, 0).member("s3", Role.STABLE, 0)
        .member("c1", Role.CANARY, 1);
    group.settle();
    Set<TopicPartition> before = group.owned("c1");
    assertThat(before).isEqualTo(partitions(TOPIC, 0, 1));

    for (int target : new int[] {3, 6, 12}) {
      group.member("c1", Role.CANARY, target);
      group.settle();
      Set<TopicPartition> now = group.owned("c1");
      assertThat(now).isEqualTo(partitions(TOPIC, 0, target)).containsAll(before);
      before = now;
    }
    assertThat(group.owned("s1")).isEmpty();
  }

  @Test
  void aTargetOfEveryPartitionOrNoStableMemberGivesTheCanaryEverything() {
    Group wide = new Group(cluster(Map.of(TOPIC, 6)))
        .member("s1", Role.STABLE, 0).member("c1", Role.CANARY, 50);
    assertThat(wide.round().get("c1")).isEqualTo(partitions(TOPIC, 0, 6));

    Group canaryOnly = new Group(cluster(Map.of(TOPIC, 6))).member("c1", Role.CANARY, 1);
    assertThat(canaryOnly.round().get("c1")).isEqualTo(partitions(TOPIC, 0, 6));
  }

  @Test
  void canaryMembersShareTheCanarySetEvenlyAndTheLargestTargetWins() {
    Group group = new Group(cluster(Map.of(TOPIC, 12)))
        .member("s1", Role.STABLE, 0).member("s2", Role.STABLE, 0)
        .member("c1", Role.CANARY, 3).member("c2", Role.CANARY, 5).member("c3", Role.CANARY, 1);

    Map<String, Set<TopicPartition>> assignment = group.round();

    List<Set<TopicPartition>> canary = List.of(assignment.get("c1"), assignment.get("c2"), assignment.get("c3"));
    assertThat(canary.stream().flatMap(Set::stream).collect(Collectors.toSet()))
        .isEqualTo(partitions(TOPIC, 0, 5));
    assertThat(spread(canary)).isLessThanOrEqualTo(1);
    assertThat(union(assignment)).isEqualTo(partitions(TOPIC, 0, 12));
  }

  @Test
  void aMemberGetsOnlyPartitionsOfTopicsItSubscribesTo() {
    Group group = new Group(cluster(Map.of("a-topic", 4, "b-topic", 4)))
        .member("s1", Role.STABLE, 0, "a-topic").member("s2", Role.STABLE, 0, "a-topic", "b-topic")
        .member("c1", Role.CANARY, 1, "b-topic");

    Map<String, Set<TopicPartition>> assignment = group.round();

    assertThat(assignment.get("s1")).allMatch(tp -> tp.topic().equals("a-topic"));
    assertThat(assignment.get("c1")).containsExactly(new TopicPartition("b-topic", 0));
    assertThat(assignment.get("s2")).containsAll(partitions("b-topic", 1, 4));
    assertThat(union(assignment)).hasSize(8);
  }

  // --- stickiness and the cooperative move ---------------------------------------------------------

  @Test
  void anOwnerKeepsItsPartitionsWhenNothingChanges() {
    Group group = new Group(cluster(Map.of(TOPIC, 12)))
        .member("a", Role.STABLE, 0).member("b", Role.STABLE, 0).member("c", Role.STABLE, 0);
    group.own("a", 0, 5, 7, 9).own("b", 1, 2, 3, 4).own("c", 6, 8, 10, 11);
    Map<String, Set<TopicPartition>> owned = group.ownership();

    assertThat(group.round()).isEqualTo(owned);
  }

  @Test
  void aPartitionMovesToTheCanaryOnlyAfterItsOwnerRevokedIt() {
    Group group = new Group(cluster(Map.of(TOPIC, 12)))
        .member("a", Role.STABLE, 0).member("b", Role.STABLE, 0).member("d", Role.STABLE, 0);
    group.own("a", 0, 1, 2, 3).own("b", 4, 5, 6, 7).own("d", 8, 9, 10, 11);
    group.member("c", Role.CANARY, 1);

    Map<String, Set<TopicPartition>> first = group.round();
    assertThat(union(first)).isEqualTo(partitions(TOPIC, 1, 12)); // partition 0 is pending
    assertThat(first.get("a")).isEqualTo(partitions(TOPIC, 1, 4));
    assertThat(first.get("c")).isEmpty();

    group.adopt(first); // a revoked partition 0 and rejoined
    Map<String, Set<TopicPartition>> second = group.round();
    assertThat(second.get("c")).containsExactly(tp(0));
    assertThat(second).containsEntry("a", first.get("a")).containsEntry("b", first.get("b"));
    assertThat(union(second)).isEqualTo(partitions(TOPIC, 0, 12));
  }

  @Test
  void aPartitionTwoMembersClaimIsTrustedToNeither() {
    Group group = new Group(cluster(Map.of(TOPIC, 4)))
        .member("a", Role.STABLE, 0).member("b", Role.STABLE, 0).member("c", Role.STABLE, 0);
    group.own("a", 0, 1).own("b", 0, 2); // stale: both claim 0

    Map<String, Set<TopicPartition>> first = group.round();
    assertThat(first.get("a")).contains(tp(1)).doesNotContain(tp(0));
    assertThat(first.get("b")).contains(tp(2)).doesNotContain(tp(0));
    assertThat(union(first)).doesNotContain(tp(0)); // its target is c: both claimants revoke first

    group.adopt(first);
    assertThat(group.settle()).isEqualTo(1);
    assertThat(union(group.ownership())).isEqualTo(partitions(TOPIC, 0, 4));
  }

  @Test
  void randomGroupsSettleWithinTwoRoundsEvenlyAndWithoutIllegalMoves() {
    Random random = new Random(42);
    for (int run = 0; run < 300; run++) {
      int count = 1 + random.nextInt(20);
      Group group = new Group(cluster(Map.of(TOPIC, count)));
      int members = 1 + random.nextInt(6);
      for (int m = 0; m < members; m++) {
        group.member("m" + m, random.nextInt(3) == 0 ? Role.CANARY : Role.STABLE, random.nextInt(count + 2));
      }
      for (int p = 0; p < count; p++) {
        if (random.nextInt(4) > 0) {
          group.own("m" + random.nextInt(members), p);
        }
        if (random.nextInt(10) == 0) {
          group.own("m" + random.nextInt(members), p); // sometimes a stale second claim
        }
      }
      assertThat(group.settle()).isLessThanOrEqualTo(2);
      Map<String, Set<TopicPartition>> settled = group.ownership();
      assertThat(union(settled)).isEqualTo(partitions(TOPIC, 0, count));
      assertThat(group.round()).isEqualTo(settled);
      for (Role role : Role.values()) {
        List<Set<TopicPartition>> side = group.members.entrySet().stream()
            .filter(e -> e.getValue().role == role).map(e -> settled.get(e.getKey())).toList();
        assertThat(spread(side)).isLessThanOrEqualTo(1);
      }
    }
  }

  // --- user data and configuration ----------------------------------------------------------------

  @Test
  void garbledOrMissingUserDataCountsAsAStableMemberOfUnknownVersion() {
    byte[] truncated = {1, 1, 0, 0};
    byte[] badRole = {1, 9, 0, 0, 0, 1, 2, 'v', '2'};
    byte[] badUtf8 = {1, 1, 0, 0, 0, 1, 2, (byte) 0xC3, (byte) 0x28};
    for (byte[] garbage : List.of(truncated, badRole, badUtf8, "hello".getBytes(StandardCharsets.UTF_8), new byte[0])) {
      assertThat(CanaryAssignor.decode(ByteBuffer.wrap(garbage)))
          .isEqualTo(new CanaryAssignor.Member(CanaryAssignor.UNKNOWN_VERSION, Role.STABLE, 0));
    }
    assertThat(CanaryAssignor.decode(null).role()).isEqualTo(Role.STABLE);

    Map<String, Subscription> subscriptions = new TreeMap<>();
    subscriptions.put("garbled", new Subscription(List.of(TOPIC), ByteBuffer.wrap(badRole)));
    subscriptions.put("missing", new Subscription(List.of(TOPIC), null));
    subscriptions.put("c1", new Subscription(List.of(TOPIC),
        assignor("v2", Role.CANARY, 2).subscriptionUserData(Set.of(TOPIC))));
    Map<String, Set<TopicPartition>> assignment =
        toSets(leader.assign(cluster(Map.of(TOPIC, 6)), new GroupSubscription(subscriptions)).groupAssignment());
    assertThat(assignment.get("c1")).isEqualTo(partitions(TOPIC, 0, 2));
    assertThat(assignment.get("garbled")).hasSize(2).allMatch(tp -> tp.partition() >= 2);
    assertThat(assignment.get("missing")).hasSize(2).allMatch(tp -> tp.partition() >= 2);
  }

  @Test
  void aMissingOrInvalidSettingIsAnErrorNamingItsKey() {
    assertThatThrownBy(() -> new CanaryAssignor().configure(Map.of(CanaryAssignor.ROLE_CONFIG, "canary")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kcp.canary.version");
    assertThatThrownBy(() -> new CanaryAssignor().configure(Map.of(CanaryAssignor.VERSION_CONFIG, "v2",
        CanaryAssignor.ROLE_CONFIG, "blue")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kcp.canary.role");
    assertThatThrownBy(() -> new CanaryAssignor().configure(Map.of(CanaryAssignor.VERSION_CONFIG, "v2",
        CanaryAssignor.ROLE_CONFIG, "canary")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kcp.canary.partitions");
    assertThatThrownBy(() -> new CanaryAssignor().configure(Map.of(CanaryAssignor.VERSION_CONFIG, "v2",
        CanaryAssignor.ROLE_CONFIG, "canary", CanaryAssignor.PARTITIONS_CONFIG, "-1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kcp.canary.partitions");
    assertThatThrownBy(() -> CanaryAssignor.properties(" ", Role.STABLE, 0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kcp.canary.version");
  }

  @Test
  void propertiesRoundTripThroughKafkasOwnAssignorLoading() {
    Map<String, String> props = CanaryAssignor.properties("v2", Role.CANARY, 3);
    assertThat(props).containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CanaryAssignor.class.getName())
        .containsEntry("kcp.canary.version", "v2").containsEntry("kcp.canary.role", "canary")
        .containsEntry("kcp.canary.partitions", "3");

    List<ConsumerPartitionAssignor> loaded = ConsumerPartitionAssignor.getAssignorInstances(
        List.of(props.get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)), new HashMap<String, Object>(props));

    assertThat(loaded).singleElement().isInstanceOf(CanaryAssignor.class);
    ConsumerPartitionAssignor assignor = loaded.get(0);
    assertThat(assignor.name()).isEqualTo(CanaryAssignor.NAME);
    assertThat(assignor.supportedProtocols()).containsExactly(RebalanceProtocol.COOPERATIVE, RebalanceProtocol.EAGER);
    assertThat(CanaryAssignor.decode(assignor.subscriptionUserData(Set.of(TOPIC))))
        .isEqualTo(new CanaryAssignor.Member("v2", Role.CANARY, 3));
    CanaryAssignor stable = new CanaryAssignor();
    stable.configure(CanaryAssignor.properties("v1", Role.STABLE, 7));
    assertThat(CanaryAssignor.decode(stable.subscriptionUserData(Set.of(TOPIC))))
        .isEqualTo(new CanaryAssignor.Member("v1", Role.STABLE, 0));
  }

  // --- a group, simulated -------------------------------------------------------------------------

  /** Members with their declarations and owned partitions; each round checks the coordinator's rules. */
  private final class Group {
    final Cluster cluster;
    final Map<String, Declared> members = new TreeMap<>();
    Map<String, Set<TopicPartition>> owned = new TreeMap<>();

    Group(Cluster cluster) {
      this.cluster = cluster;
    }

    Group member(String id, Role role, int target, String... topics) {
      List<String> subscribed = topics.length == 0 ? List.of(TOPIC) : List.of(topics);
      members.put(id, new Declared(assignor("v-" + role.configValue(), role, target), role, subscribed));
      owned.putIfAbsent(id, new HashSet<>());
      return this;
    }

    Group own(String id, int... partitions) {
      for (int p : partitions) {
        owned.get(id).add(tp(p));
      }
      return this;
    }

    Set<TopicPartition> owned(String id) {
      return owned.get(id);
    }

    Map<String, Set<TopicPartition>> ownership() {
      Map<String, Set<TopicPartition>> copy = new TreeMap<>();
      owned.forEach((id, tps) -> copy.put(id, Set.copyOf(tps)));
      return copy;
    }

    /** Members now own what they were assigned (they revoked the rest and rejoined). */
    void adopt(Map<String, Set<TopicPartition>> assignment) {
      owned = new TreeMap<>();
      assignment.forEach((id, tps) -> owned.put(id, new HashSet<>(tps)));
    }

    /** One rebalance round under the cooperative protocol; the ownership it starts from stays. */
    Map<String, Set<TopicPartition>> round() {
      Map<String, Subscription> subscriptions = new TreeMap<>();
      members.forEach((id, d) -> subscriptions.put(id, new Subscription(d.topics,
          d.assignor.subscriptionUserData(Set.copyOf(d.topics)), List.copyOf(owned.get(id)))));
      Map<String, Set<TopicPartition>> assignment =
          toSets(leader.assign(cluster, new GroupSubscription(subscriptions)).groupAssignment());
      assertThat(assignment.keySet()).isEqualTo(members.keySet());
      assertAtMostOnce(assignment);
      assertNoPartitionChangesHandsInOneRound(owned, assignment);
      members.forEach((id, d) -> assertThat(assignment.get(id)).allMatch(tp -> d.topics.contains(tp.topic())));
      return assignment;
    }

    /** Rounds until the assignment equals the ownership; returns how many changed something. */
    int settle() {
      for (int rounds = 0; rounds < 5; rounds++) {
        Map<String, Set<TopicPartition>> assignment = round();
        if (assignment.equals(ownership())) {
          return rounds;
        }
        adopt(assignment);
      }
      throw new AssertionError("the group did not settle: " + owned);
    }
  }

  private record Declared(CanaryAssignor assignor, Role role, List<String> topics) {}

  /** What the consumer coordinator checks under the cooperative protocol. */
  private static void assertNoPartitionChangesHandsInOneRound(Map<String, Set<TopicPartition>> owned,
      Map<String, Set<TopicPartition>> assigned) {
    Set<TopicPartition> added = new HashSet<>();
    Set<TopicPartition> revoked = new HashSet<>();
    assigned.forEach((id, tps) -> {
      Set<TopicPartition> before = owned.getOrDefault(id, Set.of());
      tps.stream().filter(tp -> !before.contains(tp)).forEach(added::add);
      before.stream().filter(tp -> !tps.contains(tp)).forEach(revoked::add);
    });
    added.retainAll(revoked);
    assertThat(added).as("partitions added to one member while revoked from another").isEmpty();
  }

  private static void assertAtMostOnce(Map<String, Set<TopicPartition>> assignment) {
    int total = assignment.values().stream().mapToInt(Set::size).sum();
    assertThat(union(assignment)).as("every partition at most once").hasSize(total);
  }

  private static CanaryAssignor assignor(String version, Role role, int target) {
    CanaryAssignor assignor = new CanaryAssignor();
    assignor.configure(CanaryAssignor.properties(version, role, target));
    return assignor;
  }

  private static Cluster cluster(Map<String, Integer> topics) {
    List<PartitionInfo> infos = new ArrayList<>();
    topics.forEach((topic, count) -> IntStream.range(0, count)
        .forEach(p -> infos.add(new PartitionInfo(topic, p, NODE, new Node[] {NODE}, new Node[] {NODE}))));
    return new Cluster("test", List.of(NODE), infos, Set.of(), Set.of());
  }

  private static Map<String, Set<TopicPartition>> toSets(Map<String, ConsumerPartitionAssignor.Assignment> result) {
    Map<String, Set<TopicPartition>> sets = new LinkedHashMap<>();
    new TreeMap<>(result).forEach((id, a) -> {
      assertThat(a.partitions()).doesNotHaveDuplicates();
      sets.put(id, Set.copyOf(a.partitions()));
    });
    return new TreeMap<>(sets);
  }

  private static Set<TopicPartition> union(Map<String, Set<TopicPartition>> assignment) {
    return assignment.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
  }

  private static Map<String, Integer> counts(Map<String, Set<TopicPartition>> assignment) {
    Map<String, Integer> counts = new TreeMap<>();
    assignment.forEach((id, tps) -> counts.put(id, tps.size()));
    return counts;
  }

  /** The largest count minus the smallest; 0 for no sets. */
  private static int spread(Collection<Set<TopicPartition>> sets) {
    IntSummaryStatistics stats = sets.stream().mapToInt(Set::size).summaryStatistics();
    return sets.isEmpty() ? 0 : stats.getMax() - stats.getMin();
  }

  private static Set<TopicPartition> partitions(String topic, int from, int to) {
    return IntStream.range(from, to).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
  }

  private static TopicPartition tp(int partition) {
    return new TopicPartition(TOPIC, partition);
  }
}
