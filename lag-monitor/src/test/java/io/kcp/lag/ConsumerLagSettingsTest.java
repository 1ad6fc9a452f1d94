package io.kcp.lag;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.lag.internal.TimeLagProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A user's client properties win over kcp's defaults; the probe's correctness settings do not. */
class ConsumerLagSettingsTest {

  @Test
  void aUsersTimeoutsAndClientIdSurviveTheDefaults() {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("bootstrap.servers", "localhost:9092");
    user.put("default.api.timeout.ms", "60000");
    user.put("request.timeout.ms", 45_000);
    user.put("client.id", "ops-lag");

    Map<String, Object> config = ConsumerLag.adminConfig(user, Duration.ofSeconds(3));

    assertThat(config)
        .containsEntry("default.api.timeout.ms", "60000")
        .containsEntry("request.timeout.ms", 45_000)
        .containsEntry("client.id", "ops-lag")
        .containsEntry("bootstrap.servers", "localhost:9092");
  }

  @Test
  void theDefaultsFillWhatTheUserLeftOut() {
    Map<String, Object> config =
        ConsumerLag.adminConfig(Map.of("bootstrap.servers", "localhost:9092"), Duration.ofSeconds(3));

    assertThat(config)
        .containsEntry("default.api.timeout.ms", 3000)
        .containsEntry("request.timeout.ms", 3000)
        .containsEntry("client.id", "kcp-lag");
  }

  @Test
  void theBuilderTakesAnyMapOfTypedValues() {
    Map<String, Object> typed = new LinkedHashMap<>();
    typed.put("bootstrap.servers", "localhost:9092");
    typed.put("default.api.timeout.ms", 12_345);
    // builds without a broker: the Admin connects lazily
    try (ConsumerLag lag =
        ConsumerLag.builder().properties(typed).timeLag(TimeLagMode.NONE).build()) {
      assertThat(lag.timeLagMode()).isEqualTo(TimeLagMode.NONE);
    }
  }

  @Test
  void theProbeKeepsUserSettingsButNotTheOnesItNeedsToBeRight() {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("bootstrap.servers", "localhost:9092");
    user.put("group.id", "someone-elses-group");
    user.put("enable.auto.commit", "true");
    user.put("auto.offset.reset", "earliest");
    user.put("fetch.max.wait.ms", "200");
    user.put("security.protocol", "SASL_SSL");

    Map<String, Object> config = TimeLagProbe.consumerConfig(user);

    assertThat(config)
        .containsEntry("fetch.max.wait.ms", "200")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("client.id", "kcp-lag-time")
        .containsEntry("max.partition.fetch.bytes", 1024)
        .containsEntry("enable.auto.commit", false)
        .containsEntry("auto.offset.reset", "none")
        .doesNotContainKey("group.id");
  }
}
