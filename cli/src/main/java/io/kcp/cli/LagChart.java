package io.kcp.cli;

import io.kcp.lag.LagServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The lag chart of the page, drawn to a PNG with XChart (no browser): per group, the total lag
 * and each partition's lag over the kept history, titled with the group and its latest status.
 * Groups are stacked in one image. Written to a temporary file and moved into place, so a reader
 * never sees half a file.
 */
final class LagChart {
  static final int WIDTH = 900;
  static final int HEIGHT = 360;
  static final int MAX_LEGEND = 12;

  private LagChart() {}

  /** One group's chart: its name and the points to draw. */
  record Group(String group, List<LagServer.Point> points) {}

  static void writePng(Path file, List<Group> groups) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    List<BufferedImage> images = new ArrayList<>();
    for (Group g : groups) {
      images.add(BitmapEncoder.getBufferedImage(chart(g)));
    }
    int height = Math.max(1, images.size()) * HEIGHT;
    BufferedImage all = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D gfx = all.createGraphics();
    gfx.setColor(Color.WHITE);
    gfx.fillRect(0, 0, WIDTH, height);
    for (int i = 0; i < images.size(); i++) {
      gfx.drawImage(images.get(i), 0, i * HEIGHT, null);
    }
    gfx.dispose();
    ChartFiles.writePng(file, all, "--snapshot");
  }

  static XYChart chart(Group g) {
    List<LagServer.Point> pts = g.points();
    String status = pts.isEmpty() ? "no observation yet" : pts.get(pts.size() - 1).status().name();
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(g.group() + " — " + status).xAxisTitle("time").yAxisTitle("lag (records)").build();
    c.getStyler().setDatePattern("HH:mm:ss");
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLegendVisible(true);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    if (pts.isEmpty()) {
      c.addSeries("total", List.of(new Date()), List.of(0L)).setMarker(SeriesMarkers.NONE);
      return c;
    }
    List<Date> xs = pts.stream().map(p -> new Date(p.atMs())).toList();
    XYSeries total = c.addSeries("total", xs, pts.stream().map(LagServer.Point::totalLag).toList());
    total.setLineColor(Color.BLACK);
    total.setMarker(SeriesMarkers.NONE);
    TreeSet<String> names = new TreeSet<>();
    pts.forEach(p -> names.addAll(p.lags().keySet()));
    if (names.size() > MAX_LEGEND) {
      // too many partitions to name: draw them all, name only the total
      c.getStyler().setLegendVisible(false);
      c.setTitle(c.getTitle() + " (total in black, " + names.size() + " partitions)");
    }
    for (String n : names) {
      List<Date> x = new ArrayList<>();
      List<Long> y = new ArrayList<>();
      for (LagServer.Point p : pts) {
        Map<String, Long> lags = p.lags();
        if (lags.containsKey(n)) {
          x.add(new Date(p.atMs()));
          y.add(lags.get(n));
        }
      }
      if (!x.isEmpty()) {
        c.addSeries(n, x, y).setMarker(SeriesMarkers.NONE);
      }
    }
    return c;
  }
}
