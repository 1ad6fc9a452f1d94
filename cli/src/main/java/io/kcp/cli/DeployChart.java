package io.kcp.cli;

import io.kcp.deploy.DeploymentReport;
import io.kcp.deploy.DeploymentStep;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The chart of a deployment, drawn to a PNG with XChart: the group's total lag over time, and the
 * records handled per second by each version, both with a vertical line at every start and stop
 * of an instance. Time is seconds since the old fleet was steady (its start-up is left out).
 */
final class DeployChart {
  static final int WIDTH = 900;
  static final int HEIGHT = 320;

  private DeployChart() {}

  static void writePng(Path file, DeploymentReport report) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    // from the moment the old fleet was steady: its start-up is not the deployment
    long t0 = report.steps().stream().filter(st -> st.phase().equals("start") && st.what().equals("lag recovered"))
        .mapToLong(DeploymentStep::atMillis).max()
        .orElse(report.steps().isEmpty() ? 0 : report.steps().get(0).atMillis());
    double end = report.steps().isEmpty() ? 1
        : Math.max(1, (report.steps().get(report.steps().size() - 1).atMillis() - t0) / 1000.0);
    List<BufferedImage> images = List.of(
        BitmapEncoder.getBufferedImage(axis(lagChart(report, t0), end)),
        BitmapEncoder.getBufferedImage(axis(rateChart(report, t0), end)));
    BufferedImage all = new BufferedImage(WIDTH, HEIGHT * images.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT * images.size());
    for (int i = 0; i < images.size(); i++) {
      g.drawImage(images.get(i), 0, i * HEIGHT, null);
    }
    g.dispose();
    ChartFiles.writePng(file, all, "--chart");
  }

  /** Both charts on one time axis, so a step's line is at the same place in each. */
  private static XYChart axis(XYChart c, double end) {
    c.getStyler().setXAxisMin(0.0);
    c.getStyler().setXAxisMax(end);
    c.getStyler().setXAxisDecimalPattern("#0");
    return c;
  }

  private static XYChart base(String title, String y) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("seconds since the old fleet was steady").yAxisTitle(y).build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    return c;
  }

  private static void marks(XYChart c, DeploymentReport report, long t0) {
    for (DeploymentStep s : report.steps()) {
      if ((s.what().startsWith("started") || s.what().startsWith("stopped") || s.what().startsWith("activated")
          || s.what().startsWith("deactivated")) && s.atMillis() >= t0) {
        c.addAnnotation(new AnnotationLine((s.atMillis() - t0) / 1000.0, true, false));
      }
    }
  }

  static XYChart lagChart(DeploymentReport report, long t0) {
    XYChart c = base(report.strategy() + " " + report.variant() + " — total lag (lines: an instance started or"
        + " stopped)", "lag (records)");
    List<Double> x = new ArrayList<>();
    List<Long> y = new ArrayList<>();
    for (DeploymentReport.LagPoint p : report.lag()) {
      if (p.atMillis() >= t0) {
        x.add((p.atMillis() - t0) / 1000.0);
        y.add(p.totalLag());
      }
    }
    if (x.isEmpty()) {
      x.add(0.0);
      y.add(0L);
    }
    c.addSeries("total lag", x, y).setMarker(SeriesMarkers.NONE);
    marks(c, report, t0);
    return c;
  }

  static XYChart rateChart(DeploymentReport report, long t0) {
    XYChart c = base("records handled per second, by version", "records/s");
    for (Map.Entry<String, Map<Long, Long>> v : report.ratesByVersion().entrySet()) {
      List<Double> x = new ArrayList<>();
      List<Long> y = new ArrayList<>();
      v.getValue().forEach((second, n) -> {
        if (second * 1000 >= t0) {
          x.add((second * 1000 + 500 - t0) / 1000.0); // the middle of its second
          y.add(n);
        }
      });
      if (!x.isEmpty()) {
        c.addSeries(v.getKey(), x, y).setMarker(SeriesMarkers.NONE);
      }
    }
    if (c.getSeriesMap().isEmpty()) {
      c.addSeries("none", List.of(0.0), List.of(0L));
    }
    marks(c, report, t0);
    return c;
  }
}
