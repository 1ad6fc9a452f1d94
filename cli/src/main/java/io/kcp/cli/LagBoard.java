package io.kcp.cli;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagException;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagReport;
import io.kcp.lag.LagStatus;
import io.kcp.lag.LagWindow;
import io.kcp.lag.PartitionLag;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

/**
 * What {@code kcp lag serve} knows: one {@link LagMonitor} per watched group, the latest view of
 * each and a bounded history of lag per partition. {@link #sample()} is called from one thread;
 * the HTTP handlers read {@link #view(String)} and {@link #history(String)} from others.
 */
final class LagBoard implements AutoCloseable {
  /** One observation kept for the chart: the group status, the total lag and each partition's lag. */
  record Point(long atMs, LagStatus status, long totalLag, Map<String, Long> lags) {}

  /**
   * The latest that is known of a group: the last good report and the window it was evaluated on
   * (null before the first), and the error of the last observation (null when it succeeded).
   */
  record View(String group, LagReport report, LagWindow window, int windowSize, String error) {
    /** The group status: ERR while the last observation failed. */
    LagStatus status() {
      return error != null || report == null ? LagStatus.ERR : report.evaluation().status();
    }
  }

  private final ConsumerLag source;
  private final List<String> fixedGroups;
  private final int windowSize;
  private final long allowedLag;
  private final double minimumComplete;
  private final int historySize;
  private final OpenTelemetry otel;
  private final LongSupplier clock;
  private final Map<String, Watch> watches = new ConcurrentSkipListMap<>();
  private volatile Set<String> clusterGroups = Set.of();

  private static final class Watch {
    final LagMonitor monitor;
    final Deque<Point> history = new ArrayDeque<>();
    volatile View view;

    Watch(LagMonitor monitor, View view) {
      this.monitor = monitor;
      this.view = view;
    }
  }

  /**
   * @param groups the groups to watch; empty = every consumer group of the cluster, as it changes
   * @param historySize observations kept per group for the chart (older ones are dropped)
   */
  LagBoard(ConsumerLag source, List<String> groups, int windowSize, long allowedLag, double minimumComplete,
      int historySize,
      OpenTelemetry otel, LongSupplier clock) {
    this.source = source;
    this.fixedGroups = List.copyOf(groups);
    this.windowSize = windowSize;
    this.allowedLag = allowedLag;
    this.minimumComplete = minimumComplete;
    this.historySize = historySize;
    this.otel = otel;
    this.clock = clock;
  }

  /**
   * One round: lists the cluster's groups, starts or drops watches (all-groups mode), observes
   * every watched group once and appends to its history. A failure is kept in the group's view.
   *
   * @return the failure to list groups, if that failed (the watched groups are still observed)
   */
  Optional<String> sample() {
    String listError = null;
    try {
      clusterGroups = Set.copyOf(source.groups());
    } catch (LagException e) {
      listError = e.getMessage();
    }
    Set<String> wanted = new TreeSet<>(fixedGroups.isEmpty() ? clusterGroups : fixedGroups);
    if (listError == null || !fixedGroups.isEmpty()) {
      for (String gone : new ArrayList<>(watches.keySet())) {
        if (!wanted.contains(gone)) {
          watches.remove(gone).monitor.close();
        }
      }
    }
    for (String g : wanted) {
      watches.computeIfAbsent(g, k -> new Watch(
          LagMonitor.builder(k).source(source).windowSize(windowSize).allowedLag(allowedLag)
              .minimumComplete(minimumComplete)
              .openTelemetry(otel).build(),
          new View(k, null, null, windowSize, "not observed yet")));
    }
    for (String g : wanted) {
      observe(watches.get(g), g);
    }
    return Optional.ofNullable(listError);
  }

  private void observe(Watch w, String group) {
    LagReport r;
    try {
      r = w.monitor.observe();
    } catch (LagException e) {
      View old = w.view;
      w.view = new View(group, old.report(), old.window(), windowSize, e.getMessage());
      append(w, new Point(clock.getAsLong(), LagStatus.ERR,
          old.report() == null ? 0 : old.report().snapshot().totalLag(), Map.of()));
      return;
    }
    w.view = new View(group, r, w.monitor.latestWindow().orElse(null), windowSize, null);
    append(w, point(r));
  }

  /** The chart point of one report: its instant, status, total lag and each committed partition's lag. */
  static Point point(LagReport r) {
    Map<String, Long> lags = new LinkedHashMap<>();
    for (PartitionLag p : r.snapshot().partitions()) {
      if (p.lag().isPresent()) {
        lags.put(p.name(), p.lag().getAsLong());
      }
    }
    return new Point(r.snapshot().takenAtMs(), r.evaluation().status(), r.snapshot().totalLag(), lags);
  }

  private void append(Watch w, Point p) {
    synchronized (w.history) {
      w.history.addLast(p);
      while (w.history.size() > historySize) {
        w.history.removeFirst();
      }
    }
  }

  /** The watched groups, sorted, found or not. */
  List<String> watched() {
    return List.copyOf(watches.keySet());
  }

  /** The watched groups that {@link #view(String)} finds, sorted. */
  List<String> groups() {
    return watches.keySet().stream().filter(g -> view(g).isPresent()).toList();
  }

  /**
   * The group's view, if it is watched and (when groups were named) the cluster knows it: a named
   * group the cluster has never heard of is "not found", as in Burrow.
   */
  Optional<View> view(String group) {
    Watch w = watches.get(group);
    if (w == null) {
      return Optional.empty();
    }
    View v = w.view;
    if (v.report() == null && !clusterGroups.contains(group)) {
      return Optional.empty();
    }
    return Optional.of(v);
  }

  /** The group's history, oldest first (a copy). */
  List<Point> history(String group) {
    Watch w = watches.get(group);
    if (w == null) {
      return List.of();
    }
    synchronized (w.history) {
      return List.copyOf(w.history);
    }
  }

  @Override
  public void close() {
    watches.values().forEach(w -> w.monitor.close());
    watches.clear();
  }
}
