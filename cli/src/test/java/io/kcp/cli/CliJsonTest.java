package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcp.lag.ShareGroupLag;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON the commands write themselves: valid, escaped, numbers as numbers; and its strict reader. */
class CliJsonTest {
  static final String NASTY = "q\"b\\s n\n c\u0001 del\u007f ls\u2028 ps\u2029 é 😀 lone\uD800 end";

  @Test
  void aShareGroupLineKeepsItsKeysAndEscapesNames() throws Exception {
    ShareGroupLag g = new ShareGroupLag("sg", "Stable", 2, List.of(
        new ShareGroupLag.SharePartitionLag("t", 0, 5, 9, 4),
        new ShareGroupLag.SharePartitionLag("t", 1, 0, 3, -1)));
    assertThat(ShareLagTable.json(g)).isEqualTo("{\"group\":\"sg\",\"type\":\"share\",\"state\":\"Stable\",\"members\":2,"
        + "\"total_lag\":4,\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"start_offset\":5,\"log_end_offset\":9,"
        + "\"lag\":4},{\"topic\":\"t\",\"partition\":1,\"start_offset\":0,\"log_end_offset\":3,\"lag\":null}]}");

    String line = ShareLagTable.json(new ShareGroupLag(NASTY, NASTY, 0, List.of(
        new ShareGroupLag.SharePartitionLag(NASTY, 0, 0, 0, 0))));
    assertThat(line).doesNotContain("\n", "\u2028", "\u2029", "\u007f", "\uD800")
        .contains("\\\"", "\\\\", "\\n", "\\u0001", "\\u007f", "\\u2028", "\\u2029", "\\ud800");
    JsonNode back = new ObjectMapper().readTree(line);
    assertThat(back.get("group").textValue()).isEqualTo(NASTY);
    // the old writer put the state between quotes unescaped
    assertThat(back.get("state").textValue()).isEqualTo(NASTY);
    assertThat(back.at("/partitions/0/topic").textValue()).isEqualTo(NASTY);
  }

  @Test
  void decimalsAreNumbersWithTheirPlacesAndNullWhenNotFinite() {
    assertThat(CliJson.line(CliJson.object()
            .put("a", CliJson.decimal(1.5, 3))
            .put("b", CliJson.decimal(12_345_678.25, 1))
            .put("c", CliJson.decimal(Double.POSITIVE_INFINITY, 1))
            .put("d", CliJson.decimal(Double.NaN, 2))))
        .isEqualTo("{\"a\":1.500,\"b\":12345678.3,\"c\":null,\"d\":null}");
  }

  @Test
  void theReaderIsStrictAndSaysWhere() {
    assertThat(CliJson.parse("{\"a\": 1}", "x").get("a").intValue()).isEqualTo(1);
    assertThatThrownBy(() -> CliJson.parse("{\"a\": 01}", "arm raw's summary"))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("arm raw's summary: line 1, column 8: invalid numeric value: Leading zeroes not allowed");
    assertThatThrownBy(() -> CliJson.parse("{\"a\": \"\\x\"}", "s"))
        .isInstanceOf(CliException.class).hasMessageStartingWith("s: line 1, column 9: unrecognized character escape 'x'");
    assertThatThrownBy(() -> CliJson.parse("{\"a\": 1} {}", "s"))
        .isInstanceOf(CliException.class).hasMessage("s: line 1, column 10: unexpected text after the JSON value");
    assertThatThrownBy(() -> CliJson.parse("[".repeat(40) + "]".repeat(40), "s"))
        .isInstanceOf(CliException.class).hasMessageStartingWith("s: line 1, column 34: document nesting depth (33) exceeds the maximum allowed (32");
  }
}
