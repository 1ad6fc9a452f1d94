package io.kcp.share.internal;

import io.kcp.core.EngineConfig;
import io.kcp.core.InvalidSettingsException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * What a share consumer accepts of the settings every engine shares: the properties a share
 * consumer refuses are named with their share-group counterpart, once, before anything starts.
 */
public final class ShareSettings {
  /** The acknowledgement mode this engine needs: it acknowledges every record itself. */
  static final String ACK_MODE = "share.acknowledgement.mode";

  /** Consumer properties a share consumer refuses, and what to use instead. */
  static final Map<String, String> REFUSED = new LinkedHashMap<>();

  private static final String BROKER_ASSIGNS =
      "the broker assigns a share group's partitions; every member may get every partition";

  static {
    REFUSED.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        "a share group's start is its group config share.auto.offset.reset: set it with"
            + " ShareConfig.startFrom(\"earliest\" or \"latest\")");
    REFUSED.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
        "a share group has no offsets to commit: the engine acknowledges each record after its handler"
            + " (ACCEPT, RELEASE to retry, REJECT to give up)");
    REFUSED.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
        "share groups have no static membership: members come and go without a rebalance");
    REFUSED.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        "a share group's isolation level is its group config share.isolation.level");
    REFUSED.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, BROKER_ASSIGNS);
    REFUSED.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, BROKER_ASSIGNS);
    REFUSED.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
        "a share group's session timeout is the broker's group.share.session.timeout.ms");
    REFUSED.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        "a share group's heartbeat interval is the broker's group.share.heartbeat.interval.ms");
    REFUSED.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG,
        "a share consumer speaks the share group protocol; there is nothing to choose");
    REFUSED.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG,
        "share consumers take no interceptors");
  }

  private ShareSettings() {}

  /**
   * Checks that a share engine can run with this config.
   *
   * @throws InvalidSettingsException naming every refused setting with its share-group counterpart
   */
  public static void check(EngineConfig config) {
    List<String> problems = new ArrayList<>();
    for (String key : config.settings().properties().keySet()) {
      String instead = REFUSED.get(key);
      if (instead != null) {
        problems.add(key + " is not a share consumer setting: " + instead);
      }
    }
    String mode = config.settings().properties().get(ACK_MODE);
    if (mode != null && !mode.trim().equalsIgnoreCase("explicit")) {
      problems.add(ACK_MODE + "=" + mode + " is refused: the engine acknowledges each record explicitly"
          + " after its handler; leave it unset");
    }
    if (config.staticMembership()) {
      problems.add("staticMembership is not available for share groups: members come and go without a"
          + " rebalance, so there is nothing to keep static");
    }
    if (!problems.isEmpty()) {
      throw new InvalidSettingsException(problems);
    }
  }

  /**
   * The configuration of share consumer {@code index}: the settings' consumer config without the
   * defaults a share consumer refuses, a client id ending in {@code -<index>}, explicit
   * acknowledgement.
   */
  public static Map<String, Object> consumerConfig(EngineConfig config, int index) {
    Map<String, Object> c = new HashMap<>(config.settings().toConsumerConfig());
    for (String refused : REFUSED.keySet()) {
      c.remove(refused); // the settings' own defaults (check() refused the user's)
    }
    String base = config.settings().clientId().orElse("kcp-share-" + config.settings().groupId());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, base + "-" + index);
    c.put(ACK_MODE, "explicit");
    return c;
  }
}
