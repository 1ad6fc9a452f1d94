package io.kcp.lag.internal.serve;

import io.kcp.lag.GroupSnapshots;
import io.kcp.lag.LagException;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagReport;
import io.kcp.lag.LagServer.Point;
import io.kcp.lag.LagStatus;
import io.kcp.lag.LagWindow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the server knows: one {@link LagMonitor} per watched group, the latest view of each and a
 * bounded history per group. {@link #sample()} is called from one thread at a time; the HTTP
 * handlers read {@link #view(String)} and {@link #history(String)} from others.
 */
public final class Board implements AutoCloseable {
  /**
   * The latest that is known of a group: the last good report and the window it was evaluated on
   * (null before the first), and the error of the last observation (null when it succeeded).
   */
  public record View(String group, LagReport report, LagWindow window, int windowSize, String error) {
    /** The group status: ERR while the last observation failed. */
    public LagStatus status() {
      return error != null || report == null ? LagStatus.ERR : report.evaluation().status();
    }
  }

  private final Supplier<List<String>> lister;
  private final List<String> fixedGroups;
  private final Function<String, LagMonitor> monitors;
  private final BiFunction<String, LagMonitor, LagReport> observer;
  private final Function<Collection<String>, GroupSnapshots> batch;
  private final int windowSize;
  private final int historySize;
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
   * @param lister the cluster's consumer groups (may throw {@link LagException})
   * @param groups the groups to watch; empty = every group {@code lister} gives, as it changes
   * @param monitors a new monitor for a group
   * @param observer one observation of a group by its monitor (may throw {@link LagException})
   * @param historySize observations kept per group (older ones are dropped)
   */
  public Board(Supplier<List<String>> lister, List<String> groups, Function<String, LagMonitor> monitors,
      BiFunction<String, LagMonitor, LagReport> observer, int windowSize, int historySize, LongSupplier clock) {
    this(lister, groups, monitors, observer, null, windowSize, historySize, clock);
  }

  /**
   * A board that reads every watched group of a round in one batch ({@link
   * io.kcp.lag.ConsumerLag#snapshots}: the same few Admin calls for one group or a thousand) and
   * hands each monitor its group's snapshot or failure.
   */
  public Board(Supplier<List<String>> lister, List<String> groups, Function<String, LagMonitor> monitors,
      Function<Collection<String>, GroupSnapshots> batch, int windowSize, int historySize, LongSupplier clock) {
    this(lister, groups, monitors, null, batch, windowSize, historySize, clock);
  }

  private Board(Supplier<List<String>> lister, List<String> groups, Function<String, LagMonitor> monitors,
      BiFunction<String, LagMonitor, LagReport> observer, Function<Collection<String>, GroupSnapshots> batch,
      int windowSize, int historySize, LongSupplier clock) {
    this.lister = lister;
    this.fixedGroups = List.copyOf(groups);
    this.monitors = monitors;
    this.observer = observer;
    this.batch = batch;
    this.windowSize = windowSize;
    this.historySize = historySize;
    this.clock = clock;
  }

  /**
   * One round: lists the cluster's groups, starts or drops watches (all-groups mode), observes
   * every watched group once and appends to its history. A group's failure is kept in its view.
   *
   * @return the failure to list groups, if that failed (the watched groups are still observed)
   */
  public Optional<String> sample() {
    String listError = null;
    try {
      clusterGroups = Set.copyOf(lister.get());
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
      watches.computeIfAbsent(g, k -> new Watch(monitors.apply(k), new View(k, null, null, windowSize,
          "not observed yet")));
    }
    BiFunction<String, LagMonitor, LagReport> observe = observer != null ? observer : batched(wanted);
    for (String g : wanted) {
      observe(watches.get(g), g, observe);
    }
    return Optional.ofNullable(listError);
  }

  /** One batched read of the round's groups, then each monitor is given its group's part of it. */
  private BiFunction<String, LagMonitor, LagReport> batched(Set<String> wanted) {
    if (wanted.isEmpty()) {
      return (g, m) -> m.observe(); // not called
    }
    GroupSnapshots read;
    try {
      read = batch.apply(wanted);
    } catch (LagException e) {
      return (g, m) -> {
        m.observeFailure(e);
        throw e;
      };
    }
    return (g, m) -> {
      Optional<LagSnapshot> s = read.snapshot(g);
      if (s.isPresent()) {
        return m.observe(s.get());
      }
      LagException e = read.error(g).orElseGet(() -> new LagException("group '" + g + "' was not in the batch read"));
      m.observeFailure(e);
      throw e;
    };
  }

  private void observe(Watch w, String group, BiFunction<String, LagMonitor, LagReport> observer) {
    LagReport r;
    try {
      r = observer.apply(group, w.monitor);
    } catch (LagException e) {
      View old = w.view;
      w.view = new View(group, old.report(), old.window(), windowSize, e.getMessage());
      append(w, new Point(clock.getAsLong(), LagStatus.ERR,
          old.report() == null ? 0 : old.report().snapshot().totalLag(), Map.of()));
      return;
    }
    w.view = new View(group, r, w.monitor.latestWindow().orElse(null), windowSize, null);
    append(w, Point.of(r));
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
  public List<String> watched() {
    return List.copyOf(watches.keySet());
  }

  /** Whether the group is watched (found or not). */
  public boolean isWatched(String group) {
    return watches.containsKey(group);
  }

  /** The watched groups that {@link #view(String)} finds, sorted. */
  public List<String> groups() {
    return watches.keySet().stream().filter(g -> view(g).isPresent()).toList();
  }

  /**
   * The group's view, if it is watched and the cluster knows it (or it was observed once): a named
   * group the cluster has never heard of is "not found", as in Burrow.
   */
  public Optional<View> view(String group) {
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
  public List<Point> history(String group) {
    Watch w = watches.get(group);
    if (w == null) {
      return List.of();
    }
    synchronized (w.history) {
      return List.copyOf(w.history);
    }
  }

  /** Closes every monitor and forgets the groups. */
  @Override
  public void close() {
    watches.values().forEach(w -> w.monitor.close());
    watches.clear();
  }
}
