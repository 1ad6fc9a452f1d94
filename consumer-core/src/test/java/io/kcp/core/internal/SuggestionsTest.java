package io.kcp.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {

  private static final List<String> NAMES =
      List.of(
          "max.poll.records",
          "max.poll.interval.ms",
          "enable.auto.commit",
          "fetch.min.bytes",
          "fetch.max.bytes",
          "session.timeout.ms",
          "ssl.keystore.password");

  @ParameterizedTest
  @CsvSource({
    "kitten, sitting, 3",
    "'', abc, 3",
    "abc, '', 3",
    "same, same, 0",
    "flaw, lawn, 2",
    "max.poll.record, max.poll.records, 1",
  })
  void editDistanceIsLevenshtein(String a, String b, int expected) {
    assertThat(Suggestions.editDistance(a, b)).isEqualTo(expected);
    assertThat(Suggestions.editDistance(b, a)).as("symmetric").isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "max.poll.record, max.poll.records",
    "maxpollrecords, max.poll.records",
    "MAX.POLL.RECORDS, max.poll.records",
    "auto.commit.enable, enable.auto.commit",
    "fetch.min.byte, fetch.min.bytes",
    "session.timeout, session.timeout.ms",
    "ssl.keystore.passwd, ssl.keystore.password",
  })
  void suggestsTheClosestName(String typed, String expected) {
    assertThat(Suggestions.closest(typed, NAMES)).hasValue(expected);
  }

  @Test
  void suggestsNothingWhenNothingIsClose() {
    assertThat(Suggestions.closest("schema.registry.url", NAMES)).isEmpty();
    assertThat(Suggestions.closest("foo", NAMES)).isEmpty();
    assertThat(Suggestions.closest("max.poll.records", List.of())).isEmpty();
  }

  @Test
  void tiesGoToTheAlphabeticallyFirstName() {
    // "fetch.m.bytes" is two insertions away from both fetch.max.bytes and fetch.min.bytes
    assertThat(Suggestions.closest("fetch.m.bytes", NAMES)).hasValue("fetch.max.bytes");
    assertThat(Suggestions.closest("fetch.m.bytes", List.of("fetch.min.bytes", "fetch.max.bytes")))
        .hasValue("fetch.max.bytes");
  }
}
