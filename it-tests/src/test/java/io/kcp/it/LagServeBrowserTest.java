package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcp.sandbox.KafkaSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The page of {@code kcp lag serve} in a real browser (headless Chromium over WebDriver): with a
 * running consumer group under steady input, the chart draws real points and the badge says OK;
 * when the consumer stops, the badge turns STOP within one window. Skipped, with the reason, where
 * Chromium and chromedriver are not installed. Two screenshots land in {@code it-tests/target}:
 * {@code lag-serve.png} while the consumer keeps up (badge OK, lag near 0) and
 * {@code lag-serve-stop.png} once the badge says STOP (the flat start, the consumer closed, every
 * partition's lag and the total climbing). docs/img/lag-serve.png is a copy of the second.
 */
@ExtendWith(SharedBroker.class)
class LagServeBrowserTest {
  static final int WINDOW = 4;
  static final long INTERVAL_MS = 500;

  @BeforeAll
  static void browser() {
    HeadlessChromium.missing().ifPresent(reason -> Assumptions.abort(reason));
  }

  static String script(String group, String expression) {
    return "const el = document.getElementById('g-" + group + "'); if (!el) return null; return " + expression + ";";
  }

  @Test
  void chartDrawsRealPointsAndTheBadgeTurnsStopWhenTheConsumerStops(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-serve-page");
    String group = topic + "-g";
    kafka.createTopic(topic, 3, 1);
    try (LagStatusTest.SteadyInput in = new LagStatusTest.SteadyInput(b, topic, 3);
        LagServe serve = new LagServe("-b", b, "--group", group, "--interval", INTERVAL_MS + "ms",
            "--window", Integer.toString(WINDOW), "--allowed-lag", Long.toString(LagStatusTest.ALLOWED_LAG));
        HeadlessChromium chromium = new HeadlessChromium(1100, 640)) {
      LagStatusTest.RunningConsumer consumer = new LagStatusTest.RunningConsumer(b, topic, group, 500, 0);
      try {
        chromium.open(serve.base + "/");
        // the chart holds real points (one per observation) for total + 3 partitions, and the badge is OK
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
          JsonNode v = chromium.eval(script(group, "[el.dataset.status, "
              + "Number(el.querySelector('.chart').dataset.points), Number(el.querySelector('.chart').dataset.series), "
              + "el.querySelectorAll('canvas').length]"));
          return v != null && v.isArray() && "OK".equals(v.get(0).asText()) && v.get(1).asInt() >= 2 * WINDOW
              && v.get(2).asInt() == 4 && v.get(3).asInt() >= 1;
        });
        assertThat(chromium.eval(script(group, "el.querySelector('.badge').textContent")).asText()).isEqualTo("OK");
        assertThat(chromium.eval(script(group, "getComputedStyle(el.querySelector('.badge')).backgroundColor"))
            .asText()).as("OK is green").isEqualTo("rgb(46, 125, 50)");
        assertThat(chromium.eval("return document.querySelector('.u-legend').textContent").asText())
            .as("uPlot's legend names the total and each partition")
            .contains("total", topic + "-0", topic + "-1", topic + "-2");
        assertThat(chromium.eval("return typeof uPlot").asText()).as("uPlot loaded from the jar").isEqualTo("function");
        Path shot = Path.of("target", "lag-serve.png");
        Files.write(shot, chromium.screenshot());
        assertThat(Files.size(shot)).isGreaterThan(10_000);
      } finally {
        consumer.close();
      }
      long stoppedAt = System.nanoTime();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> "STOP".equals(chromium.eval(script(group, "el.dataset.status")).asText(null)));
      long ms = TestClients.timing("lag-serve page badge STOP after the consumer stopped", stoppedAt);
      assertThat(chromium.eval(script(group, "el.querySelector('.badge').textContent")).asText()).isEqualTo("STOP");
      // the monitor needs one window (WINDOW x INTERVAL) plus an observation; the page polls every
      // interval; 3 s more for Admin calls and page polls on a slow or busy machine (measured here:
      // 2.2-3.3 s in all, against this 6 s bound)
      assertThat(ms).as("STOP on the page within one window (%d x %d ms) plus two intervals", WINDOW, INTERVAL_MS)
          .isLessThanOrEqualTo((WINDOW + 2) * INTERVAL_MS + 3000);
      Files.write(Path.of("target", "lag-serve-stop.png"), chromium.screenshot());
      assertThat(in.acked.get()).as("the input kept coming").isPositive();
    }
  }
}
