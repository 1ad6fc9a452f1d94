package io.kcp.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The audit's clients take the user's settings; kcp's own only fill what the user left out. */
class ClientSettingsMergeTest {
  private static Map<String, Object> user() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bootstrap.servers", "broker:9093");
    m.put("security.protocol", "SASL_SSL");
    m.put("client.id", "ops");
    m.put("request.timeout.ms", 60_000);
    return m;
  }

  @Test
  void adminKeepsTheUsersClientIdAndTimeoutAndFillsTheRest() {
    Map<String, Object> c = Clusters.adminConfig(user(), "kcp-audit-reader", Duration.ofSeconds(5));
    assertThat(c)
        .containsEntry("client.id", "ops")
        .containsEntry("request.timeout.ms", 60_000)
        .containsEntry("default.api.timeout.ms", 5000)
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void readerKeepsTheUsersSettingsButNeverJoinsAGroupNorAutoCommits() {
    Map<String, Object> u = user();
    u.put("group.id", "some-group");
    u.put("enable.auto.commit", "true");
    u.put("max.poll.records", "50");
    Map<String, Object> c = TopicReader.consumerConfig(u);
    assertThat(c)
        .containsEntry("client.id", "ops")
        .containsEntry("max.poll.records", "50")
        .containsEntry("enable.auto.commit", "false")
        .doesNotContainKey("group.id");
    assertThat(TopicReader.consumerConfig(Map.of("bootstrap.servers", "b:1")))
        .containsEntry("client.id", "kcp-audit-reader")
        .containsEntry("max.poll.records", "10000");
  }

  @Test
  void producerTakesTheUsersSettingsOverItsDefaultsAndKeepsStringSerializers() {
    Map<String, Object> u = user();
    u.put("linger.ms", 50);
    u.put("key.serializer", "org.example.Other");
    Properties p = WorkloadRunner.producerConfig(u, "kcp-workload", Map.of("batch.size", "1024"));
    assertThat(p)
        .containsEntry("client.id", "ops")
        .containsEntry("linger.ms", 50)
        .containsEntry("acks", "all")
        .containsEntry("batch.size", "1024")
        .containsEntry("bootstrap.servers", "broker:9093")
        .containsEntry("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
  }
}
