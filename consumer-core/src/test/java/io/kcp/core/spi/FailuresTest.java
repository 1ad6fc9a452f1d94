package io.kcp.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.core.ClusterAccessException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** The one line an engine reports for each refusal, without a broker. */
class FailuresTest {
  static final Map<String, Object> SECURED = Map.of(
      "bootstrap.servers", "kafka-1:9093",
      "security.protocol", "SASL_SSL",
      "sasl.mechanism", "SCRAM-SHA-512",
      "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=\"alice\" password=\"pw-never-shown\";",
      "ssl.truststore.location", "/etc/kafka/ts.p12",
      "ssl.truststore.password", "ts-never-shown",
      "group.id", "orders-g");

  static ClusterAccessException explain(Throwable e, Map<String, Object> config) {
    Throwable t = Failures.explain(e, config, List.of("orders"));
    assertThat(t).isInstanceOf(ClusterAccessException.class);
    assertThat(t.getMessage()).doesNotContain("pw-never-shown", "ts-never-shown", "\n");
    return (ClusterAccessException) t;
  }

  @Test
  void aRefusedLoginNamesTheMechanismAndTheUser() {
    ClusterAccessException e = explain(new SaslAuthenticationException(
        "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"),
        SECURED);
    assertThat(e.kind()).isEqualTo(ClusterAccessException.Kind.AUTHENTICATION);
    assertThat(e.getMessage()).isEqualTo("Kafka at kafka-1:9093 refused the SASL login of user 'alice' with"
        + " mechanism SCRAM-SHA-512: the user does not exist or the password is wrong — check username and"
        + " password in sasl.jaas.config, and that sasl.mechanism is one the broker enables");
  }

  @Test
  void aFailedHandshakeNamesTheTruststoreOrTheJvmDefault() {
    SslAuthenticationException ssl = new SslAuthenticationException("SSL handshake failed",
        new SSLHandshakeException("PKIX path building failed"));
    ClusterAccessException e = explain(ssl, SECURED);
    assertThat(e.kind()).isEqualTo(ClusterAccessException.Kind.TLS);
    assertThat(e.getMessage()).contains("not trusted by the truststore /etc/kafka/ts.p12 (ssl.truststore.location)")
        .endsWith("(PKIX path building failed)");
    Map<String, Object> noStore = new java.util.HashMap<>(SECURED);
    noStore.remove("ssl.truststore.location");
    assertThat(explain(ssl, noStore).getMessage())
        .contains("the JVM's default truststore (ssl.truststore.location is not set)");
  }

  @Test
  void aMissingAclNamesTheOperationTheResourceAndThePrincipal() {
    assertThat(explain(new TopicAuthorizationException(Set.of("orders")), SECURED).getMessage())
        .startsWith("not authorized: missing READ on TOPIC orders for User:alice — grant it, e.g. kafka-acls.sh"
            + " --add --allow-principal User:alice --operation READ --topic orders");
    assertThat(explain(new TopicAuthorizationException("Topic authorization failed."), SECURED).getMessage())
        .as("an Admin's exception names no topic: the subscribed one is named")
        .startsWith("not authorized: missing READ on TOPIC orders for User:alice");
    assertThat(explain(GroupAuthorizationException.forGroupId("orders-g"), SECURED).getMessage())
        .startsWith("not authorized: missing READ on GROUP orders-g for User:alice");
    assertThat(explain(new GroupAuthorizationException("Not authorized to access group"), SECURED).getMessage())
        .startsWith("not authorized: missing READ on GROUP orders-g for User:alice");
  }

  @Test
  void aRefusalIsFoundInsideWrappersAndAnythingElseStaysAsItIs() {
    KafkaException wrapped = new KafkaException("Failed to construct", new SaslAuthenticationException("x"));
    assertThat(explain(wrapped, SECURED).getCause()).isInstanceOf(SaslAuthenticationException.class);
    IllegalStateException other = new IllegalStateException("boom");
    assertThat(Failures.explain(other, SECURED, List.of("orders"))).isSameAs(other);
  }

  @Test
  void withoutSaslThePrincipalIsNotGuessed() {
    Map<String, Object> tlsOnly = Map.of("bootstrap.servers", "k:9093", "security.protocol", "SSL");
    assertThat(explain(new TopicAuthorizationException(Set.of("orders")), tlsOnly).getMessage())
        .contains("for this client's principal").contains("--allow-principal <principal>");
  }
}
