package io.kcp.cli;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code kcp bench --chart}: each arm's median steady rate against the handler latency. */
final class BenchChart {
  private BenchChart() {}

  static void writePng(Path file, List<BenchCommand.Row> rows) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    Map<String, Map<Long, List<Double>>> byArm = new TreeMap<>();
    for (BenchCommand.Row r : rows) {
      if (r.arm().startsWith(BenchCommand.SHARE_SCALING)) {
        continue; // one latency, another topic: a table of its own, not a line here
      }
      byArm.computeIfAbsent(r.arm(), k -> new TreeMap<>()).computeIfAbsent(r.latencyMs(), k -> new ArrayList<>())
          .add(r.recordsPerSecond());
    }
    XYChart c = new XYChartBuilder().width(900).height(480)
        .title("steady-state records/s per arm against the handler latency (median of the runs)")
        .xAxisTitle("handler latency (ms)").yAxisTitle("records/s (log)").build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setYAxisLogarithmic(true);
    for (Map.Entry<String, Map<Long, List<Double>>> arm : byArm.entrySet()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (Map.Entry<Long, List<Double>> l : arm.getValue().entrySet()) {
        List<Double> v = new ArrayList<>(l.getValue());
        v.sort(null);
        x.add((double) l.getKey());
        y.add(Math.max(1, v.get(v.size() / 2)));
      }
      c.addSeries(arm.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
    }
    ChartFiles.writePng(file, BitmapEncoder.getBufferedImage(c), "--chart");
  }
}
