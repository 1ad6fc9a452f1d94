package io.kcp.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadRecordTest {

  @Test
  void recordIndexMapsToKeyRoundRobinAndSeqPerKey() {
    List<String> seen = new ArrayList<>();
    for (long i = 0; i < 7; i++) {
      WorkloadRecord r = WorkloadRecord.of(i, 3, 1000);
      seen.add(r.key() + "#" + r.seq());
    }
    assertThat(seen).containsExactly("k-0#0", "k-1#0", "k-2#0", "k-0#1", "k-1#1", "k-2#1", "k-0#2");
  }

  @Test
  void valueRoundTrips() {
    WorkloadRecord r = new WorkloadRecord("k-42", 123_456_789_012L, 1_767_225_600_000L);
    assertThat(r.toValue()).isEqualTo("k-42|123456789012|1767225600000");
    assertThat(WorkloadRecord.parse(r.toValue())).contains(r);
  }

  @Test
  void keyMayContainTheSeparator() {
    WorkloadRecord r = new WorkloadRecord("a|b", 5, 9);
    assertThat(WorkloadRecord.parse(r.toValue())).contains(r);
  }

  @Test
  void parseRejectsAnythingElse() {
    for (String bad :
        new String[] {
          null, "", "hello", "k|1", "|1|2", "k|x|2", "k|1|", "k||2", "k|-1|2", "k|1|2x",
          "k|99999999999999999999|1", "k|1| 2"
        }) {
      assertThat(WorkloadRecord.parse(bad)).as("parse(%s)", bad).isEmpty();
    }
  }

  @Test
  void rejectsInvalidArguments() {
    assertThatThrownBy(() -> new WorkloadRecord("k", -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seq");
    assertThatThrownBy(() -> WorkloadRecord.of(0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keys");
  }
}
