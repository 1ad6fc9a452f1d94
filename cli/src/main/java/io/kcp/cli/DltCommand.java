package io.kcp.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcp.core.DeadLetterHeaders;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kcp dlt}: what is in a dead-letter topic, and why, grouped by cause. */
@Command(
    name = "dlt",
    header = "Show a dead-letter topic, counted per cause.",
    mixinStandardHelpOptions = true,
    description = {
      "Show the records of a dead-letter topic with the story their kcp.dlt.* headers tell (where",
      "they came from, the exception, attempts, first and last failure), then a count per",
      "stack-trace digest: one line per distinct cause. Reads without a consumer group, up to the",
      "end offsets at start."
    })
final class DltCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin BrokerOption broker;
  @Mixin ClientOptions client;

  @Option(names = "--topic", required = true, description = "The dead-letter topic, e.g. orders.dlt.")
  String topic;

  @Option(names = "--limit", defaultValue = "20",
      description = "Records to print (the causes count them all). Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(names = "--json", description = "One JSON object per record, one per line (snake_case keys).")
  boolean json;

  @Override
  public Integer call() {
    String bootstrap = broker.required("kcp dlt", client);
    Checks.positive("--limit", limit);
    PrintWriter out = spec.commandLine().getOut();
    List<Map<String, String>> letters = read(bootstrap);
    Map<String, Integer> causes = new LinkedHashMap<>();
    Map<String, String> causeText = new LinkedHashMap<>();
    int printed = 0;
    for (Map<String, String> l : letters) {
      String digest = l.getOrDefault("stacktrace_digest", "-");
      causes.merge(digest, 1, Integer::sum);
      causeText.putIfAbsent(digest, l.getOrDefault("exception_class", "?") + ": "
          + l.getOrDefault("exception_message", ""));
      if (printed++ >= limit) {
        continue;
      }
      if (json) {
        ObjectNode o = CliJson.object();
        l.forEach((key, value) -> put(o, key, value));
        out.println(CliJson.line(o));
      } else {
        out.printf(Locale.ROOT, "%s  key %s  from %s-%s@%s  group %s  attempts %s  %s%n"
                + "    %s: %s%n    digest %s  first failure %s  last failure %s%n",
            l.get("dlt_position"), l.get("key"), l.get("original_topic"), l.get("original_partition"),
            l.get("original_offset"), l.get("consumer_group"), l.get("attempts"), l.get("reason"),
            l.get("exception_class"), l.get("exception_message"), l.get("stacktrace_digest"),
            time(l.get("first_failure_ms")), time(l.get("last_failure_ms")));
      }
    }
    if (!json) {
      out.printf(Locale.ROOT, "%,d dead-lettered record(s) in %s%s%n", letters.size(), topic,
          letters.size() > limit ? " (first " + limit + " shown)" : "");
      causes.forEach((digest, n) ->
          out.printf(Locale.ROOT, "  cause %s  %,6d  %s%n", digest, n, causeText.get(digest)));
    }
    out.flush();
    return 0;
  }

  private static String time(String millis) {
    try {
      return Instant.ofEpochMilli(Long.parseLong(millis)).toString();
    } catch (RuntimeException e) {
      return "?";
    }
  }

  /** Offsets, partitions, times and attempts as numbers (when they are), the rest as strings. */
  private static void put(ObjectNode o, String key, String value) {
    if (value != null
        && (key.endsWith("_partition") || key.endsWith("_offset") || key.endsWith("_ms") || key.equals("attempts"))) {
      try {
        o.put(key, Long.parseLong(value));
        return;
      } catch (NumberFormatException e) {
        // not a number: a string
      }
    }
    o.put(key, value);
  }

  private List<Map<String, String>> read(String bootstrap) {
    Map<String, Object> config = readerConfig(client.clientConfig(bootstrap));
    List<Map<String, String>> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(10)).get(topic);
      if (infos == null) {
        throw new CliException("topic " + topic + " does not exist on " + bootstrap
            + " (nothing was dead-lettered yet, or the name is wrong: dead-letter topics are <topic>.dlt by default)");
      }
      List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
          .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).collect(Collectors.toList());
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new CliException("reading " + topic + " took over 60 s; is the cluster healthy?");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            letters.add(describe(r));
          }
        }
      }
    } catch (TimeoutException e) {
      throw new CliException("could not reach " + bootstrap + " within 10 s: " + e.getMessage());
    }
    return letters;
  }

  /**
   * The reader's consumer: the user's settings, kcp's client id and 10 s API timeout only where
   * they set none; never a group member, never committing (it assigns partitions and reads).
   */
  static Map<String, Object> readerConfig(Map<String, Object> user) {
    Map<String, Object> config = new LinkedHashMap<>(user);
    config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "kcp-dlt");
    config.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return config;
  }

  private static Map<String, String> describe(ConsumerRecord<byte[], byte[]> r) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("dlt_position", r.topic() + "-" + r.partition() + "@" + r.offset());
    l.put("dlt_partition", Integer.toString(r.partition()));
    l.put("dlt_offset", Long.toString(r.offset()));
    l.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
    l.put("value", r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
    l.put("original_topic", header(r, DeadLetterHeaders.ORIGINAL_TOPIC));
    l.put("original_partition", header(r, DeadLetterHeaders.ORIGINAL_PARTITION));
    l.put("original_offset", header(r, DeadLetterHeaders.ORIGINAL_OFFSET));
    l.put("consumer_group", header(r, DeadLetterHeaders.CONSUMER_GROUP));
    l.put("reason", header(r, DeadLetterHeaders.REASON));
    l.put("attempts", header(r, DeadLetterHeaders.ATTEMPTS));
    l.put("exception_class", header(r, DeadLetterHeaders.EXCEPTION_CLASS));
    l.put("exception_message", header(r, DeadLetterHeaders.EXCEPTION_MESSAGE));
    l.put("stacktrace_digest", header(r, DeadLetterHeaders.STACKTRACE_DIGEST));
    l.put("first_failure_ms", header(r, DeadLetterHeaders.FIRST_FAILURE));
    l.put("last_failure_ms", header(r, DeadLetterHeaders.LAST_FAILURE));
    return l;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
