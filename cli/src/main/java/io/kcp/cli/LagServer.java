package io.kcp.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP side of {@code kcp lag serve} on the JDK's HTTP server: the page, its history JSON, the
 * Burrow-shaped consumer endpoints, {@code /healthz}, the uPlot WebJar from the classpath, and
 * (mounted by {@link PrometheusEndpoint#mount}) {@code /metrics}. Every endpoint is a GET that changes
 * nothing; other methods get 405.
 */
final class LagServer implements AutoCloseable {
  private static final String WEBJAR = "META-INF/resources/webjars/";
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  private final HttpServer server;
  private final ExecutorService executor;
  private final LagBoard board;
  private final String cluster;
  private final long intervalMs;
  private final String page;

  private LagServer(HttpServer server, LagBoard board, String cluster, long intervalMs) {
    this.server = server;
    this.board = board;
    this.cluster = cluster;
    this.intervalMs = intervalMs;
    this.page = resource("io/kcp/cli/lag-serve.html").replace("{{UPLOT}}", "/webjars/uplot/" + uplotVersion());
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "kcp-lag-serve-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Binds {@code bind:port} (port 0 = any free port); the server does not answer until {@link #start()}. */
  static LagServer bind(String bind, int port, LagBoard board, String cluster, long intervalMs) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    } catch (BindException e) {
      throw new CliException("cannot listen on " + bind + ":" + port + " (" + e.getMessage()
          + "; pick another --port, or 0 for any free one)");
    } catch (IOException e) {
      throw new CliException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    return new LagServer(server, board, cluster, intervalMs);
  }

  HttpServer httpServer() {
    return server;
  }

  void start() {
    server.start();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  String url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      if (!"GET".equals(x.getRequestMethod()) && !"HEAD".equals(x.getRequestMethod())) {
        x.getResponseHeaders().set("Allow", "GET, HEAD");
        send(x, 405, "application/json", BurrowJson.error("only GET: this server changes nothing", path, host()));
        return;
      }
      if (path.equals("/")) {
        send(x, 200, "text/html; charset=utf-8", page);
      } else if (path.equals("/healthz")) {
        send(x, 200, "text/plain; charset=utf-8", "ok\n");
      } else if (path.equals("/api/history")) {
        send(x, 200, "application/json", BurrowJson.history(cluster, intervalMs, board.watched(), board));
      } else if (path.startsWith("/webjars/")) {
        webjar(x, path.substring("/webjars/".length()));
      } else if (path.startsWith("/v3/kafka/")) {
        burrow(x, path);
      } else {
        send(x, 404, "application/json", BurrowJson.error("no such endpoint: " + path
            + " (try /, /v3/kafka/" + cluster + "/consumer, /metrics or /healthz)", path, host()));
      }
    } catch (RuntimeException e) {
      send(x, 500, "application/json", BurrowJson.error("internal error: " + e, x.getRequestURI().getPath(), host()));
    }
  }

  private void burrow(HttpExchange x, String path) throws IOException {
    String[] p = path.substring("/v3/kafka/".length()).split("/", -1);
    if (!p[0].equals(cluster)) {
      send(x, 404, "application/json", BurrowJson.error("cluster '" + p[0] + "' not found (this server serves '"
          + cluster + "'; see --cluster-name)", path, host()));
      return;
    }
    if (p.length == 2 && p[1].equals("consumer")) {
      send(x, 200, "application/json", BurrowJson.groupList(board.groups(), path, host()));
      return;
    }
    if (p.length == 4 && p[1].equals("consumer") && (p[3].equals("lag") || p[3].equals("status"))) {
      String group = p[2];
      Optional<LagBoard.View> v = board.view(group);
      if (v.isEmpty()) {
        String why = board.watched().contains(group)
            ? " (watched, but the cluster does not know it: check the name)"
            : " (not watched: name it with --group, or give no --group to serve every group)";
        send(x, 404, "application/json", BurrowJson.error("consumer group '" + group + "' not found on cluster '"
            + cluster + "'" + why, path, host()));
        return;
      }
      send(x, 200, "application/json", BurrowJson.status(cluster, v.get(), p[3].equals("lag"), path, host()));
      return;
    }
    send(x, 404, "application/json", BurrowJson.error("no such endpoint: " + path
        + " (the consumer endpoints are /v3/kafka/" + cluster + "/consumer[/GROUP/lag|/GROUP/status])", path, host()));
  }

  private void webjar(HttpExchange x, String rest) throws IOException {
    if (rest.contains("..") || !rest.startsWith("uplot/")) {
      send(x, 404, "text/plain; charset=utf-8", "not found\n");
      return;
    }
    try (InputStream in = LagServer.class.getClassLoader().getResourceAsStream(WEBJAR + rest)) {
      if (in == null) {
        send(x, 404, "text/plain; charset=utf-8", "not found\n");
        return;
      }
      String type = rest.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
      send(x, 200, type, in.readAllBytes());
    }
  }

  private String host() {
    return server.getAddress().getHostString();
  }

  private static void send(HttpExchange x, int code, String type, String body) throws IOException {
    send(x, code, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange x, int code, String type, byte[] body) throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(x.getRequestMethod());
    x.sendResponseHeaders(code, head ? -1 : body.length);
    if (!head) {
      try (OutputStream os = x.getResponseBody()) {
        os.write(body);
      }
    }
  }

  /** The uPlot version of the WebJar on the classpath. */
  static String uplotVersion() {
    try (InputStream in = LagServer.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
      if (in == null) {
        throw new IllegalStateException("the uPlot WebJar is not on the classpath (" + UPLOT_POM + ")");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = LagServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
