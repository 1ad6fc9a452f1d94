package io.kcp.lag.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** lag-monitor's copy of the redaction rules says what consumer-core's {@code SecretsTest} says. */
class ClientSecurityTest {
  static final Map<String, Object> SECURED = Map.of(
      "sasl.mechanism", "SCRAM-SHA-512",
      "sasl.jaas.config", "ScramLoginModule required username=\"alice\" password=\"pw-never-shown\";",
      "ssl.truststore.password", "ts-never-shown");

  @ParameterizedTest
  @ValueSource(strings = {"sasl.jaas.config", "SASL.JAAS.CONFIG", "ssl.keystore.password", "ssl.key.password",
      "ssl.truststore.password", "basic.auth.user.info", "otel.exporter.otlp.headers", "ssl.truststore.certificates",
      "sasl.oauthbearer.client.credentials.client.secret"})
  void secretKeys(String key) {
    assertThat(ClientSecurity.isSecret(key)).as(key).isTrue();
  }

  @Test
  void redactAndUsername() {
    assertThat(ClientSecurity.redact(SECURED)).containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", ClientSecurity.REDACTED)
        .containsEntry("ssl.truststore.password", ClientSecurity.REDACTED);
    assertThat(ClientSecurity.username(SECURED.get("sasl.jaas.config"))).hasValue("alice");
  }

  @Test
  void refusalsForAnAdminNameDescribe() {
    assertThat(ClientSecurity.refusal(new SaslAuthenticationException("x"), SECURED, "k:9093", Set.of()))
        .hasValueSatisfying(m -> assertThat(m).contains("user 'alice' with mechanism SCRAM-SHA-512")
            .doesNotContain("pw-never-shown"));
    assertThat(ClientSecurity.refusal(new TopicAuthorizationException("Topic authorization failed."), SECURED,
        "k:9093", Set.of("orders")))
        .hasValueSatisfying(m -> assertThat(m).startsWith("not authorized: missing DESCRIBE on TOPIC orders for"
            + " User:alice"));
    assertThat(ClientSecurity.refusal(GroupAuthorizationException.forGroupId("g"), SECURED, "k:9093", Set.of()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("not authorized: missing DESCRIBE on GROUP g for User:alice"));
    assertThat(ClientSecurity.refusal(new IllegalStateException("x"), SECURED, "k:9093", Set.of())).isEmpty();
  }
}
