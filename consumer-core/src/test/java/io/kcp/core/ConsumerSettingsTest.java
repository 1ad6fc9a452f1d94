package io.kcp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsumerSettingsTest {

  private static final String SECRET = "s3cr3t-Hunter2";
  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required"
          + " username=\"alice\" password=\""
          + SECRET
          + "\";";

  private static ConsumerSettings.Builder valid() {
    return ConsumerSettings.builder()
        .bootstrapServers("localhost:9092")
        .groupId("orders-service")
        .topics("orders");
  }

  private static InvalidSettingsException invalid(ConsumerSettings.Builder builder) {
    return catchThrowableOfType(InvalidSettingsException.class, builder::build);
  }

  // ---------------------------------------------------------------- building and reading

  @Test
  void minimalSettingsGetTheDefaults() {
    ConsumerSettings settings = valid().build();

    assertThat(settings.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(settings.groupId()).isEqualTo("orders-service");
    assertThat(settings.topics()).containsExactly("orders");
    assertThat(settings.clientId()).isEmpty();
    assertThat(settings.pollTimeout())
        .isEqualTo(Duration.ofMillis(100))
        .isEqualTo(ConsumerSettings.DEFAULT_POLL_TIMEOUT);
    assertThat(settings.properties()).isEmpty();
  }

  @Test
  void everySettingIsKept() {
    ConsumerSettings settings =
        valid()
            .bootstrapServers(
                " broker-1:9092, broker-2.example.com:19092 ,[::1]:9093,10.0.0.7:9094")
            .topics(List.of("orders", "payments", "orders"))
            .clientId("orders-1")
            .pollTimeout(Duration.ofMillis(250))
            .property("max.poll.records", "50")
            .properties(Map.of("fetch.min.bytes", "1024", "isolation.level", "read_committed"))
            .build();

    assertThat(settings.bootstrapServers())
        .as("entries trimmed")
        .isEqualTo("broker-1:9092,broker-2.example.com:19092,[::1]:9093,10.0.0.7:9094");
    assertThat(settings.topics())
        .as("duplicates dropped, order kept")
        .containsExactly("orders", "payments");
    assertThat(settings.clientId()).hasValue("orders-1");
    assertThat(settings.pollTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.properties())
        .containsExactly(
            Map.entry("fetch.min.bytes", "1024"),
            Map.entry("isolation.level", "read_committed"),
            Map.entry("max.poll.records", "50"));
  }

  @Test
  void topicsReplaceEarlierTopics() {
    ConsumerSettings settings = valid().topics("a", "b").topics("c").build();
    assertThat(settings.topics()).containsExactly("c");
  }

  @Test
  void laterPropertyValueWinsAndRemovePropertyRemoves() {
    ConsumerSettings settings =
        valid()
            .property("max.poll.records", "10")
            .property("max.poll.records", "20")
            .property("fetch.min.bytes", "1")
            .removeProperty("fetch.min.bytes")
            .build();
    assertThat(settings.properties()).containsExactly(Map.entry("max.poll.records", "20"));
  }

  @Test
  void settingsAreImmutable() {
    List<String> topics = new ArrayList<>(List.of("orders"));
    ConsumerSettings.Builder builder = valid().topics(topics);
    ConsumerSettings settings = builder.build();
    topics.add("late");
    builder.property("max.poll.records", "7").topics("other");

    assertThat(settings.topics()).containsExactly("orders");
    assertThat(settings.properties()).isEmpty();
    assertThatThrownBy(() -> settings.topics().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> settings.properties().put("a", "b"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> settings.redactedProperties().put("a", "b"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toBuilderRoundTripsAndDerivesChangedCopies() {
    ConsumerSettings original =
        valid()
            .clientId("c")
            .pollTimeout(Duration.ofSeconds(1))
            .property("max.poll.records", "5")
            .build();

    assertThat(original.toBuilder().build()).isEqualTo(original).isNotSameAs(original);

    ConsumerSettings changed = original.toBuilder().groupId("other-group").build();
    assertThat(changed.groupId()).isEqualTo("other-group");
    assertThat(changed.properties()).isEqualTo(original.properties());
    assertThat(changed.clientId()).hasValue("c");
    assertThat(original.groupId()).isEqualTo("orders-service");
  }

  @Test
  void nullArgumentsToCollectionsAndPropertiesFailFast() {
    ConsumerSettings.Builder builder = ConsumerSettings.builder();
    assertThatThrownBy(() -> builder.property(null, "v")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.property("max.poll.records", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.properties(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.topics((List<String>) null))
        .isInstanceOf(NullPointerException.class);
  }

  // ---------------------------------------------------------------- consumer config

  @Test
  void consumerConfigHasTheTypedSettingsAndSafeDefaults() {
    Map<String, Object> config = valid().clientId("orders-1").build().toConsumerConfig();

    assertThat(config)
        .containsExactly(
            Map.entry("bootstrap.servers", "localhost:9092"),
            Map.entry("group.id", "orders-service"),
            Map.entry("client.id", "orders-1"),
            Map.entry("enable.auto.commit", "false"),
            Map.entry("auto.offset.reset", "earliest"),
            Map.entry("allow.auto.create.topics", "false"));
  }

  @Test
  void consumerConfigLeavesClientIdOutWhenUnsetAndPassesPropertiesThrough() {
    Map<String, Object> config =
        valid()
            .property("auto.offset.reset", "latest")
            .property("max.poll.records", "42")
            .property("enable.auto.commit", "false")
            .property("sasl.jaas.config", JAAS)
            .build()
            .toConsumerConfig();

    assertThat(config).doesNotContainKey("client.id");
    assertThat(config).containsEntry("auto.offset.reset", "latest");
    assertThat(config).containsEntry("max.poll.records", "42");
    assertThat(config).containsEntry("enable.auto.commit", "false");
    assertThat(config)
        .as("the consumer needs the real secret")
        .containsEntry("sasl.jaas.config", JAAS);
  }

  @Test
  void typedPropertyValuesAreTakenAsKafkaTakesThem() {
    Map<String, Object> typed = new java.util.LinkedHashMap<>();
    typed.put("max.poll.records", 50);
    typed.put("isolation.level", "read_committed");
    typed.put("enable.auto.commit", false);
    typed.put("interceptor.classes", List.of(StringDeserializer.class, KafkaConsumer.class));
    typed.put("ssl.key.password", new org.apache.kafka.common.config.types.Password("s3cret"));

    ConsumerSettings settings = valid().properties(typed).build();

    assertThat(settings.toConsumerConfig())
        .containsEntry("max.poll.records", "50")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("interceptor.classes", StringDeserializer.class.getName() + ","
            + KafkaConsumer.class.getName())
        .containsEntry("ssl.key.password", "s3cret");
    assertThat(invalid(valid().property("enable.auto.commit", Boolean.TRUE)).problems())
        .singleElement().asString().startsWith("property 'enable.auto.commit=true' is not allowed:");
  }

  @Test
  void consumerConfigIsAFreshModifiableMap() {
    ConsumerSettings settings = valid().build();
    Map<String, Object> config = settings.toConsumerConfig();
    config.put("key.deserializer", StringDeserializer.class);

    assertThat(settings.toConsumerConfig()).doesNotContainKey("key.deserializer");
  }

  @Test
  void kafkaAcceptsTheConsumerConfig() {
    Map<String, Object> config =
        valid()
            .clientId("kcp-test")
            .property("max.poll.records", "10")
            .property("request.timeout.ms", "1000")
            .build()
            .toConsumerConfig();
    // constructing a consumer parses the whole config; it does not connect
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      assertThat(consumer.groupMetadata().groupId()).isEqualTo("orders-service");
    }
  }

  // ---------------------------------------------------------------- validation

  @Test
  void missingRequiredSettingsAreAllReportedTogether() {
    InvalidSettingsException e = invalid(ConsumerSettings.builder());

    assertThat(e).isInstanceOf(IllegalArgumentException.class);
    assertThat(e.problems())
        .containsExactly(
            "bootstrapServers is required: pass host:port[,host:port], e.g. localhost:9092",
            "groupId is required and must not be blank: pass the consumer group's id,"
                + " e.g. groupId(\"orders-service\")",
            "topics is required: pass at least one topic, e.g. topics(\"orders\")");
    assertThat(e.getMessage())
        .isEqualTo(
            "Invalid consumer settings (3 problems):\n  - " + String.join("\n  - ", e.problems()));
  }

  @Test
  void oneProblemIsReportedInTheSingular() {
    InvalidSettingsException e = invalid(valid().groupId(" "));
    assertThat(e.problems()).hasSize(1);
    assertThat(e.getMessage())
        .startsWith("Invalid consumer settings (1 problem):\n  - groupId is required");
    assertThat(e.getMessage().lines()).hasSize(2);
  }

  @Test
  void everyKindOfProblemAtOnceOneLineEach() {
    InvalidSettingsException e =
        invalid(
            ConsumerSettings.builder()
                .bootstrapServers("localhost")
                .groupId("")
                .topics("bad topic")
                .clientId(" ")
                .pollTimeout(Duration.ZERO)
                .property("max.poll.record", "10")
                .property("group.id", "g")
                .property("enable.auto.commit", "true"));

    assertThat(e.problems()).hasSize(8);
    assertThat(e.getMessage().lines()).hasSize(9);
    assertThat(e.problems()).allSatisfy(p -> assertThat(p).doesNotContain("\n"));
  }

  @Test
  void blankBootstrapServersIsRequired() {
    assertThat(invalid(valid().bootstrapServers("  ")).problems())
        .containsExactly(
            "bootstrapServers is required: pass host:port[,host:port], e.g. localhost:9092");
    assertThat(invalid(valid().bootstrapServers(null)).problems()).hasSize(1);
  }

  @Test
  void bootstrapEntryWithoutPortSaysToAddIt() {
    assertThat(invalid(valid().bootstrapServers("broker-1")).problems())
        .containsExactly(
            "bootstrapServers entry 'broker-1' is not host:port: add the port, e.g. broker-1:9092");
  }

  @Test
  void bootstrapEntriesAreCheckedOneByOne() {
    InvalidSettingsException e =
        invalid(
            valid()
                .bootstrapServers(
                    "ok:9092,bad host:9092,:9092,h:abc,h:0,h:65536,h:65535,,[::1]:9092"));

    assertThat(e.problems())
        .containsExactly(
            "bootstrapServers entry 'bad host:9092' is not host:port: e.g. localhost:9092",
            "bootstrapServers entry ':9092' is not host:port: e.g. localhost:9092",
            "bootstrapServers entry 'h:abc' is not host:port: e.g. localhost:9092",
            "bootstrapServers entry 'h:0' has port 0: use a port in 1..65535",
            "bootstrapServers entry 'h:65536' has port 65536: use a port in 1..65535",
            "bootstrapServers 'ok:9092,bad host:9092,:9092,h:abc,h:0,h:65536,h:65535,,[::1]:9092'"
                + " has an empty entry: remove the extra comma");
  }

  @Test
  void bootstrapEntryWithSchemeSaysToDropIt() {
    assertThat(invalid(valid().bootstrapServers("SASL_SSL://broker:9093")).problems())
        .containsExactly(
            "bootstrapServers entry 'SASL_SSL://broker:9093' has a scheme: pass 'broker:9093'"
                + " and set the protocol with property(\"security.protocol\", ...)");
  }

  @Test
  void trailingCommaIsAnEmptyEntry() {
    assertThat(invalid(valid().bootstrapServers("a:1,")).problems())
        .singleElement()
        .asString()
        .contains("empty entry");
  }

  @Test
  void topicNamesFollowKafkaRules() {
    String longest = "t".repeat(249);
    ConsumerSettings ok = valid().topics("orders", "a.b_c-D9", longest).build();
    assertThat(ok.topics()).containsExactly("orders", "a.b_c-D9", longest);

    InvalidSettingsException e =
        invalid(
            valid()
                .topics("ok", ".", "..", "has space", "ümlaut", "t".repeat(250), "", null, "a/b"));
    assertThat(e.problems())
        .containsExactly(
            "topic '.' is not a legal Kafka topic name: '.' and '..' are reserved",
            "topic '..' is not a legal Kafka topic name: '.' and '..' are reserved",
            "topic 'has space' is not a legal Kafka topic name: use only ASCII letters, digits,"
                + " '.', '_' and '-'",
            "topic 'ümlaut' is not a legal Kafka topic name: use only ASCII letters, digits,"
                + " '.', '_' and '-'",
            "topic 'tttttttttttttttttttt...' is 250 characters long: Kafka allows at most 249",
            "topics contains a blank name: remove it",
            "topics contains a null name: remove it",
            "topic 'a/b' is not a legal Kafka topic name: use only ASCII letters, digits,"
                + " '.', '_' and '-'");
  }

  @Test
  void emptyTopicListIsRequired() {
    assertThat(invalid(valid().topics(List.of())).problems())
        .containsExactly("topics is required: pass at least one topic, e.g. topics(\"orders\")");
  }

  @Test
  void blankClientIdIsRejectedButNullMeansUnset() {
    assertThat(invalid(valid().clientId("")).problems())
        .containsExactly("clientId is blank: pass a non-blank id, or null to let Kafka pick one");
    assertThat(valid().clientId("x").clientId(null).build().clientId()).isEmpty();
  }

  @Test
  void pollTimeoutMustBePositive() {
    assertThat(invalid(valid().pollTimeout(Duration.ZERO)).problems())
        .containsExactly(
            "pollTimeout must be positive, got PT0S: pass e.g. Duration.ofMillis(100)");
    assertThat(invalid(valid().pollTimeout(Duration.ofMillis(-5))).problems())
        .containsExactly(
            "pollTimeout must be positive, got PT-0.005S: pass e.g. Duration.ofMillis(100)");
    assertThat(invalid(valid().pollTimeout(null)).problems())
        .containsExactly(
            "pollTimeout is required: pass a positive Duration, e.g. Duration.ofMillis(100)");
    assertThat(valid().pollTimeout(Duration.ofNanos(1)).build().pollTimeout())
        .isEqualTo(Duration.ofNanos(1));
  }

  @Test
  void unknownPropertySuggestsTheClosestKnownName() {
    InvalidSettingsException e =
        invalid(
            valid()
                .property("max.poll.record", "10")
                .property("auto.commit.enable", "false")
                .property("MAX.PARTITION.FETCH.BYTES", "1")
                .property("schema.registry.url", "http://registry:8081"));

    assertThat(e.problems())
        .containsExactly(
            "property 'max.poll.record' is not a Kafka consumer config:"
                + " did you mean max.poll.records?",
            "property 'auto.commit.enable' is not a Kafka consumer config:"
                + " did you mean enable.auto.commit?",
            "property 'MAX.PARTITION.FETCH.BYTES' is not a Kafka consumer config:"
                + " did you mean max.partition.fetch.bytes?",
            "property 'schema.registry.url' is not a Kafka consumer config:"
                + " see ConsumerConfig.configNames() for the known names");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bootstrap.servers", "group.id", "client.id"})
  void propertyDuplicatingATypedSettingNamesTheSetter(String key) {
    String setter =
        Map.of(
                "bootstrap.servers",
                "bootstrapServers",
                "group.id",
                "groupId",
                "client.id",
                "clientId")
            .get(key);

    assertThat(invalid(valid().property(key, "x:1")).problems())
        .containsExactly(
            "property '"
                + key
                + "' duplicates a typed setting: use "
                + setter
                + "(...) instead of property(\""
                + key
                + "\", ...)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", " true "})
  void autoCommitIsRefusedWithTheReason(String value) {
    assertThat(invalid(valid().property("enable.auto.commit", value)).problems())
        .singleElement()
        .asString()
        .startsWith("property 'enable.auto.commit=true' is not allowed:")
        .contains("only after its record was processed")
        .contains("NAIVE mode");
  }

  @Test
  void autoCommitFalseIsAcceptedAndOtherValuesAreNot() {
    assertThat(valid().property("enable.auto.commit", "false").build().toConsumerConfig())
        .containsEntry("enable.auto.commit", "false");
    assertThat(invalid(valid().property("enable.auto.commit", "yes")).problems())
        .containsExactly(
            "property 'enable.auto.commit' must be false if given, got 'yes':"
                + " leave it out, engines always commit after processing");
  }

  @Test
  void propertyValuesAreCheckedWithKafkasOwnRules() {
    InvalidSettingsException e =
        invalid(
            valid()
                .property("max.poll.records", "many")
                .property("auto.offset.reset", "sometimes")
                .property("fetch.min.bytes", "-1"));

    assertThat(e.problems()).hasSize(3);
    assertThat(e.problems().get(0))
        .startsWith("property 'max.poll.records' has an invalid value:")
        .contains("many");
    assertThat(e.problems().get(1))
        .startsWith("property 'auto.offset.reset' has an invalid value:")
        .contains("sometimes")
        .as("Kafka's validator lists the valid values")
        .contains("earliest");
    assertThat(e.problems().get(2))
        .startsWith("property 'fetch.min.bytes' has an invalid value:")
        .contains("-1");
  }

  @Test
  void classNamesAreNotLoadedAtBuildTime() {
    ConsumerSettings settings =
        valid().property("partition.assignment.strategy", "com.example.NotOnTheClasspath").build();
    assertThat(settings.properties())
        .containsEntry("partition.assignment.strategy", "com.example.NotOnTheClasspath");
  }

  // ---------------------------------------------------------------- secrets

  @Test
  void secretsAreRedactedInToString() {
    ConsumerSettings settings =
        valid()
            .clientId("orders-1")
            .property("security.protocol", "SASL_SSL")
            .property("sasl.mechanism", "PLAIN")
            .property("sasl.jaas.config", JAAS)
            .property("ssl.truststore.password", SECRET + "-1")
            .property("ssl.keystore.password", SECRET + "-2")
            .property("ssl.key.password", SECRET + "-3")
            .property("ssl.keystore.key", SECRET + "-4")
            .property("ssl.truststore.certificates", SECRET + "-5")
            .property("sasl.oauthbearer.client.credentials.client.secret", SECRET + "-6")
            .build();

    String printed = settings.toString();
    assertThat(printed).doesNotContain(SECRET).doesNotContain("alice");
    assertThat(printed)
        .isEqualTo(
            "ConsumerSettings{bootstrapServers=localhost:9092, groupId=orders-service,"
                + " topics=[orders], clientId=orders-1, pollTimeout=PT0.1S, properties={"
                + "sasl.jaas.config=[redacted], sasl.mechanism=PLAIN,"
                + " sasl.oauthbearer.client.credentials.client.secret=[redacted],"
                + " security.protocol=SASL_SSL, ssl.key.password=[redacted],"
                + " ssl.keystore.key=[redacted], ssl.keystore.password=[redacted],"
                + " ssl.truststore.certificates=[redacted], ssl.truststore.password=[redacted]}}");
    assertThat(settings.redactedProperties())
        .containsEntry("sasl.jaas.config", "[redacted]")
        .containsEntry("ssl.key.password", "[redacted]")
        .containsEntry("sasl.mechanism", "PLAIN")
        .hasSameSizeAs(settings.properties());
    assertThat(settings.redactedProperties().values()).noneMatch(v -> v.contains(SECRET));
    assertThat(settings.properties())
        .as("the real values are kept")
        .containsEntry("ssl.key.password", SECRET + "-3");
  }

  @Test
  void secretsNeverAppearInTheExceptionMessage() {
    InvalidSettingsException e =
        invalid(
            ConsumerSettings.builder()
                .property("sasl.jaas.config", JAAS)
                .property("ssl.key.password", SECRET)
                .property("ssl.keystore.passwrd", SECRET) // a typo: an unknown key
                .property("group.id", SECRET) // a typed setting passed as a property
                .property("max.poll.records", "lots")); // values of non-secret keys are shown

    assertThat(e.problems())
        .contains(
            "property 'ssl.keystore.passwrd' is not a Kafka consumer config:"
                + " did you mean ssl.keystore.password?");
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("lots"));
    assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("alice");
    assertThat(e.problems()).noneMatch(p -> p.contains(SECRET));
    assertThat(e.getMessage())
        .as("secret keys have nothing to complain about")
        .doesNotContain("jaas");
  }

  @Test
  void secretKeysAreRecognized() {
    assertThat(ConsumerSettings.isSecret("sasl.jaas.config")).isTrue();
    assertThat(ConsumerSettings.isSecret("ssl.keystore.password")).isTrue();
    assertThat(ConsumerSettings.isSecret("ssl.key.password")).isTrue();
    assertThat(ConsumerSettings.isSecret("ssl.keystore.key")).isTrue();
    assertThat(ConsumerSettings.isSecret("my.custom.key")).isTrue();
    assertThat(ConsumerSettings.isSecret("ssl.truststore.certificates"))
        .as("PASSWORD-typed")
        .isTrue();
    assertThat(ConsumerSettings.isSecret("SSL.KEY.PASSWORD")).isTrue();
    assertThat(ConsumerSettings.isSecret("some.client.secret")).isTrue();
    assertThat(ConsumerSettings.isSecret("ssl.keystore.type")).isFalse();
    assertThat(ConsumerSettings.isSecret("ssl.keystore.location")).isFalse();
    assertThat(ConsumerSettings.isSecret("max.poll.records")).isFalse();
    assertThat(ConsumerSettings.isSecret("key.deserializer")).isFalse();
  }

  // ---------------------------------------------------------------- equality

  @Test
  void equalWhenEverySettingIsEqual() {
    ConsumerSettings a =
        valid()
            .clientId("c")
            .property("max.poll.records", "5")
            .property("fetch.min.bytes", "2")
            .build();
    ConsumerSettings b =
        valid()
            .property("fetch.min.bytes", "2")
            .property("max.poll.records", "5")
            .clientId("c")
            .build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(null).isNotEqualTo("settings");
    for (ConsumerSettings different :
        Arrays.asList(
            b.toBuilder().bootstrapServers("other:9092").build(),
            b.toBuilder().groupId("g2").build(),
            b.toBuilder().topics("orders", "more").build(),
            b.toBuilder().clientId(null).build(),
            b.toBuilder().pollTimeout(Duration.ofMillis(101)).build(),
            b.toBuilder().property("max.poll.records", "6").build())) {
      assertThat(a).isNotEqualTo(different);
    }
  }

  @Test
  void aPluginsOwnKeysPassThroughUncheckedAndSurviveToBuilder() {
    ConsumerSettings s = ConsumerSettings.builder().bootstrapServers("localhost:9092").groupId("g").topics("t")
        .pluginProperties(java.util.Map.of("kcp.canary.version", "v2", "max.poll.records", "7")).build();
    assertThat(s.toConsumerConfig()).containsEntry("kcp.canary.version", "v2").containsEntry("max.poll.records", "7");
    assertThat(s.toBuilder().groupId("h").build().properties()).containsEntry("kcp.canary.version", "v2");
    // the same unknown key through property(...) is still refused
    assertThatThrownBy(() -> ConsumerSettings.builder().bootstrapServers("localhost:9092").groupId("g").topics("t")
        .property("kcp.canary.version", "v2").build())
        .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("is not a Kafka consumer config");
    // a known key through pluginProperty(...) is checked as usual
    assertThatThrownBy(() -> ConsumerSettings.builder().bootstrapServers("localhost:9092").groupId("g").topics("t")
        .pluginProperty("max.poll.records", "many").build()).isInstanceOf(InvalidSettingsException.class);
  }
}
