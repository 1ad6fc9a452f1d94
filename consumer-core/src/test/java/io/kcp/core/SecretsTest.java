package io.kcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {
  static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
      + " username=\"alice\" password=\"s3cr3t-Pa55\";";

  @ParameterizedTest
  @ValueSource(strings = {
      "sasl.jaas.config", "SASL.JAAS.CONFIG",
      "ssl.keystore.password", "ssl.key.password", "ssl.truststore.password", "SSL.TrustStore.Password",
      "basic.auth.user.info", "schema.registry.basic.auth.user.info",
      "otel.exporter.otlp.headers", "OTEL_EXPORTER_OTLP_HEADERS",
      "sasl.oauthbearer.client.credentials.client.secret", "ssl.keystore.key",
      "ssl.truststore.certificates", // typed PASSWORD by Kafka, no tell-tale word in its name
      "my.plugin.Password"})
  void everyKindOfSecretKeyIsSecretWhateverItsCase(String key) {
    assertThat(Secrets.isSecret(key)).as(key).isTrue();
    assertThat(Secrets.redactValue(key, "v")).isEqualTo(Secrets.REDACTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"security.protocol", "sasl.mechanism", "ssl.truststore.location", "ssl.truststore.type",
      "bootstrap.servers", "group.id", "max.poll.records", "client.id"})
  void ordinarySettingsAreShown(String key) {
    assertThat(Secrets.isSecret(key)).as(key).isFalse();
    assertThat(Secrets.redactValue(key, "v")).isEqualTo("v");
  }

  @Test
  void redactKeepsEveryKeyAndHidesOnlySecretValues() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("security.protocol", "SASL_SSL");
    config.put("sasl.jaas.config", JAAS);
    config.put("ssl.truststore.password", "ts-pw-123");
    config.put("max.poll.records", 50);
    assertThat(Secrets.redact(config)).containsExactly(
        Map.entry("max.poll.records", "50"),
        Map.entry("sasl.jaas.config", Secrets.REDACTED),
        Map.entry("security.protocol", "SASL_SSL"),
        Map.entry("ssl.truststore.password", Secrets.REDACTED));
    assertThat(Secrets.redact(config).toString()).doesNotContain("s3cr3t-Pa55", "ts-pw-123", "alice");
  }

  @Test
  void scrubTakesSecretValuesOutOfFreeText() {
    Map<String, Object> config = Map.of("sasl.jaas.config", JAAS, "ssl.truststore.password", "ts-pw-123",
        "security.protocol", "SASL_SSL");
    String message = "Failed to construct kafka consumer with " + JAAS + " and store password ts-pw-123"
        + " (the password s3cr3t-Pa55 quoted alone), protocol SASL_SSL";
    String scrubbed = Secrets.scrub(message, config);
    assertThat(scrubbed).doesNotContain("s3cr3t-Pa55", "ts-pw-123").contains("protocol SASL_SSL");
  }

  @Test
  void scrubHidesJaasPasswordsItWasNotTold() {
    assertThat(Secrets.scrub("bad line: ScramLoginModule required username=\"bob\" password=\"hunter22\";", Map.of()))
        .isEqualTo("bad line: ScramLoginModule required username=\"bob\" password=[redacted];");
    assertThat(Secrets.scrub("-p ssl.key.password=abc12345 given", Map.of()))
        .isEqualTo("-p ssl.key.password=[redacted] given");
    assertThat(Secrets.scrub("PASSWORD='x-y-z'", null)).isEqualTo("PASSWORD=[redacted]");
  }

  @Test
  void usernameIsReadFromTheJaasConfigAndNothingElse() {
    assertThat(Secrets.username(JAAS)).hasValue("alice");
    assertThat(Secrets.username("PlainLoginModule required USERNAME='bob' password='x';")).hasValue("bob");
    assertThat(Secrets.username("ScramLoginModule required username=carol password=y;")).hasValue("carol");
    assertThat(Secrets.username("OAuthBearerLoginModule required;")).isEmpty();
    assertThat(Secrets.username(null)).isEmpty();
  }

  @Test
  void otlpHeadersKeepTheirNamesAndLoseTheirValues() {
    assertThat(Secrets.redactHeaders("Authorization=Bearer abc.def, x-api-key=k-123"))
        .isEqualTo("Authorization=[redacted],x-api-key=[redacted]");
    assertThat(Secrets.redactHeaders("")).isEmpty();
  }

  @Test
  void consumerSettingsUsesTheSameRules() {
    ConsumerSettings s = ConsumerSettings.builder().bootstrapServers("localhost:9092").groupId("g").topics("t")
        .property("sasl.jaas.config", JAAS).property("ssl.truststore.password", "ts-pw-123")
        .property("security.protocol", "SASL_SSL").build();
    assertThat(s.toString()).doesNotContain("s3cr3t-Pa55", "ts-pw-123").contains("security.protocol=SASL_SSL");
    assertThat(ConsumerSettings.REDACTED).isEqualTo(Secrets.REDACTED);
  }
}
