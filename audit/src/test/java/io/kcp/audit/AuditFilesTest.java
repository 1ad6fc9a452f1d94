package io.kcp.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFilesTest {

  @TempDir Path dir;

  private static String line(String run, long offset) {
    return run + "\tw-1\torders\t0\t" + offset + "\tk-0\t" + offset + "\t10\t20\t1000\n";
  }

  private Path write(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void readsSeveralFilesInOrder() throws Exception {
    Path a = write("a.tsv", line("r1", 0) + line("r1", 1));
    Path b = write("b.tsv", line("r2", 0));
    Path empty = write("empty.tsv", "");
    AuditFiles.Contents contents = AuditFiles.read(List.of(a, empty, b));
    assertThat(contents.tornLines()).isZero();
    assertThat(contents.entries())
        .extracting(e -> e.runId() + "@" + e.offset())
        .containsExactly("r1@0", "r1@1", "r2@0");
    assertThat(contents.entries().get(0))
        .isEqualTo(new AuditEntry("r1", "w-1", "orders", 0, 0, "k-0", 0, 10, 20, 1000));
  }

  @Test
  void tornLastLineIsSkippedAndCounted() throws Exception {
    String full = line("r1", 2);
    Path a = write("a.tsv", line("r1", 0) + line("r1", 1) + full.substring(0, full.length() - 3));
    // even a torn line that happens to parse is torn: it lacks its newline
    Path b = write("b.tsv", line("r2", 0) + full.substring(0, full.length() - 1));
    AuditFiles.Contents contents = AuditFiles.read(a, b);
    assertThat(contents.entries()).extracting(AuditEntry::offset).containsExactly(0L, 1L, 0L);
    assertThat(contents.tornLines()).isEqualTo(2);
  }

  @Test
  void malformedLineFailsNamingFileAndLine() throws Exception {
    Path bad = write("bad.tsv", line("r1", 0) + "r1\tw-1\torders\tX\t1\tk\t0\t1\t2\t3\n" + line("r1", 2));
    assertThatThrownBy(() -> AuditFiles.read(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("line 2")
        .hasMessageContaining("partition is not a number");

    Path blank = write("blank.tsv", line("r1", 0) + "\n" + line("r1", 2));
    assertThatThrownBy(() -> AuditFiles.read(blank))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank.tsv")
        .hasMessageContaining("line 2");
  }

  @Test
  void missingFileFailsNamingIt() {
    Path missing = dir.resolve("nope.tsv");
    assertThatThrownBy(() -> AuditFiles.read(missing))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("nope.tsv");
  }

  @Test
  void longLinesAcrossReadChunksParse() throws Exception {
    String longKey = "x".repeat(200_000);
    Path file =
        write(
            "long.tsv",
            line("r1", 0) + "r1\tw\torders\t0\t1\t" + longKey + "\t-1\t1\t2\t3\n" + line("r1", 2));
    assertThat(AuditFiles.read(file).entries())
        .extracting(AuditEntry::key)
        .containsExactly("k-0", longKey, "k-0");
  }
}
