package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kcp.sandbox.KafkaSandbox;
import io.kcp.sandbox.SandboxSecurity;
import io.kcp.sandbox.SandboxUser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secured sandbox ({@code KafkaSandbox.builder().secured(true)}, {@code kcp sandbox --secured}):
 * TLS and SCRAM-SHA-512 on the client port, ACLs enforced. One in-process broker serves the
 * client tests; the command test runs {@code kcp sandbox --secured} in a JVM of its own, as a
 * user would, and reads what it prints.
 */
class SecuredSandboxTest {
  /** Short client timeouts: a refused client must fail within seconds, not the default minute. */
  private static final Map<String, Object> IMPATIENT =
      Map.of(
          "request.timeout.ms", "3000",
          "default.api.timeout.ms", "4000",
          "max.block.ms", "4000",
          "reconnect.backoff.max.ms", "500");

  private static KafkaSandbox kafka;
  private static SandboxSecurity security;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    long t0 = System.nanoTime();
    kafka = KafkaSandbox.builder().secured(true).start();
    TestClients.timing("secured in-process start", t0);
    security = kafka.security().orElseThrow();
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void theSuperUsersPropertiesFileProducesAndConsumes() throws Exception {
    Path file = security.admin().clientProperties();
    assertThat(file.getParent().getParent()).isEqualTo(kafka.dataDir());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    Map<String, Object> config = load(file); // the file alone: what a user passes to a tool
    assertThat(config)
        .containsEntry("bootstrap.servers", kafka.bootstrapServers())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.type", "PKCS12")
        .containsEntry("ssl.truststore.location", security.truststore().toString());
    assertThat((String) config.get("sasl.jaas.config"))
        .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required")
        .contains("username=\"admin\"");

    kafka.createTopic("secured-orders", 3, 1); // the sandbox's own admin works secured
    Map<String, String> sent = TestClients.records(50);
    produce(config, "secured-orders", sent);
    assertThat(consume(config, "secured-orders", "secured-orders-g", sent.size()))
        .containsExactlyInAnyOrderEntriesOf(sent);
  }

  @Test
  void aClientWithoutSaslIsRefusedWithinItsTimeout() {
    Map<String, Object> plaintext = new HashMap<>(IMPATIENT);
    plaintext.put("bootstrap.servers", kafka.bootstrapServers());
    Map<String, Object> sslOnly = new HashMap<>(plaintext);
    sslOnly.put("security.protocol", "SSL");
    Map<String, Object> admin = security.admin().clientConfig();
    for (String key : List.of("ssl.truststore.location", "ssl.truststore.type", "ssl.truststore.password")) {
      sslOnly.put(key, admin.get(key));
    }
    for (Map<String, Object> config : List.of(plaintext, sslOnly)) {
      long t0 = System.nanoTime();
      try (Admin client = Admin.create(config)) {
        assertThatThrownBy(() -> client.describeCluster().clusterId().get())
            .as("describeCluster with security.protocol=%s", config.getOrDefault("security.protocol", "PLAINTEXT"))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(TimeoutException.class);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    }
  }

  @Test
  void theControllerPortAdmitsOnlyTheBrokersCertificate() throws Exception {
    Map<String, Object> node = load(kafka.dataDir().resolve("node-1.properties"));
    Matcher port = Pattern.compile("CONTROLLER://(localhost:\\d+)").matcher((String) node.get("listeners"));
    assertThat(port.find()).as("listeners=%s", node.get("listeners")).isTrue();
    Map<String, Object> config = new HashMap<>(IMPATIENT);
    config.put("bootstrap.controllers", port.group(1));
    config.put("security.protocol", "SSL");
    Map<String, Object> admin = security.admin().clientConfig();
    for (String key : List.of("ssl.truststore.location", "ssl.truststore.type", "ssl.truststore.password")) {
      config.put(key, admin.get(key));
    }
    try (Admin client = Admin.create(config)) {
      assertThatThrownBy(() -> client.describeCluster().clusterId().get())
          .as("a TLS client without a certificate")
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SslAuthenticationException.class);
    }
    for (String key : List.of("ssl.keystore.location", "ssl.keystore.type", "ssl.keystore.password")) {
      config.put(key, node.get(key));
    }
    try (Admin client = Admin.create(config)) {
      assertThat(client.describeCluster().clusterId().get()).as("with the broker's certificate").isNotBlank();
    }
  }

  @Test
  void aWrongPasswordFailsTheScramLogin() {
    Map<String, Object> config = new HashMap<>(security.admin().clientConfig());
    config.putAll(IMPATIENT);
    config.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"admin\" password=\"not-the-password\";");
    try (Admin client = Admin.create(config)) {
      assertThatThrownBy(() -> client.describeCluster().clusterId().get())
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SaslAuthenticationException.class)
          .hasMessageContaining("SCRAM-SHA-512");
    }
  }

  @Test
  void aUserWithReadOnOneTopicReadsItAndIsRefusedTheOther() throws Exception {
    kafka.createTopic("acl-a", 1, 1);
    kafka.createTopic("acl-b", 1, 1);
    Map<String, String> sent = TestClients.records(10);
    produce(kafka.clientConfig(), "acl-a", sent);
    produce(kafka.clientConfig(), "acl-b", sent);

    SandboxUser reader = security.createUser("reader");
    assertThat(reader.clientProperties()).hasFileName("reader.properties");
    assertThat(Files.readString(reader.clientProperties())).contains("username=\"reader\"");
    security.allowTopic("reader", "acl-a", AclOperation.READ);
    security.allowGroup("reader", "readers");

    Map<String, Object> config = reader.clientConfig();
    assertThat(consume(config, "acl-a", "readers", sent.size()))
        .containsExactlyInAnyOrderEntriesOf(sent);

    Map<String, Object> noGroup = new HashMap<>(config);
    noGroup.putAll(IMPATIENT);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(noGroup, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(new TopicPartition("acl-b", 0)));
      consumer.seekToBeginning(consumer.assignment());
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> consumer.poll(Duration.ofMillis(200)))
                      .isInstanceOfSatisfying(
                          TopicAuthorizationException.class,
                          e -> assertThat(e.unauthorizedTopics()).containsExactly("acl-b")));
    }
    // READ is not WRITE (not idempotent: an idempotent producer that may write nowhere is refused
    // earlier, with a ClusterAuthorizationException for its producer id)
    Map<String, Object> plainProducer = new HashMap<>(noGroup);
    plainProducer.put("enable.idempotence", "false");
    plainProducer.put("acks", "1");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(plainProducer, new StringSerializer(), new StringSerializer())) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("acl-a", "k", "v")).get())
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void kcpSandboxSecuredPrintsTheUserAndFileButNoPassword() throws Exception {
    Path errFile = dir.resolve("sandbox.err");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.kcp.cli.Kcp",
                "sandbox",
                "--secured")
            .redirectError(errFile.toFile())
            .start();
    try {
      CompletableFuture<List<String>> firstLines =
          CompletableFuture.supplyAsync(() -> readLines(p, 3));
      List<String> out = firstLines.get(90, TimeUnit.SECONDS);
      assertThat(out.get(0)).startsWith("bootstrap.servers=localhost:");
      assertThat(out.get(1)).isEqualTo("user=admin");
      assertThat(out.get(2)).startsWith("client.properties=");
      Path file = Path.of(out.get(2).substring("client.properties=".length()));
      assertThat(file).isRegularFile();

      // once stderr says it is up, everything the command prints while running is there
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(errFile).contains("Ctrl-C"));
      String err = Files.readString(errFile);
      Matcher m = Pattern.compile("data in (\\S+?)\\.? Ctrl-C").matcher(err);
      assertThat(m.find()).as("stderr names the data dir: " + err).isTrue();
      Path data = Path.of(m.group(1));
      assertThat(file).startsWith(data);

      List<String> secrets = secrets(file, data);
      assertThat(secrets).hasSize(3).allSatisfy(s -> assertThat(s).hasSizeGreaterThanOrEqualTo(20));
      String printed = String.join("\n", out) + "\n" + err;
      assertThat(printed).contains("admin").contains(file.toString());
      for (String secret : secrets) {
        assertThat(printed).doesNotContain(secret);
      }

      // the printed file works as it is
      Map<String, Object> config = load(file);
      Map<String, String> sent = TestClients.records(5);
      produce(config, "cli-secured", sent);
      assertThat(consume(config, "cli-secured", "cli-secured-g", 5)).containsExactlyInAnyOrderEntriesOf(sent);

      p.destroy(); // SIGTERM, as Ctrl-C
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("sandbox stops on SIGTERM").isTrue();
      assertThat(data).as("keystores and properties are deleted with the data").doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  /** The admin password, the truststore password and the broker keystore's password. */
  private static List<String> secrets(Path clientFile, Path data) throws IOException {
    Map<String, Object> client = load(clientFile);
    Matcher m = Pattern.compile("password=\"([^\"]+)\"").matcher((String) client.get("sasl.jaas.config"));
    assertThat(m.find()).isTrue();
    Map<String, Object> node = load(data.resolve("node-1.properties"));
    return List.of(
        m.group(1),
        (String) client.get("ssl.truststore.password"),
        (String) node.get("ssl.keystore.password"));
  }

  private static List<String> readLines(Process p, int count) {
    // the stream stays open: the sandbox keeps running, and closing stdout would not stop it
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    try {
      while (lines.size() < count) {
        String line = r.readLine();
        if (line == null) {
          break;
        }
        lines.add(line);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return lines;
  }

  private static Map<String, Object> load(Path file) throws IOException {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> config.put(k, props.getProperty(k)));
    return config;
  }

  private static void produce(Map<String, Object> clientConfig, String topic, Map<String, String> records)
      throws Exception {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put("bootstrap.servers", kafkaOr(clientConfig));
    config.put("acks", "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      records.forEach((k, v) -> acks.add(producer.send(new ProducerRecord<>(topic, k, v))));
      producer.flush();
      for (java.util.concurrent.Future<?> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<String, String> consume(
      Map<String, Object> clientConfig, String topic, String group, int expected) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put("bootstrap.servers", kafkaOr(clientConfig));
    config.put("group.id", group);
    config.put("auto.offset.reset", "earliest");
    Map<String, String> seen = new LinkedHashMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  seen.put(r.key(), r.value());
                }
                return seen.size() >= expected;
              });
    }
    return seen;
  }

  /** A properties file names its own bootstrap servers; {@code clientConfig()} maps do not. */
  private static Object kafkaOr(Map<String, Object> clientConfig) {
    return clientConfig.getOrDefault("bootstrap.servers", kafka.bootstrapServers());
  }
}
