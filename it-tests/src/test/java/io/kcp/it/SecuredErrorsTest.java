package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.kcp.core.ClusterAccessException;
import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.EngineState;
import io.kcp.core.RecordHandler;
import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagException;
import io.kcp.partition.PartitionConfig;
import io.kcp.partition.PartitionStrategy;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.sandbox.SandboxSecurity;
import io.kcp.sandbox.SandboxUser;
import io.kcp.share.ShareConfig;
import io.kcp.share.ShareStrategy;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategy;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a consumer sees when a secured cluster refuses it, on one secured sandbox broker: a wrong
 * password, an unknown user, a certificate the truststore does not trust (no truststore, or
 * another one), no READ on the topic, no READ on the group. Every engine — worker, partition and
 * share strategy — ends FAILED within {@link #BOUND} with a {@link ClusterAccessException} whose
 * one line names the mechanism and user, the truststore, or the missing ACL, having handled and
 * committed nothing; {@link ConsumerLag} throws a {@link LagException} saying the same; {@code kcp
 * consume} with the settings as {@code -p} exits 1 with that one line and no stack trace. No
 * password appears in anything printed.
 */
class SecuredErrorsTest {
  /** How long a refused engine may take to be FAILED (documented in docs/06). */
  static final Duration BOUND = Duration.ofSeconds(15);

  static final String TOPIC = "sec-orders";
  static final List<String> SECRETS = new ArrayList<>();

  static KafkaSandbox kafka;
  static SandboxSecurity security;
  static SandboxUser alice; // READ on the topic and on her groups
  static SandboxUser topicless; // READ on her groups only
  static SandboxUser groupless; // READ on the topic only
  static Path otherTruststore; // the JVM's CAs, not the sandbox's
  static final List<String> MEASURED = Collections.synchronizedList(new ArrayList<>());

  @TempDir static Path dir;

  enum Case {
    WRONG_PASSWORD, UNKNOWN_USER, NO_TRUSTSTORE, OTHER_TRUSTSTORE, NO_TOPIC_READ, NO_GROUP_READ
  }

  enum Engine { WORKER, PARTITION, SHARE }

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaSandbox.builder().secured(true).start();
    security = kafka.security().orElseThrow();
    kafka.createTopic(TOPIC, 3, 1);
    Map<String, Object> admin = new LinkedHashMap<>(security.admin().clientConfig());
    admin.put("bootstrap.servers", kafka.bootstrapServers());
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(admin,
        new org.apache.kafka.common.serialization.StringSerializer(),
        new org.apache.kafka.common.serialization.StringSerializer())) {
      for (int i = 0; i < 30; i++) { // records a consumer let in would handle and commit
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TOPIC, "k" + i, "v" + i));
      }
      producer.flush();
    }
    alice = security.createUser("alice");
    topicless = security.createUser("topicless");
    groupless = security.createUser("groupless");
    security.allowTopic("alice", TOPIC, AclOperation.READ);
    security.allowTopic("groupless", TOPIC, AclOperation.READ);
    for (SandboxUser u : List.of(security.admin(), alice, topicless, groupless)) {
      SECRETS.add(password(u.clientConfig()));
      SECRETS.add(String.valueOf(u.clientConfig().get("ssl.truststore.password")));
    }
    otherTruststore = otherTruststore(dir.resolve("other-truststore.p12"), "other-store-pw-0123");
    SECRETS.add("other-store-pw-0123");
    SECRETS.add(WRONG);
  }

  @AfterAll
  static void stop() {
    MEASURED.forEach(System.out::println);
    if (kafka != null) {
      kafka.close();
    }
  }

  static final String WRONG = "not-alices-password-42";

  /** The client settings of each case, for a consumer of {@code group}. */
  static Map<String, Object> config(Case c, String group) {
    if (c != Case.NO_GROUP_READ) {
      for (String user : List.of("alice", "topicless")) {
        security.allowGroup(user, group);
      }
    }
    Map<String, Object> config;
    switch (c) {
      case WRONG_PASSWORD:
        config = alice.clientConfig();
        config.put("sasl.jaas.config", jaas("alice", WRONG));
        break;
      case UNKNOWN_USER:
        config = alice.clientConfig();
        config.put("sasl.jaas.config", jaas("mallory", WRONG));
        break;
      case NO_TRUSTSTORE:
        config = alice.clientConfig();
        config.remove("ssl.truststore.location");
        config.remove("ssl.truststore.password");
        config.remove("ssl.truststore.type");
        break;
      case OTHER_TRUSTSTORE:
        config = alice.clientConfig();
        config.put("ssl.truststore.location", otherTruststore.toString());
        config.put("ssl.truststore.password", "other-store-pw-0123");
        break;
      case NO_TOPIC_READ:
        config = topicless.clientConfig();
        break;
      default:
        config = groupless.clientConfig();
        break;
    }
    config.remove("bootstrap.servers");
    return config;
  }

  /** What the failure's message must say for each case. */
  static List<String> expected(Case c, String group, String operation) {
    switch (c) {
      case WRONG_PASSWORD:
        return List.of("refused the SASL login of user 'alice' with mechanism SCRAM-SHA-512",
            "check username and password in sasl.jaas.config");
      case UNKNOWN_USER:
        return List.of("refused the SASL login of user 'mallory' with mechanism SCRAM-SHA-512",
            "the user does not exist or the password is wrong");
      case NO_TRUSTSTORE:
        return List.of("TLS handshake with Kafka at " + kafka.bootstrapServers() + " failed",
            "the JVM's default truststore (ssl.truststore.location is not set)");
      case OTHER_TRUSTSTORE:
        return List.of("TLS handshake", "the truststore " + otherTruststore + " (ssl.truststore.location)",
            "holds the CA that signed the broker's certificate");
      case NO_TOPIC_READ:
        return List.of("not authorized: missing " + operation + " on TOPIC " + TOPIC + " for User:topicless");
      default:
        return List.of("not authorized: missing " + operation + " on GROUP " + group + " for User:groupless");
    }
  }

  static Stream<Arguments> engineCases() {
    List<Arguments> all = new ArrayList<>();
    for (Engine e : Engine.values()) {
      for (Case c : Case.values()) {
        all.add(Arguments.of(e, c));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("engineCases")
  void aRefusedEngineFailsWithinTheBoundHavingHandledAndCommittedNothing(Engine kind, Case c) throws Exception {
    String group = ("g-" + kind + "-" + c).toLowerCase(java.util.Locale.ROOT);
    Map<String, Object> client = config(c, group);
    ConsumerSettings.Builder settings = ConsumerSettings.builder().bootstrapServers(kafka.bootstrapServers())
        .groupId(group).topics(TOPIC);
    client.forEach((k, v) -> settings.property(k, String.valueOf(v)));
    EngineConfig config = EngineConfig.custom(settings.build()).build();
    AtomicLong handled = new AtomicLong();
    RecordHandler<String, String> handler = r -> handled.incrementAndGet();
    ConsumerEngine engine = switch (kind) {
      case WORKER -> WorkerStrategy.of(config, WorkerConfig.custom().ordering(Ordering.KEY).concurrency(4).build(),
          handler);
      case PARTITION -> PartitionStrategy.of(config, PartitionConfig.ofThreads(2), handler);
      case SHARE -> ShareStrategy.of(config, ShareConfig.custom().members(1).concurrency(4).build(), handler);
    };
    long t0 = System.nanoTime();
    try {
      engine.start();
    } catch (RuntimeException e) {
      // a refusal at construction is reported the same way, as FAILED with the failure
    }
    try {
      await().atMost(BOUND).pollInterval(Duration.ofMillis(20))
          .until(() -> engine.state() == EngineState.FAILED);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      MEASURED.add(String.format("SECURED ERRORS: %-9s %-16s FAILED after %5d ms: %s", kind, c, took.toMillis(),
          engine.failure().map(Throwable::getMessage).orElse("?")));
      Throwable failure = engine.failure().orElseThrow();
      assertThat(failure).isInstanceOf(ClusterAccessException.class);
      assertThat(failure.getMessage()).contains(expected(c, group, "READ")).doesNotContain("\n");
      assertNoSecret(failure.getMessage());
      assertThat(engine.state()).isEqualTo(EngineState.FAILED); // stays FAILED: no restart, no retry loop
    } finally {
      engine.close(Duration.ofSeconds(5));
    }
    assertThat(engine.state()).isEqualTo(EngineState.FAILED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(BOUND);
    assertThat(handled.get()).isZero();
    assertThat(engine.metrics().recordsHandled()).isZero();
    assertThat(committed(group, kind == Engine.SHARE)).isEmpty();
  }

  @ParameterizedTest(name = "ConsumerLag: {0}")
  @MethodSource("lagCases")
  void consumerLagSaysTheSameInOneLine(Case c) {
    String group = ("lag-" + c).toLowerCase(java.util.Locale.ROOT);
    Map<String, Object> client = config(c, group);
    ConsumerLag.Builder b = ConsumerLag.builder().bootstrapServers(kafka.bootstrapServers())
        .timeout(Duration.ofSeconds(10)).timeLag(false);
    client.forEach(b::property);
    long t0 = System.nanoTime();
    LagException e;
    try (ConsumerLag lag = b.build()) {
      e = catchThrowableOfType(() -> lag.snapshot(group, java.util.Set.of(TOPIC)), LagException.class);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(e).as("snapshot must throw").isNotNull();
    MEASURED.add(String.format("SECURED ERRORS: %-9s %-16s thrown after %5d ms: %s", "LAG", c, took.toMillis(),
        e.getMessage()));
    assertThat(e.getMessage()).contains(expected(c, group, "DESCRIBE")).doesNotContain("\n");
    assertNoSecret(e.getMessage());
    assertThat(took).isLessThan(BOUND);
  }

  static Stream<Case> lagCases() {
    return Stream.of(Case.values());
  }

  /** The cluster's committed offsets of the group (none if it does not exist), read as admin. */
  static Map<TopicPartition, ?> committed(String group, boolean share) throws Exception {
    Map<String, Object> config = new LinkedHashMap<>(security.admin().clientConfig());
    config.put("bootstrap.servers", kafka.bootstrapServers());
    try (Admin admin = Admin.create(config)) {
      Map<TopicPartition, Object> out = new LinkedHashMap<>();
      try {
        if (share) {
          admin.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec()))
              .partitionsToOffsetInfo(group).get(10, TimeUnit.SECONDS)
              .forEach((tp, o) -> {
                if (o != null) {
                  out.put(tp, o);
                }
              });
        } else {
          Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
          offsets.forEach((tp, o) -> {
            if (o != null) {
              out.put(tp, o);
            }
          });
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof GroupIdNotFoundException)) {
          throw e;
        }
      }
      return out;
    }
  }

  static void assertNoSecret(String printed) {
    for (String secret : SECRETS) {
      assertThat(printed).as("printed text must not hold a secret").doesNotContain(secret);
    }
  }

  static String jaas(String user, String password) {
    return Scram.jaas(user, password);
  }

  static String password(Map<String, Object> config) {
    return Scram.password(config);
  }

  /** A PKCS12 truststore with the JVM's own CAs: valid, but without the sandbox's CA. */
  static Path otherTruststore(Path file, String password) throws Exception {
    KeyStore jvm = KeyStore.getInstance(KeyStore.getDefaultType());
    Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
    try (InputStream in = Files.newInputStream(cacerts)) {
      jvm.load(in, null);
    }
    KeyStore other = KeyStore.getInstance("PKCS12");
    other.load(null, password.toCharArray());
    int n = 0;
    for (String alias : Collections.list(jvm.aliases())) {
      Certificate cert = jvm.getCertificate(alias);
      if (cert != null && n++ < 5) {
        other.setCertificateEntry(alias, cert);
      }
    }
    assertThat(other.size()).isPositive();
    try (OutputStream out = Files.newOutputStream(file)) {
      other.store(out, password.toCharArray());
    }
    return file;
  }

  static Stream<Case> cliCases() {
    return Stream.of(Case.values());
  }

  /**
   * {@code kcp consume} in a JVM of its own, the settings given as {@code -p}: exit 1, one line on
   * stderr naming the problem, no stack trace, no secret anywhere in what it printed.
   */
  @ParameterizedTest(name = "kcp consume: {0}")
  @MethodSource("cliCases")
  void kcpConsumeExitsWithOneLine(Case c) throws Exception {
    String group = ("cli-" + c).toLowerCase(java.util.Locale.ROOT);
    List<String> args = new ArrayList<>(List.of("consume", "-b", kafka.bootstrapServers(), "--topic", TOPIC,
        "--group", group, "--strategy", "worker"));
    config(c, group).forEach((k, v) -> args.addAll(List.of("-p", k + "=" + v)));
    String name = "consume-" + c;
    long t0 = System.nanoTime();
    Process p = KcpProcess.start(dir, name, args);
    assertThat(p.waitFor(BOUND.toSeconds() + 30, TimeUnit.SECONDS)).as("kcp consume ends").isTrue();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    String out = Files.readString(dir.resolve(name + ".out"));
    String err = Files.readString(dir.resolve(name + ".err"));
    MEASURED.add(String.format("SECURED ERRORS CLI: %-16s exit %d after %5d ms%n--- stdout%n%s--- stderr%n%s---",
        c, p.exitValue(), took.toMillis(), out, err));
    assertThat(p.exitValue()).as(err).isEqualTo(1);
    assertThat(err.lines().filter(l -> l.startsWith("kcp consume: ")).toList()).as(err)
        .singleElement().satisfies(line -> assertThat(line).contains(expected(c, group, "READ")));
    assertThat(err).doesNotContain("\tat ").doesNotContain("Exception:").doesNotContain("--verbose");
    assertNoSecret(out);
    assertNoSecret(err);
    assertThat(committed(group, false)).isEmpty();
  }

  /**
   * {@code --verbose} turns the clients' INFO logs on, which print their whole configuration: Kafka
   * masks every PASSWORD-typed value itself ({@code sasl.jaas.config}, the store passwords), and
   * kcp's stack trace is scrubbed of the secret {@code -p} values.
   */
  @Test
  void verboseShowsTheClientConfigurationWithEverySecretHidden() throws Exception {
    String group = "cli-verbose";
    List<String> args = new ArrayList<>(List.of("consume", "--verbose", "-b", kafka.bootstrapServers(), "--topic",
        TOPIC, "--group", group, "--strategy", "worker"));
    config(Case.WRONG_PASSWORD, group).forEach((k, v) -> args.addAll(List.of("-p", k + "=" + v)));
    Process p = KcpProcess.start(dir, "consume-verbose", args);
    assertThat(p.waitFor(BOUND.toSeconds() + 30, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(dir.resolve("consume-verbose.out"));
    String err = Files.readString(dir.resolve("consume-verbose.err"));
    assertThat(p.exitValue()).as(err).isEqualTo(1);
    assertThat(err).contains("ConsumerConfig values:", "sasl.jaas.config = [hidden]",
        "ssl.truststore.password = [hidden]", "sasl.mechanism = SCRAM-SHA-512")
        .contains("kcp consume: the consumer failed: Kafka at " + kafka.bootstrapServers()
            + " refused the SASL login of user 'alice' with mechanism SCRAM-SHA-512")
        .contains("ClusterAccessException"); // the stack trace, with --verbose
    assertNoSecret(out);
    assertNoSecret(err);
  }
}
