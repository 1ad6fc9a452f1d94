package io.kcp.sandbox.internal;

import io.kcp.sandbox.KafkaSandboxException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Topic creation on the sandbox and cluster readiness through an {@link Admin}. */
public final class Topics {

  private Topics() {}

  /** Creates a topic (or accepts an existing one with the same partition count) and waits. */
  public static void create(
      Admin admin, int brokers, String name, int partitions, int replicationFactor) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
    }
    if (replicationFactor < 1 || replicationFactor > brokers) {
      throw new IllegalArgumentException(
          "replicationFactor must be 1.."
              + brokers
              + " (the sandbox has "
              + brokers
              + " broker(s)), was "
              + replicationFactor);
    }
    try {
      io.kcp.audit.Topics.createAndAwait(admin, name, partitions, (short) replicationFactor);
    } catch (io.kcp.audit.ClusterException e) {
      throw new KafkaSandboxException(e.getMessage(), e);
    }
  }

  /**
   * How many brokers the cluster reports, or -1 if it does not answer within {@code timeout}.
   */
  public static int aliveBrokers(Admin admin, Duration timeout) {
    try {
      return admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
          .nodes()
          .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
          .size();
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    } catch (InterruptedException e) {
      throw Waits.interrupted("describing the cluster", e);
    }
  }
}
