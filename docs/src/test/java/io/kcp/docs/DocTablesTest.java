package io.kcp.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures cannot go stale: every measured table of the course is rendered from its results file
 * under {@code docs/results/} ({@link DocTables}), and this test fails when a table and its file
 * disagree, or when a table that looks measured has no results file.
 *
 * <p>{@code -Dkcp.docs.write=true} rewrites the marked tables from their files instead:
 * {@value DocTables#REGENERATE}.
 */
class DocTablesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DOCS = ROOT.resolve("docs");
  private static final boolean WRITE = Boolean.getBoolean("kcp.docs.write");

  /**
   * Tables whose cells are mostly numbers but that are not measurements (a table of limits, of
   * numbered rules …), as "FILE: header row". None today: every table of figures in the course is
   * measured. An entry that names no such table fails the test, so the list cannot go stale.
   */
  private static final Set<String> NOT_MEASURED = Set.of();

  static List<Path> chapters() throws IOException {
    try (Stream<Path> s = Files.list(DOCS)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d\\d-.*\\.md")).sorted().toList();
    }
  }

  @Test
  void everyMarkedTableIsItsResultsFile() throws IOException {
    List<String> problems = new ArrayList<>();
    int tables = 0;
    for (Path md : chapters()) {
      String name = "docs/" + md.getFileName();
      String text = Files.readString(md);
      if (WRITE) {
        String updated = DocTables.rewrite(name, text, DOCS);
        if (!updated.equals(text)) {
          Files.writeString(md, updated);
          System.out.println("rewrote the tables of " + name);
        }
        text = updated;
      }
      tables += DocTables.marked(name, text, problems).size();
      problems.addAll(DocTables.check(name, text, DOCS));
    }
    assertThat(tables).as("marked tables found (the marker pattern still matches the docs)").isGreaterThan(20);
    assertThat(problems).as("measured tables that differ from their results files").isEmpty();
  }

  @Test
  void everyTableThatLooksMeasuredIsMarked() throws IOException {
    List<String> unmarked = new ArrayList<>();
    Set<String> exempt = new HashSet<>();
    for (Path md : chapters()) {
      for (String t : DocTables.unmarkedMeasured("docs/" + md.getFileName(), Files.readString(md))) {
        String key = md.getFileName() + ": " + t.substring(t.indexOf(": ", t.indexOf(".md:")) + 2);
        if (NOT_MEASURED.contains(key)) {
          exempt.add(key);
        } else {
          unmarked.add(t + "\n  a table of figures: give it a results file under docs/results/ and a"
              + " <!-- table: results/FILE.json#NAME --> marker, or list it in DocTablesTest.NOT_MEASURED");
        }
      }
    }
    assertThat(unmarked).as("tables that look measured but come from no results file").isEmpty();
    assertThat(exempt).as("NOT_MEASURED entries that still name an unmarked table of figures")
        .containsExactlyInAnyOrderElementsOf(NOT_MEASURED);
  }

  /** Every table of every results file is shown somewhere, and every results file is used. */
  @Test
  void everyResultsFileIsUsed() throws IOException {
    Set<String> used = new HashSet<>();
    List<String> problems = new ArrayList<>();
    for (Path md : chapters()) {
      for (DocTables.Marked t : DocTables.marked("docs/" + md.getFileName(), Files.readString(md), problems)) {
        used.add(t.ref());
        used.add(t.file());
      }
    }
    ObjectMapper json = new ObjectMapper();
    List<String> unused = new ArrayList<>();
    try (Stream<Path> s = Files.list(DOCS.resolve("results"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        String file = "results/" + f.getFileName();
        JsonNode root = json.readTree(f.toFile());
        if (root.hasNonNull("runs")) {
          used.add("results/" + root.get("runs").asText());
        }
        for (Iterator<String> it = root.path("tables").fieldNames(); it.hasNext(); ) {
          String ref = file + "#" + it.next();
          if (!used.contains(ref)) {
            unused.add(ref + " is shown in no chapter");
          }
        }
      }
    }
    try (Stream<Path> s = Files.list(DOCS.resolve("results"))) {
      s.filter(p -> p.toString().endsWith(".json")).map(p -> "results/" + p.getFileName())
          .filter(f -> !used.contains(f)).forEach(f -> unused.add(f + " is used by no table"));
    }
    assertThat(problems).isEmpty();
    assertThat(unused).as("results nobody shows").isEmpty();
  }

  // --- the checks fail when they should --------------------------------------------------------

  private static final String RESULTS = """
      {"command": "kcp consume --threads N", "machine": "2 cores", "measured_on": "2026-11-30",
       "tables": {"t": {
         "columns": [{"header": "threads", "align": "--:", "cell": "{threads}"},
                     {"header": "rate", "align": "--:", "cell": "{rate} rec/s"},
                     {"header": "share", "align": "--:", "cell": "{part/whole:0.00}"}],
         "rows": [{"threads": 1, "rate": 142069, "part": 1, "whole": 3},
                  {"threads": 12, "rate": 1563, "part": null, "whole": 3}]}}}
      """;

  @Test
  void theTableCheckFindsAStaleFigure(@TempDir Path docs) throws IOException {
    Files.createDirectories(docs.resolve("results"));
    Files.writeString(docs.resolve("results/r.json"), RESULTS);
    String good = """
        text
        <!-- table: results/r.json#t -->
        | threads | rate | share |
        |--:|--:|--:|
        | 1 | 142,069 rec/s | 0.33 |
        | 12 | 1,563 rec/s | — |
        <!-- /table -->
        """;
    assertThat(DocTables.check("a.md", good, docs)).isEmpty();

    String stale = good.replace("1,563 rec/s", "1,564 rec/s");
    assertThat(DocTables.check("b.md", stale, docs)).containsExactly("""
        b.md:6: table results/r.json#t differs from its results file
          b.md says:           | 12 | 1,564 rec/s | — |
          results/r.json says: | 12 | 1,563 rec/s | — |
          regenerate with: %s""".formatted(DocTables.REGENERATE));
    assertThat(DocTables.rewrite("b.md", stale, docs)).isEqualTo(good);

    assertThat(DocTables.check("c.md", good.replace("#t", "#u"), docs))
        .containsExactly("c.md:2: table results/r.json#u: results/r.json has no table 'u'");
    assertThat(DocTables.check("d.md", good.replace("<!-- /table -->\n", ""), docs))
        .containsExactly("d.md:2: <!-- table: results/r.json#t --> never closed by <!-- /table -->");
  }

  @Test
  void aTableOfFiguresWithoutAResultsFileIsFound() {
    String text = """
        | run | time | calls |
        |---|---:|---:|
        | alone | 155 ms | 3 |
        | in the build | 116 ms | 3 |

        | option | what |
        |---|---|
        | `--threads` | threads, 1 or more |
        """;
    assertThat(DocTables.unmarkedMeasured("e.md", text)).containsExactly("e.md:1: | run | time | calls |");
    String marked = "<!-- table: results/r.json#t -->\n" + text.replace("\n\n", "\n<!-- /table -->\n\n");
    assertThat(DocTables.unmarkedMeasured("f.md", marked)).isEmpty();
  }
}
