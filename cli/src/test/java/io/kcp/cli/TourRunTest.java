package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TourRun#attempt}: a step that throws is an ERROR row, and the tour goes on to the next. */
class TourRunTest {
  @TempDir Path dir;

  @Test
  void aStepThatThrowsIsAnErrorRowAndTheNextStepRuns() throws Exception {
    StringWriter narration = new StringWriter();
    Path out = dir.resolve("out");
    try (TourRun run = new TourRun(new PrintWriter(narration, true), out, false)) {
      boolean first = run.attempt("broken", () -> {
        run.step(9, 1, 2, "a step that fails");
        throw new IllegalStateException("the broker said no");
      });
      boolean second = run.attempt("fine", () -> {
        run.step(9, 2, 2, "a step that works");
        run.done("fine", "1 record", "as expected", true, CliJson.object());
      });
      assertThat(first).isFalse();
      assertThat(second).isTrue();
      assertThat(run.rows()).hasSize(2);
      TourRun.Row error = run.rows().get(0);
      assertThat(error.step()).isEqualTo("ch9 1/2");
      assertThat(error.what()).isEqualTo("broken");
      assertThat(error.verdict()).isEqualTo("ERROR");
      assertThat(error.ok()).isFalse();
      assertThat(error.figures()).isEqualTo("the broker said no");
      assertThat(run.rows().get(1).ok()).isTrue();
      assertThat(TourCommand.table(run.rows())).contains("! ERROR", "the broker said no");
      assertThat(Files.readString(out.resolve("ch9-1-broken.json"))).contains("\"error\":\"the broker said no\"");
    }
    assertThat(narration.toString()).contains("[ch9 1/2] a step that fails", "error: the broker said no",
        "=> ERROR", "[ch9 2/2] a step that works").doesNotContain("\tat ");
  }
}
