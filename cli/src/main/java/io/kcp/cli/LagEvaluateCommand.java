package io.kcp.cli;

import io.kcp.lag.GroupEvaluation;
import io.kcp.lag.LagEvaluator;
import io.kcp.lag.LagException;
import io.kcp.lag.LagJson;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagReport;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.LagWindow;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kcp lag evaluate}: Burrow's rules over a hand-written window or a recording, offline. */
@Command(
    name = "evaluate",
    header = "Evaluate lag offline from a window or a recording.",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate lag offline, no cluster needed. FILE (or - or nothing: stdin) is a",
      "window document {\"now_ms\", \"allowed_lag\", \"partitions\": [{\"topic\",",
      "\"partition\", \"window\": [{\"offset\", \"timestamp_ms\", \"lag\"}, ...],",
      "\"broker_offsets\", \"current_lag\"}]} or a 'kcp lag watch --record' file",
      "(JSON lines), replayed observation by observation. Prints the evaluation as",
      "JSON: status, complete, totallag, maxlag, and per partition the status and",
      "the rule that decided it. With --time-lag interpolate (recordings only) it",
      "prints the last observation instead, as 'kcp lag --json' does, its time_lag_ms",
      "interpolated over the recording's log-end offsets and their times."
    })
final class LagEvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "The window or recording (default: stdin).")
  String file;

  @Option(names = "--allowed-lag", description = "Override the document's allowed_lag (tune thresholds on recorded data).")
  Long allowedLag;

  @Option(names = "--minimum-complete", paramLabel = "0..1",
      description = "Override the document's minimum_complete: judge only windows at least this full.")
  Double minimumComplete;

  @Option(names = "--window", defaultValue = "10",
      description = "Recordings only: observations per window. Default: ${DEFAULT-VALUE}.")
  int window;

  @Option(names = "--time-lag", paramLabel = "interpolate",
      description = "Recordings only: interpolate each partition's time lag over the log-end offsets the recording"
          + " sampled, and print the last observation (snapshot and evaluation) instead of the evaluation alone.")
  String timeLag;

  @Override
  public Integer call() throws IOException {
    boolean interpolate = false;
    if (timeLag != null) {
      if (!timeLag.strip().equalsIgnoreCase("interpolate")) {
        throw new CliException("--time-lag for 'kcp lag evaluate' can only be interpolate (got '" + timeLag
            + "'): a recording already holds the time lag it was taken with");
      }
      interpolate = true;
    }
    Checks.positive("--window", window);
    if (minimumComplete != null) {
      Checks.fraction("--minimum-complete", minimumComplete);
    }
    if (allowedLag != null && allowedLag < 0) {
      throw new CliException("--allowed-lag must be 0 or more (got " + allowedLag + ")");
    }
    String text = read();
    String name = file == null || file.equals("-") ? "stdin" : file;
    boolean isWindow = looksLikeWindow(text);
    if (interpolate && isWindow) {
      throw new CliException(name + ": --time-lag interpolate needs a 'kcp lag watch --record' file (a window"
          + " document has no times for its broker offsets)");
    }
    String result;
    try {
      result = isWindow ? LagJson.toJson(window(text))
          : interpolate ? LagJson.toJson(replay(text, true)) : LagJson.toJson(replay(text, false).evaluation());
    } catch (LagException x) {
      throw new CliException(name + ": " + x.getMessage(), x);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(result);
    out.flush();
    return 0;
  }

  private GroupEvaluation window(String text) {
    LagWindow w = LagJson.readWindow(text);
    if (allowedLag != null || minimumComplete != null) {
      w = new LagWindow(w.nowMs(), allowedLag != null ? allowedLag : w.allowedLag(), w.windowSize(), w.partitions(),
          minimumComplete != null ? minimumComplete : w.minimumComplete());
    }
    return LagEvaluator.evaluate(w);
  }

  private LagReport replay(String text, boolean interpolate) {
    LagReport last = null;
    try (LagMonitor m = LagMonitor.builder("replay").windowSize(window)
        .allowedLag(allowedLag == null ? 0 : allowedLag).minimumComplete(minimumComplete == null ? 0 : minimumComplete)
        .interpolateTimeLag(interpolate).build()) {
      for (LagSnapshot s : LagJson.readRecording(text)) {
        last = m.observe(s);
      }
    }
    if (last == null) {
      throw new LagException("no observation in it (expected a window document or JSON lines from 'kcp lag watch --record')");
    }
    return last;
  }

  /** A window document is one object with "now_ms"; a recording is one object per line. */
  private static boolean looksLikeWindow(String text) {
    String t = text.strip();
    int firstLineEnd = t.indexOf('\n');
    String first = firstLineEnd < 0 ? t : t.substring(0, firstLineEnd);
    return t.contains("\"now_ms\"") && !(first.strip().startsWith("{") && first.strip().endsWith("}")
        && first.contains("\"taken_at_ms\""));
  }

  private String read() throws IOException {
    if (file == null || file.equals("-")) {
      InputStream in = System.in;
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException("file not found: " + file + " (give a window JSON file, a 'kcp lag watch --record' file, or - for stdin)");
    }
  }
}
