package io.kcp.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The public JSON forms: the window input, the evaluation output, observation round trips. */
class LagJsonTest {
  static final String WINDOW = "{\"now_ms\": 3000, \"allowed_lag\": 0, \"partitions\": ["
      + "{\"topic\":\"t\",\"partition\":0,\"window\":["
      + "{\"offset\":10,\"timestamp_ms\":1000,\"lag\":5},"
      + "{\"offset\":10,\"timestamp_ms\":2000,\"lag\":null},"
      + "{\"offset\":10,\"timestamp_ms\":3000,\"lag\":9}],"
      + "\"broker_offsets\":[15,17,19],\"current_lag\":9}]}";

  @Test
  void readsTheDocumentedWindowFormatAndWritesTheEvaluation() {
    LagWindow w = LagJson.readWindow(WINDOW);
    assertThat(w.windowSize()).as("defaults to the longest window").isEqualTo(3);
    assertThat(w.partitions().get(0).window().get(1).lag()).isNull();
    String out = LagJson.toJson(LagEvaluator.evaluate(w));
    assertThat(out).isEqualTo("{\"status\":\"STALL\",\"complete\":1.0,\"totallag\":9,\"maxlag\":9,"
        + "\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"status\":\"STALL\",\"rule\":\"offset_not_moving\","
        + "\"current_lag\":9,\"complete\":true,\"hot\":false,\"hot_reason\":null}]}");
  }

  @Test
  void malformedInputNamesThePlace() {
    assertThatThrownBy(() -> LagJson.readWindow("{\"now_ms\": 1, \"partitions\": [}"))
        .isInstanceOf(LagException.class).hasMessageStartingWith("malformed JSON at line 1 column");
    assertThatThrownBy(() -> LagJson.readWindow("{\"partitions\": []}"))
        .isInstanceOf(LagException.class).hasMessage("now_ms must be a whole number (it is missing)");
    assertThatThrownBy(() -> LagJson.readWindow(
            "{\"now_ms\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"window\":[{\"offset\":\"x\",\"timestamp_ms\":1}]}]}"))
        .isInstanceOf(LagException.class).hasMessage("partitions[0].window[0].offset must be a whole number, got x");
    assertThatThrownBy(() -> LagJson.readWindow(""))
        .isInstanceOf(LagException.class).hasMessageContaining("empty");
  }

  @Test
  void anObservationLineReadsBackToTheSameSnapshot() {
    LagSnapshot s = new LagSnapshot("g", "STABLE", "CLASSIC", 1, 42L, List.of(
        new PartitionLag("t", 0, OptionalLong.of(5), 9, Optional.of(new PartitionOwner("m-1", "/127.0.0.1", "c\"1")), OptionalLong.of(12)),
        new PartitionLag("t", 1, OptionalLong.empty(), 3, Optional.empty(), OptionalLong.empty())));
    LagReport r = LagMonitor.builder("g").build().observe(s);
    String line = LagJson.toJson(r);
    assertThat(line).doesNotContain("\n").contains("\"lag\":4", "\"committed_offset\":null", "\"time_lag_ms\":12");
    assertThat(LagJson.readObservation(line)).isEqualTo(s);
  }
}
