package io.kcp.audit.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Admin-client helpers with bounded waits and messages that name the cluster. */
public final class Clusters {

  private Clusters() {}

  /**
   * Creates an admin client and checks that the cluster answers within {@code timeout}.
   *
   * @param bootstrapServers the cluster
   * @param clientId the client id to use
   * @param timeout the longest wait for the cluster to answer, also the admin's API timeout
   * @return a connected admin client; the caller closes it
   * @throws IllegalStateException naming the bootstrap servers when the cluster does not answer
   */
  public static Admin connect(String bootstrapServers, String clientId, Duration timeout) {
    return connect(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), clientId, timeout);
  }

  /**
   * Creates an admin client from the user's client properties and checks that the cluster answers
   * within {@code timeout}. {@code clientId} and the timeouts apply only where the properties set
   * none.
   *
   * @param clientProperties any client settings, with {@code bootstrap.servers}
   * @param clientId the client id to use unless the properties set one
   * @param timeout the longest wait for the cluster to answer, also the admin's API timeout unless
   *     the properties set one
   * @return a connected admin client; the caller closes it
   * @throws IllegalStateException naming the bootstrap servers when the cluster does not answer
   */
  public static Admin connect(Map<String, ?> clientProperties, String clientId, Duration timeout) {
    Map<String, Object> props = adminConfig(clientProperties, clientId, timeout);
    String bootstrapServers = String.valueOf(props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (KafkaException e) {
      throw new IllegalStateException(
          "cannot connect to Kafka at " + bootstrapServers + ": " + e.getMessage(), e);
    }
    try {
      Collection<Node> nodes = get(admin.describeCluster().nodes(), timeout);
      if (nodes.isEmpty()) {
        throw new IllegalStateException("Kafka at " + bootstrapServers + " reports no brokers");
      }
      return admin;
    } catch (TimeoutException | ExecutionException | RuntimeException e) {
      admin.close(Duration.ZERO);
      if (e instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new IllegalStateException(
          "cannot reach Kafka at "
              + bootstrapServers
              + " within "
              + timeout.toMillis()
              + " ms (is the broker running and the address right?): "
              + cause(e),
          e);
    }
  }

  /**
   * An admin client's configuration: the user's client properties, kcp's client id and timeouts
   * for the keys they do not set.
   *
   * @param clientProperties the user's settings
   * @param clientId the default client id
   * @param timeout the default request and API timeout
   * @return a new map
   */
  public static Map<String, Object> adminConfig(
      Map<String, ?> clientProperties, String clientId, Duration timeout) {
    Map<String, Object> props = new java.util.LinkedHashMap<>(clientProperties);
    int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    return props;
  }

  /**
   * Describes a topic.
   *
   * @param admin a connected admin client
   * @param topic the topic
   * @param bootstrapServers for error messages
   * @param timeout the longest wait
   * @return the description, or empty when the topic does not exist
   * @throws IllegalStateException when the cluster does not answer in time or fails
   */
  public static Optional<TopicDescription> describeTopic(
      Admin admin, String topic, String bootstrapServers, Duration timeout) {
    try {
      Map<String, TopicDescription> all =
          get(admin.describeTopics(List.of(topic)).allTopicNames(), timeout);
      return Optional.ofNullable(all.get(topic));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw new IllegalStateException(
          "cannot describe topic " + topic + " on " + bootstrapServers + ": " + cause(e), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "describing topic "
              + topic
              + " on "
              + bootstrapServers
              + " timed out after "
              + timeout.toMillis()
              + " ms",
          e);
    }
  }

  /**
   * Waits for a future, bounded, restoring the interrupt flag if interrupted.
   *
   * @param future the future
   * @param timeout the longest wait
   * @param <T> result type
   * @return the result
   * @throws ExecutionException if the future failed
   * @throws TimeoutException if it did not complete in time
   */
  public static <T> T get(KafkaFuture<T> future, Duration timeout)
      throws ExecutionException, TimeoutException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    }
  }

  /**
   * The most telling message of an exception: the cause of an {@link ExecutionException}.
   *
   * @param e the exception
   * @return class and message
   */
  public static String cause(Throwable e) {
    Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
