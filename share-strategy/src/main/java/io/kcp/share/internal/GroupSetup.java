package io.kcp.share.internal;

import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineStartException;
import io.kcp.core.MissingTopicPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an engine checks and sets once before its members subscribe: the cluster answers, the
 * topics exist (or, with {@link MissingTopicPolicy#WAIT}, will), and the group's {@code
 * share.auto.offset.reset} is what the config asks for. Every member waits for it; the first one
 * does it.
 */
final class GroupSetup {
  private static final Logger LOG = LoggerFactory.getLogger(GroupSetup.class);
  static final String START_CONFIG = "share.auto.offset.reset";

  private final ConsumerSettings settings;
  private final MissingTopicPolicy policy;
  private final Duration timeout;
  private final Optional<String> startFrom;
  private int partitions = -1;

  GroupSetup(ConsumerSettings settings, MissingTopicPolicy policy, Duration timeout, Optional<String> startFrom) {
    this.settings = settings;
    this.policy = policy;
    this.timeout = timeout;
    this.startFrom = startFrom;
  }

  /**
   * Checks and sets, once.
   *
   * @return the topics' partition count, or -1 if the engine closed meanwhile
   * @throws EngineStartException when the cluster does not answer, a topic is missing (FAIL), or
   *     the group config cannot be set
   */
  synchronized int await(CountDownLatch closeSignal) throws InterruptedException {
    if (partitions >= 0) {
      return partitions;
    }
    try (Admin admin = Admin.create(adminConfig(settings))) {
      int count = awaitTopics(admin, closeSignal);
      if (count < 0) {
        return -1;
      }
      if (startFrom.isPresent()) {
        setStart(admin, startFrom.get());
      }
      partitions = count;
      return count;
    }
  }

  int partitions() {
    return partitions;
  }

  /** The admin client's share of the consumer settings: bootstrap servers and security. */
  static Map<String, Object> adminConfig(ConsumerSettings settings) {
    Map<String, Object> config = new HashMap<>();
    settings.toConsumerConfig().forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k) && !k.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
        config.put(k, v);
      }
    });
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "kcp-share-setup-" + settings.groupId());
    return config;
  }

  private int awaitTopics(Admin admin, CountDownLatch closeSignal) throws InterruptedException {
    boolean warned = false;
    while (closeSignal.getCount() > 0) {
      List<String> missing = new ArrayList<>();
      int count = 0;
      for (String topic : settings.topics()) {
        try {
          count += admin.describeTopics(List.of(topic)).allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions().size();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof UnknownTopicOrPartitionException) {
            missing.add(topic);
          } else {
            throw new EngineStartException("cannot describe topic " + topic + " on " + settings.bootstrapServers()
                + ": " + e.getCause(), e.getCause());
          }
        } catch (TimeoutException e) {
          throw new EngineStartException("cannot reach Kafka at " + settings.bootstrapServers() + " within "
              + timeout.toSeconds() + " s: is the broker running, and are bootstrapServers right?", e);
        }
      }
      if (missing.isEmpty()) {
        return count;
      }
      if (policy == MissingTopicPolicy.FAIL) {
        throw new EngineStartException("topic(s) " + missing + " do not exist on " + settings.bootstrapServers()
            + ": create them first, or use MissingTopicPolicy.WAIT to wait for them", null);
      }
      if (!warned) {
        LOG.warn("waiting for topic(s) {} to exist on {}", missing, settings.bootstrapServers());
        warned = true;
      }
      if (closeSignal.await(1, TimeUnit.SECONDS)) {
        return -1;
      }
    }
    return -1;
  }

  private void setStart(Admin admin, String value) throws InterruptedException {
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, settings.groupId());
    AlterConfigOp op = new AlterConfigOp(new ConfigEntry(START_CONFIG, value), AlterConfigOp.OpType.SET);
    try {
      admin.incrementalAlterConfigs(Map.of(group, List.of(op))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new EngineStartException("cannot set the share group " + settings.groupId() + "'s " + START_CONFIG
          + "=" + value + " (it needs ALTER_CONFIGS on the group): " + cause, cause);
    }
  }
}
