package io.kcp.cli;

import io.kcp.deploy.DeploymentReport;
import io.kcp.deploy.PhaseReport;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code kcp deploy --compare}: the strategies and rolling variants one after another on the same
 * workload, one table (markdown, as docs/04 shows it) and one chart of their lag around the
 * rollout.
 */
final class DeployCompare {
  private DeployCompare() {}

  /** One arm of the comparison. */
  record Arm(String label, DeployCommand.Strategy strategy, DeployVersions.Variant variant, boolean rollback,
      boolean bad) {}

  /** An arm and what it measured. */
  record Row(Arm arm, DeploymentReport report) {
    /** The rollback's duration, if the arm had one. */
    Long rollbackMs() {
      if (report.canary().isPresent() && !report.canary().get().failedGate().isEmpty()) {
        return report.canary().get().rollbackMs();
      }
      return report.rollback().map(PhaseReport::durationMs).orElse(null);
    }
  }

  /** The arms, in the table's order. */
  static List<Arm> arms() {
    return List.of(
        new Arm("stop", DeployCommand.Strategy.STOP, DeployVersions.Variant.COOPERATIVE, false, false),
        new Arm("rolling eager", DeployCommand.Strategy.ROLLING, DeployVersions.Variant.EAGER, false, false),
        new Arm("rolling cooperative", DeployCommand.Strategy.ROLLING, DeployVersions.Variant.COOPERATIVE, true, false),
        new Arm("rolling static", DeployCommand.Strategy.ROLLING, DeployVersions.Variant.STATIC, false, false),
        new Arm("rolling kip848", DeployCommand.Strategy.ROLLING, DeployVersions.Variant.KIP848, false, false),
        new Arm("blue-green", DeployCommand.Strategy.BLUE_GREEN, DeployVersions.Variant.COOPERATIVE, true, false),
        new Arm("canary", DeployCommand.Strategy.CANARY, DeployVersions.Variant.COOPERATIVE, false, false),
        new Arm("canary, bad v2", DeployCommand.Strategy.CANARY, DeployVersions.Variant.COOPERATIVE, false, true));
  }

  /** The table, markdown. */
  static String table(List<Row> rows) {
    StringBuilder b = new StringBuilder();
    b.append("| strategy | outcome | gap ms | max partition gap ms | lag peak | recovery ms | duplicates | lost"
        + " | mixed versions ms | peak instances | rollout ms | rollback ms |\n");
    b.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Row r : rows) {
      DeploymentReport d = r.report();
      PhaseReport p = d.rollout();
      Long back = r.rollbackMs();
      b.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %d | %,d | %s |%n",
          r.arm().label(), d.outcome().replace('_', ' '), p.consumptionGapMs(), p.maxPartitionGapMs(), p.lagPeak(),
          p.recoveryMs(), d.duplicates(), d.lost(), p.mixedVersionMs(), p.peakRunning(), p.durationMs(),
          back == null ? "—" : String.format(Locale.ROOT, "%,d", back)));
    }
    DeploymentReport first = rows.isEmpty() ? null : rows.get(0).report();
    if (first != null) {
      b.append(String.format(Locale.ROOT, "%n%d instances, %d partitions, %,d records/s; peak instances = the most"
          + " instances up at once (consuming or warm)%n", first.instances(), first.partitions(), first.rate()));
    }
    return b.toString();
  }

  /** The rows as JSON: each arm's label and its report's JSON object. */
  static String json(List<Row> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("arm", r.arm().label());
      m.put("rollback_ms", r.rollbackMs());
      m.put("report", CliJson.parse(r.report().toJson(), "the " + r.arm().label() + " report"));
      out.add(m);
    }
    return CliJson.line(out);
  }


  /** Each arm's total lag from a few seconds before its rollout began to its end, on one axis. */
  static void writePng(Path file, List<Row> rows) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    XYChart c = new XYChartBuilder().width(DeployChart.WIDTH).height(DeployChart.HEIGHT + 160)
        .title("total lag around the rollout, per strategy (same workload, one broker)")
        .xAxisTitle("seconds since the rollout began").yAxisTitle("lag (records)").build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setXAxisDecimalPattern("#0");
    for (Row r : rows) {
      long t0 = r.report().rollout().startMillis();
      long end = r.report().rollback().map(PhaseReport::endMillis).orElse(r.report().rollout().endMillis());
      List<Double> x = new ArrayList<>();
      List<Long> y = new ArrayList<>();
      for (DeploymentReport.LagPoint p : r.report().lag()) {
        if (p.atMillis() >= t0 - 3_000 && p.atMillis() <= end) {
          x.add((p.atMillis() - t0) / 1000.0);
          y.add(p.totalLag());
        }
      }
      if (x.isEmpty()) {
        x.add(0.0);
        y.add(0L);
      }
      c.addSeries(r.arm().label(), x, y).setMarker(SeriesMarkers.NONE);
    }
    ChartFiles.writePng(file, BitmapEncoder.getBufferedImage(c), "--chart");
  }
}
