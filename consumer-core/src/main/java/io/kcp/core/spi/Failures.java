package io.kcp.core.spi;

import io.kcp.core.ClusterAccessException;
import io.kcp.core.Secrets;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * Turns what the Kafka client throws into the failure an engine reports: the cluster's refusals
 * ({@link AuthenticationException}, {@link SslAuthenticationException}, {@link
 * AuthorizationException}) become a {@link ClusterAccessException} whose one line names the
 * mechanism and user, the truststore, or the missing ACL — read from the client configuration,
 * never its secrets; a fenced static member becomes {@link Fencing}'s explanation; anything else
 * stays as it is.
 */
public final class Failures {
  private static final int MAX_CAUSES = 16;

  private Failures() {}

  /** {@code e} as the failure the poll loop of {@code spec} reports. */
  public static Throwable explain(Throwable e, PollLoopSpec spec) {
    Optional<ClusterAccessException> access =
        access(e, spec.config().consumerConfig(spec.index()), spec.config().settings().topics());
    return access.isPresent() ? access.get() : Fencing.explain(e, spec);
  }

  /**
   * {@code e} as an engine reports it, for a client built from {@code clientConfig} that
   * subscribes to {@code topics} (named when the client's exception does not say which topic was
   * refused, as an Admin's does not).
   */
  public static Throwable explain(Throwable e, Map<String, ?> clientConfig, Collection<String> topics) {
    Optional<ClusterAccessException> access = access(e, clientConfig, topics);
    return access.isPresent() ? access.get() : e;
  }

  /**
   * The cluster's refusal in {@code e} or its causes, explained for a client built from {@code
   * clientConfig}; empty when {@code e} is no refusal.
   */
  public static Optional<ClusterAccessException> access(Throwable e, Map<String, ?> clientConfig,
      Collection<String> topics) {
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < MAX_CAUSES; t = t.getCause()) {
      if (t instanceof ClusterAccessException explained) {
        return Optional.of(explained);
      }
      if (t instanceof SslAuthenticationException) {
        return Optional.of(new ClusterAccessException(ClusterAccessException.Kind.TLS,
            tls(clientConfig, t), t));
      }
      if (t instanceof AuthenticationException) {
        return Optional.of(new ClusterAccessException(ClusterAccessException.Kind.AUTHENTICATION,
            login(clientConfig), t));
      }
      if (t instanceof AuthorizationException) {
        return Optional.of(new ClusterAccessException(ClusterAccessException.Kind.AUTHORIZATION,
            authorization(clientConfig, (AuthorizationException) t, topics), t));
      }
    }
    return Optional.empty();
  }

  private static String cluster(Map<String, ?> config) {
    Object servers = config.get("bootstrap.servers");
    return servers == null ? "Kafka" : "Kafka at " + servers;
  }

  private static String user(Map<String, ?> config) {
    return Secrets.username(config.get("sasl.jaas.config")).map(u -> "'" + u + "'")
        .orElse("(none: sasl.jaas.config names no username)");
  }

  private static String principal(Map<String, ?> config) {
    return Secrets.username(config.get("sasl.jaas.config")).map(u -> "User:" + u)
        .orElse("this client's principal");
  }

  static String login(Map<String, ?> config) {
    Object mechanism = config.get("sasl.mechanism");
    return cluster(config) + " refused the SASL login of user " + user(config) + " with mechanism "
        + (mechanism == null ? "GSSAPI (sasl.mechanism is not set)" : mechanism)
        + ": the user does not exist or the password is wrong — check username and password in"
        + " sasl.jaas.config, and that sasl.mechanism is one the broker enables";
  }

  static String tls(Map<String, ?> config, Throwable t) {
    Object location = config.get("ssl.truststore.location");
    String store = location == null
        ? "the JVM's default truststore (ssl.truststore.location is not set)"
        : "the truststore " + location + " (ssl.truststore.location)";
    return "TLS handshake with " + cluster(config) + " failed: the broker's certificate is not trusted by "
        + store + " — check that it holds the CA that signed the broker's certificate, and that the"
        + " certificate names the host in bootstrap.servers" + rootCause(t);
  }

  static String authorization(Map<String, ?> config, AuthorizationException t, Collection<String> subscribed) {
    String who = principal(config);
    String grantee = who.startsWith("User:") ? who : "<principal>";
    if (t instanceof TopicAuthorizationException topic
        && (!topic.unauthorizedTopics().isEmpty() || !subscribed.isEmpty())) {
      boolean known = !topic.unauthorizedTopics().isEmpty();
      Set<String> topics = new TreeSet<>(known ? topic.unauthorizedTopics() : subscribed);
      String first = topics.iterator().next();
      return "not authorized: missing READ on " + (known || topics.size() == 1 ? "" : "one of ") + "TOPIC "
          + String.join(", ", topics) + " for " + who
          + " — grant it, e.g. kafka-acls.sh --add --allow-principal " + grantee
          + " --operation READ --topic " + first;
    }
    if (t instanceof GroupAuthorizationException group) {
      Object id = group.groupId() != null ? group.groupId() : config.get("group.id");
      return "not authorized: missing READ on GROUP " + id + " for " + who
          + " — grant it, e.g. kafka-acls.sh --add --allow-principal " + grantee
          + " --operation READ --group " + id;
    }
    return "not authorized: " + cluster(config) + " refused " + who + ": " + oneLine(t.getMessage());
  }

  private static String rootCause(Throwable t) {
    Throwable root = t;
    int depth = 0;
    while (root.getCause() != null && root.getCause() != root && depth++ < MAX_CAUSES) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null || m.isBlank() ? "" : " (" + oneLine(m) + ")";
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s+", " ");
  }
}
