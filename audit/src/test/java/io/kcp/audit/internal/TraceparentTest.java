package io.kcp.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceparentTest {

  @Test
  void randomValuesAreValidSampledAndDistinct() {
    Random random = new Random(42);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String v = Traceparent.random(random);
      assertThat(v).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
      assertThat(Traceparent.isValid(v)).isTrue();
      seen.add(v);
    }
    assertThat(seen).hasSize(1000);
  }

  @Test
  void neverAllZeroIds() {
    // a Random whose first longs are zero must still yield non-zero ids
    Random zeros =
        new Random() {
          private int calls;

          @Override
          public long nextLong() {
            return calls++ < 3 ? 0L : 0x0123456789abcdefL;
          }
        };
    assertThat(Traceparent.random(zeros))
        .isEqualTo("00-0000000000000000" + "0123456789abcdef-0123456789abcdef-01");
  }

  @Test
  void validationRejectsInvalidValues() {
    assertThat(Traceparent.isValid(null)).isFalse();
    assertThat(Traceparent.isValid("00-" + "0".repeat(32) + "-" + "1".repeat(16) + "-01")).isFalse();
    assertThat(Traceparent.isValid("00-" + "1".repeat(32) + "-" + "0".repeat(16) + "-01")).isFalse();
    assertThat(Traceparent.isValid("00-" + "A".repeat(32) + "-" + "1".repeat(16) + "-01")).isFalse();
    assertThat(Traceparent.isValid("00-" + "a".repeat(32) + "-" + "1".repeat(16) + "-01")).isTrue();
  }
}
