package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kcp sandbox} as a user runs it — its own JVM — gives a broker that the stock Kafka
 * client produces to and consumes from, and Ctrl-C (SIGTERM) stops it and deletes its data.
 */
class SandboxCommandTest {
  @TempDir Path dir;

  @Test
  void stockClientsProduceAndConsumeThenSigtermCleansUp() throws Exception {
    Path err = dir.resolve("sandbox.err");
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.kcp.cli.Kcp", "sandbox")
        .redirectError(err.toFile())
        .start();
    try {
      CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          return r.readLine();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String line = firstLine.get(60, TimeUnit.SECONDS);
      assertThat(line).as("stdout of kcp sandbox").startsWith("bootstrap.servers=localhost:");
      String bootstrap = line.substring("bootstrap.servers=".length());

      try (KafkaProducer<String, String> producer = new KafkaProducer<>(
          Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>("stock", "k" + (i % 10), "v" + i));
        }
        producer.flush();
      }
      List<String> values = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
          Map.of("bootstrap.servers", bootstrap, "group.id", "stock-g", "auto.offset.reset", "earliest"),
          new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("stock"));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            values.add(r.value());
          }
          return values.size() >= 100;
        });
      }
      assertThat(values).hasSize(100).contains("v0", "v99");

      Matcher m = Pattern.compile("data in (\\S+?)\\.? Ctrl-C").matcher(Files.readString(err));
      assertThat(m.find()).as("stderr names the data dir: " + Files.readString(err)).isTrue();
      Path data = Path.of(m.group(1));
      assertThat(data).exists();

      p.destroy(); // SIGTERM, as Ctrl-C
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("sandbox stops on SIGTERM").isTrue();
      assertThat(data).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }
}
