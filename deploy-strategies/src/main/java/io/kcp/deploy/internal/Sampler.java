package io.kcp.deploy.internal;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the group the way {@code kafka-consumer-groups --describe} sees it, on a thread of its
 * own: the lag per partition, the members, who owns what. The lag series and the members seen in
 * the report come from here, not from the orchestrator's bookkeeping.
 */
final class Sampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

  private final ConsumerLag lag;
  private volatile String group;
  private final Set<String> topics;
  private final long intervalNanos;
  private final List<LagSnapshot> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stop;
  private volatile LagSnapshot latest;

  Sampler(java.util.Map<String, ?> clientConfig, String group, String topic, Duration interval) {
    this.lag = ConsumerLag.builder().properties(clientConfig).timeLag(false).build();
    this.group = group;
    this.topics = Set.of(topic);
    this.intervalNanos = interval.toNanos();
    this.thread = new Thread(this::run, "kcp-deploy-sampler");
    this.thread.setDaemon(true);
  }

  void start() {
    latest = snapshot();
    thread.start();
  }

  private void run() {
    while (!stop) {
      long next = System.nanoTime() + intervalNanos;
      try {
        LagSnapshot s = lag.snapshot(group, topics);
        latest = s;
        synchronized (samples) {
          samples.add(s);
        }
      } catch (RuntimeException e) {
        LOG.warn("sampling group {} failed: {}", group, e.toString());
      }
      long left = next - System.nanoTime();
      if (left > 0) {
        LockSupport.parkNanos(left);
      }
    }
  }

  /**
   * Samples {@code group} from now on: the group that consumes now (blue/green switches groups;
   * the lag of the application is the lag of the group that is active).
   */
  void follow(String group) {
    this.group = group;
  }

  /** The group sampled now. */
  String group() {
    return group;
  }

  /** A fresh snapshot, taken now (for the orchestrator's waits). */
  LagSnapshot snapshot() {
    return lag.snapshot(group, topics);
  }

  /** The last sample taken. */
  LagSnapshot latest() {
    return latest;
  }

  /** Every sample so far. */
  List<LagSnapshot> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  @Override
  public void close() {
    stop = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lag.close();
  }
}
