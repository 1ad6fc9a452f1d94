package io.kcp.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcp.audit.AuditEntry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuditLinesTest {

  private static String encoded(AuditEntry e) {
    return new String(AuditLines.encode(e), StandardCharsets.UTF_8);
  }

  @Test
  void encodesTenTabSeparatedFieldsAndOneNewline() {
    AuditEntry e = new AuditEntry("r1", "worker-1", "orders", 2, 17, "k-3", 5, -100, 250, 1234);
    assertThat(encoded(e)).isEqualTo("r1\tworker-1\torders\t2\t17\tk-3\t5\t-100\t250\t1234\n");
  }

  @Test
  void escapesAndRestoresSpecialCharactersAndNull() {
    AuditEntry e =
        new AuditEntry("r\\1", "pool\t1\nthread\r", "t", 0, 0, null, -1, 1, 1, 0);
    String line = encoded(e);
    assertThat(line).isEqualTo("r\\\\1\tpool\\t1\\nthread\\r\tt\t0\t0\t\\N\t-1\t1\t1\t0\n");
    assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
    assertThat(AuditLines.decode(line.substring(0, line.length() - 1))).isEqualTo(e);

    AuditEntry literal = new AuditEntry("r", "h", "t", 0, 0, "\\N", 0, 1, 1, 0);
    String l2 = encoded(literal);
    assertThat(AuditLines.decode(l2.substring(0, l2.length() - 1)).key()).isEqualTo("\\N");

    AuditEntry unicode = new AuditEntry("r", "h", "tópico", 0, 0, "ключ-😀", 3, 1, 2, 0);
    String l3 = encoded(unicode);
    assertThat(AuditLines.decode(l3.substring(0, l3.length() - 1))).isEqualTo(unicode);
  }

  @Test
  void rejectsMalformedLines() {
    assertThatThrownBy(() -> AuditLines.decode("a\tb\tc"))
        .hasMessageContaining("expected 10")
        .hasMessageContaining("found 3");
    assertThatThrownBy(() -> AuditLines.decode("r\th\tt\t0\t0\tk\t0\t1\t2\t3\textra"))
        .hasMessageContaining("more than 10");
    assertThatThrownBy(() -> AuditLines.decode("r\th\tt\tzero\t0\tk\t0\t1\t2\t3"))
        .hasMessageContaining("partition is not a number");
    assertThatThrownBy(() -> AuditLines.decode("r\th\tt\t0\t0\tk\\x\t0\t1\t2\t3"))
        .hasMessageContaining("unknown escape");
    assertThatThrownBy(() -> AuditLines.decode("r\th\tt\t0\t0\tk\\\t0\t1\t2\t3"))
        .hasMessageContaining("incomplete escape");
    assertThatThrownBy(() -> AuditLines.decode("r\th\tt\t0\t-4\tk\t0\t1\t2\t3"))
        .hasMessageContaining("offset out of range");
    assertThatThrownBy(() -> AuditLines.decode("r\th\tt\t0\t0\tk\t0\t5\t2\t3"))
        .hasMessageContaining("before startNanos");
    assertThatThrownBy(() -> AuditLines.decode("\th\tt\t0\t0\tk\t0\t1\t2\t3"))
        .hasMessageContaining("runId is empty");
  }
}
