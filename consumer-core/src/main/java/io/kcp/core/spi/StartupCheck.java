package io.kcp.core.spi;

import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineStartException;
import io.kcp.core.MissingTopicPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check every poll loop makes before it subscribes: the cluster answers within the startup
 * timeout, and every topic exists (or, with {@link MissingTopicPolicy#WAIT}, will). Runs on the
 * poll thread with the loop's own consumer.
 */
public final class StartupCheck {
  private static final Logger LOG = LoggerFactory.getLogger(StartupCheck.class);

  private StartupCheck() {}

  /**
   * Waits until every subscribed topic exists.
   *
   * @param closeSignal counted down when the engine closes: the wait ends then
   * @return the total partition count of the topics, or -1 if the engine closed while waiting
   * @throws EngineStartException when the cluster does not answer in time or, with {@link
   *     MissingTopicPolicy#FAIL}, a topic does not exist
   */
  public static int awaitTopics(
      Consumer<?, ?> consumer,
      ConsumerSettings settings,
      MissingTopicPolicy policy,
      Duration startupTimeout,
      CountDownLatch closeSignal) {
    boolean warned = false;
    while (closeSignal.getCount() > 0) {
      List<String> missing = new ArrayList<>();
      int partitions = 0;
      for (String topic : settings.topics()) {
        List<PartitionInfo> infos;
        try {
          infos = consumer.partitionsFor(topic, startupTimeout);
        } catch (TimeoutException e) {
          throw new EngineStartException(
              "cannot reach Kafka at " + settings.bootstrapServers() + " within "
                  + startupTimeout.toSeconds() + " s: is the broker running, and are"
                  + " bootstrapServers right?", e);
        } catch (WakeupException e) {
          return -1;
        }
        if (infos == null || infos.isEmpty()) {
          missing.add(topic);
        } else {
          partitions += infos.size();
        }
      }
      if (missing.isEmpty()) {
        return partitions;
      }
      if (policy == MissingTopicPolicy.FAIL) {
        throw new EngineStartException(
            "topic(s) " + missing + " do not exist on " + settings.bootstrapServers()
                + ": create them first, or use MissingTopicPolicy.WAIT to wait for them", null);
      }
      if (!warned) {
        LOG.warn("waiting for topic(s) {} to exist on {}", missing, settings.bootstrapServers());
        warned = true;
      }
      try {
        if (closeSignal.await(1, TimeUnit.SECONDS)) {
          return -1;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return -1;
  }
}
