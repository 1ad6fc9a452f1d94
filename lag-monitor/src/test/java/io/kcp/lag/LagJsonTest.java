package io.kcp.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
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
        .isInstanceOf(LagException.class).hasMessageStartingWith("line 1, column 30: unexpected close marker '}'");
    assertThatThrownBy(() -> LagJson.readWindow("{\"now_ms\": 1, \"partitions\": [\n"))
        .isInstanceOf(LagException.class)
        .hasMessage("line 2, column 1: unexpected end-of-input: expected close marker for Array (start marker at line 1, column 29)");
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

  @Test
  void anObservationIsOneLineWithTheDocumentedKeysInOrder() {
    LagSnapshot s = new LagSnapshot("g", "STABLE", "CLASSIC", 1, 42L, List.of(
        new PartitionLag("t", 0, OptionalLong.of(5), 9, Optional.of(new PartitionOwner("m-1", "/127.0.0.1", "c-1")), OptionalLong.of(12))));
    String line = LagJson.toJson(LagMonitor.builder("g").build().observe(s));
    assertThat(line).isEqualTo("{\"group\":\"g\",\"state\":\"STABLE\",\"type\":\"CLASSIC\",\"members\":1,\"taken_at_ms\":42,"
        + "\"status\":\"STALL\",\"complete\":0.0,\"totallag\":4,\"maxlag\":4,\"partitions\":[{\"topic\":\"t\",\"partition\":0,"
        + "\"committed_offset\":5,\"log_end_offset\":9,\"lag\":4,\"time_lag_ms\":12,\"member_id\":\"m-1\","
        + "\"host\":\"/127.0.0.1\",\"client_id\":\"c-1\",\"status\":\"STALL\",\"rule\":\"offset_not_moving\","
        + "\"current_lag\":4,\"complete\":false,\"hot\":false,\"hot_reason\":null}]}");
  }

  /** Every character a group or topic name could hold that a hand-written escaper gets wrong. */
  static final String NASTY = "q\"b\\s/ n\n t\t c\u0001\u001f del\u007f ls\u2028 ps\u2029 é 😀 lone\uD800 end";

  @Test
  void namesAreEscapedSoTheLineIsValidJsonThatReadsBackIdentically() throws Exception {
    LagSnapshot s = new LagSnapshot(NASTY, "STABLE", "CLASSIC", 1, 42L, List.of(
        new PartitionLag(NASTY, 0, OptionalLong.of(5), 9, Optional.of(new PartitionOwner(NASTY, NASTY, NASTY)), OptionalLong.empty())));
    String line = LagJson.toJson(LagMonitor.builder("g").build().observe(s));

    assertThat(line).doesNotContain("\n", "\u2028", "\u2029", "\u007f", "\uD800")
        .contains("\\\"", "\\\\", "\\n", "\\t", "\\u0001", "\\u001f", "\\u007f", "\\u2028", "\\u2029", "\\ud800");
    assertThat(line.chars().filter(c -> c < 0x20)).isEmpty();
    // a plain, default Jackson reader (not ours) agrees on every string
    assertThat(new ObjectMapper().readTree(line).get("group").textValue()).isEqualTo(NASTY);
    assertThat(new ObjectMapper().readTree(line).at("/partitions/0/client_id").textValue()).isEqualTo(NASTY);
    assertThat(LagJson.readObservation(line)).isEqualTo(s);
  }

  @Test
  void theEvaluationEscapesTopicsToo() throws Exception {
    LagWindow w = LagJson.readWindow(WINDOW.replace("\"topic\":\"t\"", "\"topic\":" + new ObjectMapper().writeValueAsString(NASTY)));
    String out = LagJson.toJson(LagEvaluator.evaluate(w));
    assertThat(out).doesNotContain("\u2028").contains("\\u2028");
    assertThat(new ObjectMapper().readTree(out).at("/partitions/0/topic").textValue()).isEqualTo(NASTY);
  }

  @Test
  void theReaderRejectsAnInvalidEscape() {
    assertMalformed("{\"now_ms\": 1, \"partitions\": [{\"topic\": \"a\\xb\"}]}",
        "line 1, column 43: unrecognized character escape 'x'");
  }

  @Test
  void theReaderRejectsARawControlCharacterInAString() {
    assertMalformed("{\"now_ms\": 1,\n \"partitions\": [{\"topic\": \"a\u0001b\"}]}",
        "line 2, column 29: illegal unquoted character");
  }

  @Test
  void theReaderRejectsALeadingZero() {
    assertMalformed("{\"now_ms\": 007, \"partitions\": []}", "line 1, column 13: invalid numeric value: Leading zeroes not allowed");
  }

  @Test
  void theReaderRejectsTrailingText() {
    assertMalformed("{\"now_ms\": 1, \"partitions\": []}\n{\"now_ms\": 2}", "line 2, column 1: unexpected text after the JSON value");
    assertMalformed("{\"now_ms\": 1, \"partitions\": []} x", "line 1, column 33: unrecognized token 'x'");
  }

  @Test
  void theReaderRejectsDeepNesting() {
    String deep = "[".repeat(40) + "]".repeat(40);
    assertMalformed("{\"now_ms\": 1, \"partitions\": [], \"x\": " + deep + "}",
        "line 1, column 70: document nesting depth (33) exceeds the maximum allowed (32");
  }

  @Test
  void theReaderRejectsADuplicateKey() {
    assertMalformed("{\"now_ms\": 1, \"now_ms\": 2, \"partitions\": []}", "line 1, column 23: duplicate field 'now_ms'");
  }

  @Test
  void aRecordingNamesTheLineAndColumnOfAMalformedObservation() {
    LagSnapshot s = new LagSnapshot("g", "STABLE", "CLASSIC", 1, 42L, List.of(
        new PartitionLag("t", 0, OptionalLong.of(5), 9, Optional.empty(), OptionalLong.empty())));
    String good = LagJson.toJson(LagMonitor.builder("g").build().observe(s));
    assertThat(LagJson.readRecording(good + "\n\n" + good + "\n")).containsExactly(s, s);

    assertThatThrownBy(() -> LagJson.readRecording(good + "\n" + good + "\n{\"group\": \"g\", x}\n"))
        .isInstanceOf(LagException.class)
        .hasMessageStartingWith("line 3, column 16: unexpected character ('x'")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> LagJson.readRecording(good + "\n{\"group\": \"g\"}"))
        .isInstanceOf(LagException.class).hasMessage("line 2: partitions must be a JSON array (it is missing)");
    assertThatThrownBy(() -> LagJson.readRecording(good + "\n" + good.replace("\"group\":\"g\"", "\"group\":\"h\"")))
        .isInstanceOf(LagException.class)
        .hasMessage("line 2 is group 'h', earlier lines are 'g' (record one group per file)");
  }

  private static void assertMalformed(String json, String messageStart) {
    assertThatThrownBy(() -> LagJson.readWindow(json))
        .isInstanceOf(LagException.class)
        .hasMessageStartingWith(messageStart)
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining("Source");
  }
}
