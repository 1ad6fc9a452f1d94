package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpHandler;
import io.kcp.lag.internal.serve.Board;
import io.kcp.lag.internal.serve.LagHttp;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A lag dashboard to embed: samples consumer groups every {@link Builder#interval(Duration)
 * interval} with one {@link LagMonitor} each, keeps a bounded history, and serves over HTTP (the
 * JDK's {@code com.sun.net.httpserver}) a live page, the consumer endpoints of Burrow's HTTP API v3
 * and {@code /healthz}. {@code kcp lag serve} is this server plus {@code /metrics}.
 *
 * <pre>{@code
 * try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers("localhost:9092").build();
 *     LagServer server = LagServer.builder(lag).groups(List.of("orders-app")).port(0).start()) {
 *   System.out.println("dashboard at " + server.url());
 *   ...
 * }
 * }</pre>
 *
 * <p>Endpoints (every one answers GET and HEAD and changes nothing; any other method is 405 with
 * {@code Allow: GET, HEAD}; an unknown path is 404; errors are Burrow-shaped JSON):
 *
 * <ul>
 *   <li>{@code /} the page; {@code /api/history} what it draws; {@code /webjars/uplot/…} its chart
 *       library; {@code /healthz} {@code ok};
 *   <li>{@code /v3/kafka} the cluster list; {@code /v3/kafka/{cluster}} the cluster detail;
 *   <li>{@code /v3/kafka/{cluster}/consumer} the served groups; {@code …/consumer/{group}} the
 *       group's offsets per topic and partition; {@code …/{group}/lag} every partition's status;
 *       {@code …/{group}/status} the partitions that are not OK;
 *   <li>any {@link Builder#route(String, HttpHandler) route} the embedder adds.
 * </ul>
 *
 * <p>Thread-safe. Sampling runs on one daemon thread of its own; {@link #close()} stops it, the
 * server and the monitors (never the {@link ConsumerLag}, which the caller owns).
 */
public final class LagServer implements AutoCloseable {
  /** Default port: {@value}. */
  public static final int DEFAULT_PORT = 8080;

  /** Default bind address: {@value} (this machine only). */
  public static final String DEFAULT_BIND = "127.0.0.1";

  /** Default cluster name, the {@code {cluster}} of the {@code /v3/kafka/{cluster}} paths: {@value}. */
  public static final String DEFAULT_CLUSTER_NAME = "local";

  /** Default time between sampling rounds: 5 s. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** Default observations kept per group for the chart: {@value} (an hour at 5 s). */
  public static final int DEFAULT_HISTORY = 720;

  /**
   * One observation of a group kept in the history.
   *
   * @param atMs when it was taken (ms since the epoch)
   * @param status the group status then ({@link LagStatus#ERR} when the observation failed)
   * @param totalLag the total lag then (the last known one when the observation failed)
   * @param lags each committed partition's lag by {@code topic-partition} (empty when it failed)
   */
  public record Point(long atMs, LagStatus status, long totalLag, Map<String, Long> lags) {
    /** Checks that no field is null and copies the lags. */
    public Point {
      requireNonNull(status, "status");
      lags = Map.copyOf(lags);
    }

    /** The point of one report: its instant, group status, total lag and each committed partition's lag. */
    public static Point of(LagReport report) {
      Map<String, Long> lags = new LinkedHashMap<>();
      for (PartitionLag p : report.snapshot().partitions()) {
        if (p.lag().isPresent()) {
          lags.put(p.name(), p.lag().getAsLong());
        }
      }
      return new Point(report.snapshot().takenAtMs(), report.evaluation().status(), report.snapshot().totalLag(),
          lags);
    }
  }

  /**
   * A sampling round that has just ended.
   *
   * @param server the server that sampled
   * @param number 1 for the first round, then 2, 3, …
   * @param error why the round could not list the cluster's groups, if it could not (the watched
   *     groups were still observed; each group's own failure is in its status, not here)
   */
  public record Round(LagServer server, long number, Optional<String> error) {
    /** Checks that no field is null. */
    public Round {
      requireNonNull(server, "server");
      requireNonNull(error, "error");
    }
  }

  private final Board board;
  private final LagHttp http;
  private final List<Consumer<Round>> listeners;
  private final ScheduledExecutorService sampler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private long rounds;

  private LagServer(Builder b) {
    this.listeners = List.copyOf(b.listeners);
    ConsumerLag source = b.source;
    int window = b.windowSize;
    long allowed = b.allowedLag;
    double minimum = b.minimumComplete;
    OpenTelemetry otel = b.otel;
    this.board = new Board(source::groups, b.groups,
        g -> LagMonitor.builder(g).source(source).windowSize(window).allowedLag(allowed)
            .minimumComplete(minimum).clusterName(b.clusterName).openTelemetry(otel).build(),
        source::snapshots, window, b.history, System::currentTimeMillis);
    this.http = LagHttp.start(b.bind, b.port, board,
        new LagHttp.Settings(b.clusterName, b.servers, b.interval.toMillis(), b.clientProperties), b.routes);
    this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kcp-lag-server-sampler");
      t.setDaemon(true);
      return t;
    });
  }

  /** A builder of a server that samples through {@code source} (which the caller keeps and closes). */
  public static Builder builder(ConsumerLag source) {
    return new Builder(requireNonNull(source, "source"));
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080} (no trailing slash). */
  public String url() {
    return http.url();
  }

  /** The port it listens on (the one chosen when the builder said 0). */
  public int port() {
    return http.port();
  }

  /** The groups being watched now, sorted: the named ones, or every consumer group the cluster listed. */
  public List<String> watched() {
    return board.watched();
  }

  /** The group's kept observations, oldest first, at most {@link Builder#history(int)}; empty if not watched. */
  public List<Point> history(String group) {
    return board.history(requireNonNull(group, "group"));
  }

  /**
   * Runs one sampling round now, on the calling thread (rounds never overlap), and tells the
   * {@link Builder#onRound(Consumer) listeners}.
   */
  public Round sampleNow() {
    return round();
  }

  private Round round() {
    Round r;
    synchronized (board) {
      Optional<String> error;
      try {
        error = board.sample();
      } catch (RuntimeException e) {
        error = Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
      }
      r = new Round(this, ++rounds, error);
    }
    for (Consumer<Round> l : listeners) {
      try {
        l.accept(r);
      } catch (RuntimeException e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }
    return r;
  }

  private LagServer begin(Duration interval) {
    http.start();
    sampler.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Stops sampling, the HTTP server and the monitors (their gauges go away). Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
    synchronized (board) {
      board.close();
    }
  }

  /** Builds and starts a {@link LagServer}; every setting is checked when it is given. */
  public static final class Builder {
    private final ConsumerLag source;
    private List<String> groups = List.of();
    private String bind = DEFAULT_BIND;
    private int port = DEFAULT_PORT;
    private String clusterName = DEFAULT_CLUSTER_NAME;
    private List<String> servers = List.of();
    private Map<String, String> clientProperties = Map.of();
    private Duration interval = DEFAULT_INTERVAL;
    private int windowSize = LagMonitor.DEFAULT_WINDOW_SIZE;
    private long allowedLag;
    private double minimumComplete;
    private int history = DEFAULT_HISTORY;
    private OpenTelemetry otel = OpenTelemetry.noop();
    private final Map<String, HttpHandler> routes = new LinkedHashMap<>();
    private final List<Consumer<Round>> listeners = new ArrayList<>();

    private Builder(ConsumerLag source) {
      this.source = source;
    }

    /** The groups to watch; empty (the default) = every consumer group of the cluster, as groups come and go. */
    public Builder groups(List<String> groups) {
      requireNonNull(groups, "groups");
      for (String g : groups) {
        if (g == null || g.isBlank()) {
          throw new IllegalArgumentException("groups must not contain a null or blank group id, got " + groups);
        }
      }
      this.groups = List.copyOf(groups);
      return this;
    }

    /** The address to listen on; default {@value LagServer#DEFAULT_BIND}. */
    public Builder bind(String bind) {
      requireNonNull(bind, "bind");
      if (bind.isBlank()) {
        throw new IllegalArgumentException("bind must be an address such as 127.0.0.1 or 0.0.0.0, got a blank one");
      }
      this.bind = bind.strip();
      return this;
    }

    /** The port, 0..65535 (0 = any free port: read it back with {@link LagServer#port()}); default 8080. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** The {@code {cluster}} of the {@code /v3/kafka/{cluster}} paths; default {@value LagServer#DEFAULT_CLUSTER_NAME}. */
    public Builder clusterName(String clusterName) {
      requireNonNull(clusterName, "clusterName");
      if (clusterName.isBlank() || clusterName.contains("/")) {
        throw new IllegalArgumentException("clusterName must be a non-empty name without '/', got '" + clusterName + "'");
      }
      this.clusterName = clusterName;
      return this;
    }

    /**
     * The cluster's bootstrap servers as {@code /v3/kafka/{cluster}} reports them (Burrow's
     * {@code servers}), e.g. {@code "localhost:9092,localhost:9093"}; default none. Only shown.
     */
    public Builder bootstrapServers(String bootstrapServers) {
      requireNonNull(bootstrapServers, "bootstrapServers");
      this.servers = java.util.Arrays.stream(bootstrapServers.split(","))
          .map(String::strip).filter(s -> !s.isEmpty()).toList();
      return this;
    }

    /**
     * The client settings the monitor reads the cluster with, for {@code /v3/kafka/{cluster}}'s
     * {@code client-profile} only: {@code tls} and {@code sasl} are filled from {@code
     * security.protocol}, {@code sasl.mechanism}, the user in {@code sasl.jaas.config}, the
     * truststore and keystore locations. Secret values are redacted when the server is built, before
     * it keeps them, so no endpoint can show one; the settings do not change how lag is read (give
     * those to the {@link ConsumerLag}). Default none: {@code tls} and {@code sasl} are {@code null}.
     */
    public Builder clientProperties(Map<String, ?> clientProperties) {
      requireNonNull(clientProperties, "clientProperties");
      Map<String, String> copy = new java.util.TreeMap<>();
      clientProperties.forEach((k, v) -> {
        if (k != null && v != null) {
          copy.put(k, String.valueOf(v));
        }
      });
      this.clientProperties = copy;
      return this;
    }

    /** The time between sampling rounds (positive); default 5 s. The first round runs at start. */
    public Builder interval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isZero() || interval.isNegative() || interval.toMillis() == 0) {
        throw new IllegalArgumentException("interval must be at least 1 ms, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    /** Observations per evaluation window (at least 1); default {@value LagMonitor#DEFAULT_WINDOW_SIZE}. */
    public Builder windowSize(int windowSize) {
      if (windowSize < 1) {
        throw new IllegalArgumentException("windowSize must be at least 1, got " + windowSize);
      }
      this.windowSize = windowSize;
      return this;
    }

    /** Lag at or below this counts as caught up; default 0. */
    public Builder allowedLag(long allowedLag) {
      if (allowedLag < 0) {
        throw new IllegalArgumentException("allowedLag must be >= 0, got " + allowedLag);
      }
      this.allowedLag = allowedLag;
      return this;
    }

    /** Judge a partition only once its window is at least this full (0 to 1, Burrow's minimum-complete); default 0. */
    public Builder minimumComplete(double minimumComplete) {
      if (!(minimumComplete >= 0 && minimumComplete <= 1)) {
        throw new IllegalArgumentException("minimumComplete must be between 0 and 1, got " + minimumComplete);
      }
      this.minimumComplete = minimumComplete;
      return this;
    }

    /** Observations kept per group for the chart (at least 1; older ones are dropped); default {@value LagServer#DEFAULT_HISTORY}. */
    public Builder history(int history) {
      if (history < 1) {
        throw new IllegalArgumentException("history must be at least 1, got " + history);
      }
      this.history = history;
      return this;
    }

    /** Where each group's {@link LagMonitor} exports its gauges; default {@link OpenTelemetry#noop()}. */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.otel = requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Serves {@code handler} at exactly {@code path} (e.g. {@code /metrics}), behind the same
     * rules as the built-in endpoints: GET runs it, HEAD runs it without sending the body, other
     * methods are 405. The built-in paths cannot be replaced.
     */
    public Builder route(String path, HttpHandler handler) {
      requireNonNull(path, "path");
      requireNonNull(handler, "handler");
      if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("?")) {
        throw new IllegalArgumentException("route path must be like /metrics (a leading '/', no trailing '/'), got '"
            + path + "'");
      }
      if (LagHttp.isBuiltIn(path)) {
        throw new IllegalArgumentException("route path " + path + " is one of the server's own endpoints");
      }
      if (routes.containsKey(path)) {
        throw new IllegalArgumentException("route path " + path + " is already routed");
      }
      routes.put(path, handler);
      return this;
    }

    /** Called on the sampling thread after every round (also after {@link LagServer#sampleNow()}). */
    public Builder onRound(Consumer<Round> listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Binds, starts serving, and starts sampling (the first round at once, then every interval).
     *
     * @throws java.io.UncheckedIOException when the address cannot be bound (its message names the
     *     address and port and the fix; the cause is the {@link java.net.BindException})
     */
    public LagServer start() {
      return new LagServer(this).begin(interval);
    }
  }
}
