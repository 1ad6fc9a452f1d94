package io.kcp.audit;

import io.kcp.audit.internal.Waits;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics a workload writes to, and waits until they serve: every partition has a
 * leader that answers, so a producer that starts right after meets no NOT_LEADER_OR_FOLLOWER.
 * Used by {@link Workload}, by the sandbox and by tests.
 */
public final class Topics {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private Topics() {}

  /**
   * Creates a topic (or accepts an existing one with the same partition count), then waits until
   * every partition has a leader that answers: a producer that starts right after this meets no
   * NOT_LEADER_OR_FOLLOWER (which, on a fresh topic, can leave an idempotent producer stuck on
   * OutOfOrderSequenceException until its delivery timeout).
   *
   * @throws IllegalStateException if the topic exists with another partition count
   * @throws ClusterException if the cluster refuses or does not answer in time
   */
  public static void createAndAwait(Admin admin, String name, int partitions, short replicationFactor) {
    NewTopic topic = new NewTopic(name, partitions, replicationFactor);
    try {
      admin.createTopics(List.of(topic)).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new ClusterException("cannot create topic " + name + ": " + e.getCause(), e);
      }
      int existing = describe(admin, name).partitions().size();
      if (existing != partitions) {
        throw new IllegalStateException(
            "topic " + name + " exists with " + existing + " partitions, not " + partitions);
      }
    } catch (InterruptedException e) {
      throw Waits.interrupted("creating topic " + name, e);
    } catch (TimeoutException e) {
      throw new ClusterException("creating topic " + name + " timed out", e);
    }
    Waits.until(
        READY_TIMEOUT,
        "every partition of " + name + " to have a leader",
        () -> allLed(admin, name, partitions));
    awaitLeadersServe(admin, name, partitions);
  }

  /**
   * Asks every partition's leader for its end offset: it answers only once it acts as leader, so
   * a producer that starts right after this does not meet NOT_LEADER_OR_FOLLOWER first.
   */
  private static void awaitLeadersServe(Admin admin, String name, int partitions) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(name, p), OffsetSpec.latest());
    }
    // on a cluster of several brokers, the one asked may not know the new topic yet: a retriable
    // error (unknown topic, not the leader) means "ask again", anything else fails
    Waits.until(READY_TIMEOUT, "the leaders of " + name + " to serve", () -> {
      try {
        admin.listOffsets(latest).all().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RetriableException) {
          return false;
        }
        throw new ClusterException("the leaders of " + name + " do not serve", e);
      } catch (TimeoutException e) {
        throw new ClusterException("the leaders of " + name + " do not serve", e);
      } catch (InterruptedException e) {
        throw Waits.interrupted("waiting for the leaders of " + name, e);
      }
    });
  }

  private static boolean allLed(Admin admin, String name, int partitions) {
    TopicDescription d;
    try {
      d = describe(admin, name);
    } catch (ClusterException e) {
      return false; // metadata not there yet
    }
    if (d.partitions().size() != partitions) {
      return false;
    }
    for (TopicPartitionInfo p : d.partitions()) {
      Node leader = p.leader();
      if (leader == null || leader.isEmpty() || p.isr().isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static TopicDescription describe(Admin admin, String name) {
    try {
      Map<String, TopicDescription> all =
          admin
              .describeTopics(List.of(name))
              .allTopicNames()
              .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return all.get(name);
    } catch (ExecutionException | TimeoutException e) {
      throw new ClusterException("cannot describe topic " + name, e);
    } catch (InterruptedException e) {
      throw Waits.interrupted("describing topic " + name, e);
    }
  }
}
