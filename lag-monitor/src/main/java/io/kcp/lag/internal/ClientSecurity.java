package io.kcp.lag.internal;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * lag-monitor's copy of consumer-core's {@code Secrets} rules and {@code Failures} wording, kept
 * small: lag-monitor depends on no module of ours (a user who wants lag monitoring pulls one jar),
 * so it cannot call consumer-core. What is secret and how a refusal reads must stay the same in
 * both; {@code SecretsTest} in consumer-core and {@code ClientSecurityTest} here check the same
 * cases.
 */
public final class ClientSecurity {
  /** What a secret value is replaced with (the same as consumer-core's). */
  public static final String REDACTED = "[redacted]";

  private static final Pattern JAAS_USER =
      Pattern.compile("(?i)\\busername\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s;]+))");
  private static final int MAX_CAUSES = 16;

  private ClientSecurity() {}

  /** Whether the value of the client property {@code key} must never be printed. */
  public static boolean isSecret(String key) {
    if (key == null) {
      return false;
    }
    String lower = key.toLowerCase(Locale.ROOT);
    if (lower.equals("sasl.jaas.config") || lower.contains("password") || lower.contains("secret")
        || lower.contains("user.info") || lower.endsWith(".key") || lower.endsWith("headers")) {
      return true;
    }
    ConfigDef.ConfigKey k = AdminClientConfig.configDef().configKeys().get(key);
    return k != null && k.type == ConfigDef.Type.PASSWORD;
  }

  /** A sorted, unmodifiable copy with every secret value {@link #REDACTED}. */
  public static Map<String, String> redact(Map<String, ?> config) {
    Map<String, String> out = new TreeMap<>();
    if (config != null) {
      config.forEach((k, v) -> out.put(k, v == null ? null : isSecret(k) ? REDACTED : String.valueOf(v)));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The {@code username} in a JAAS config line, if it names one. */
  public static Optional<String> username(Object jaasConfig) {
    if (jaasConfig == null) {
      return Optional.empty();
    }
    Matcher m = JAAS_USER.matcher(String.valueOf(jaasConfig));
    if (!m.find()) {
      return Optional.empty();
    }
    for (int g = 1; g <= 3; g++) {
      if (m.group(g) != null) {
        return Optional.of(m.group(g));
      }
    }
    return Optional.empty();
  }

  /**
   * The one line for the cluster's refusal in {@code e} or its causes (login, TLS handshake, ACL)
   * for an Admin client built from {@code config}, which reads (so an ACL it lacks is DESCRIBE);
   * {@code asked} are the topics of the call, named when the exception does not say which one was
   * refused (an Admin's does not); empty when {@code e} is no refusal.
   */
  public static Optional<String> refusal(Throwable e, Map<String, ?> config, String cluster,
      java.util.Collection<String> asked) {
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < MAX_CAUSES; t = t.getCause()) {
      if (t instanceof SslAuthenticationException) {
        Object location = config.get("ssl.truststore.location");
        String store = location == null
            ? "the JVM's default truststore (ssl.truststore.location is not set)"
            : "the truststore " + location + " (ssl.truststore.location)";
        return Optional.of("TLS handshake with Kafka at " + cluster + " failed: the broker's certificate is not"
            + " trusted by " + store + " — check that it holds the CA that signed the broker's certificate,"
            + " and that the certificate names the host in bootstrap.servers" + rootCause(t));
      }
      if (t instanceof AuthenticationException) {
        Object mechanism = config.get("sasl.mechanism");
        return Optional.of("Kafka at " + cluster + " refused the SASL login of user "
            + username(config.get("sasl.jaas.config")).map(u -> "'" + u + "'")
                .orElse("(none: sasl.jaas.config names no username)")
            + " with mechanism " + (mechanism == null ? "GSSAPI (sasl.mechanism is not set)" : mechanism)
            + ": the user does not exist or the password is wrong — check username and password in"
            + " sasl.jaas.config, and that sasl.mechanism is one the broker enables");
      }
      if (t instanceof AuthorizationException a) {
        Optional<String> user = username(config.get("sasl.jaas.config"));
        String who = user.map(u -> "User:" + u).orElse("this client's principal");
        String grantee = user.map(u -> "User:" + u).orElse("<principal>");
        if (a instanceof TopicAuthorizationException topic
            && (!topic.unauthorizedTopics().isEmpty() || !asked.isEmpty())) {
          boolean known = !topic.unauthorizedTopics().isEmpty();
          Set<String> topics = new TreeSet<>(known ? topic.unauthorizedTopics() : asked);
          return Optional.of("not authorized: missing DESCRIBE on " + (known || topics.size() == 1 ? "" : "one of ")
              + "TOPIC " + String.join(", ", topics) + " for "
              + who + " — grant it (READ includes it), e.g. kafka-acls.sh --add --allow-principal " + grantee
              + " --operation DESCRIBE --topic " + topics.iterator().next());
        }
        if (a instanceof GroupAuthorizationException group && group.groupId() != null) {
          return Optional.of("not authorized: missing DESCRIBE on GROUP " + group.groupId() + " for " + who
              + " — grant it (READ includes it), e.g. kafka-acls.sh --add --allow-principal " + grantee
              + " --operation DESCRIBE --group " + group.groupId());
        }
        return Optional.of("not authorized: Kafka at " + cluster + " refused " + who + ": "
            + String.valueOf(a.getMessage()).strip().replaceAll("\\s+", " "));
      }
    }
    return Optional.empty();
  }

  private static String rootCause(Throwable t) {
    Throwable root = t;
    int depth = 0;
    while (root.getCause() != null && root.getCause() != root && depth++ < MAX_CAUSES) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null || m.isBlank() ? "" : " (" + m.strip().replaceAll("\\s+", " ") + ")";
  }
}
