package io.kcp.lag.internal.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import io.kcp.lag.internal.ClientSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP side of {@link io.kcp.lag.LagServer} on the JDK's HTTP server: one context at {@code /}
 * that checks the method (GET and HEAD; any other is 405 with {@code Allow: GET, HEAD}) and routes
 * by path to the page, its history JSON, the uPlot WebJar, {@code /healthz}, the Burrow endpoints
 * and the embedder's routes; anything else is a 404 that names the endpoints. Errors are
 * Burrow-shaped JSON.
 */
public final class LagHttp implements AutoCloseable {
  private static final String WEBJAR = "META-INF/resources/webjars/";
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
  private static final String JSON = "application/json";

  /**
   * What the endpoints report of the server's settings.
   *
   * @param cluster the {@code {cluster}} of the paths
   * @param servers the bootstrap servers, for the cluster detail
   * @param intervalMs the time between sampling rounds
   * @param client the client settings shown in the cluster detail's {@code client-profile},
   *     already redacted ({@code ClientSecurity.redact}): no secret reaches this server's state
   */
  public record Settings(String cluster, List<String> servers, long intervalMs, Map<String, String> client) {
    /** Copies the servers and the settings. */
    public Settings {
      servers = List.copyOf(servers);
      Map<String, String> shown = new java.util.TreeMap<>(ClientSecurity.redact(client));
      ClientSecurity.username(client.get("sasl.jaas.config"))
          .ifPresent(u -> shown.put(BurrowJson.SASL_USERNAME, u));
      shown.values().removeIf(java.util.Objects::isNull);
      client = Map.copyOf(shown);
    }

    /** Settings without client properties. */
    public Settings(String cluster, List<String> servers, long intervalMs) {
      this(cluster, servers, intervalMs, Map.of());
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Board board;
  private final Settings settings;
  private final Map<String, HttpHandler> routes;
  private final String page;

  private LagHttp(HttpServer server, Board board, Settings settings, Map<String, HttpHandler> routes) {
    this.server = server;
    this.board = board;
    this.settings = settings;
    this.routes = Map.copyOf(routes);
    this.page = resource("lag-serve.html").replace("{{UPLOT}}", "/webjars/uplot/" + uplotVersion());
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "kcp-lag-server-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /**
   * Binds {@code bind:port} (port 0 = any free port); the server answers once {@link #start()} is called.
   *
   * @throws UncheckedIOException when the address cannot be bound, naming it and the fix
   */
  public static LagHttp start(String bind, int port, Board board, Settings settings, Map<String, HttpHandler> routes) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    } catch (BindException e) {
      throw new UncheckedIOException("cannot listen on " + bind + ":" + port + " (" + e.getMessage()
          + "; pick another port, or 0 for any free one)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    try {
      return new LagHttp(server, board, settings, routes);
    } catch (RuntimeException e) {
      server.stop(0); // do not keep the port of a server that will never answer
      throw e;
    }
  }

  /** Whether {@code path} is one of the server's own endpoints (which a route may not replace). */
  public static boolean isBuiltIn(String path) {
    return path.equals("/") || path.equals("/healthz") || path.equals("/api/history")
        || path.equals("/webjars") || path.startsWith("/webjars/") || path.equals("/v3") || path.startsWith("/v3/");
  }

  /** Starts answering. */
  public void start() {
    server.start();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String raw = x.getRequestURI().getPath();
      String path = raw.length() > 1 && raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
      String method = x.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        x.getResponseHeaders().set("Allow", "GET, HEAD");
        json(x, 405, BurrowJson.error("only GET: this server changes nothing", raw, host()));
        return;
      }
      HttpHandler route = routes.get(path);
      if (route != null) {
        route.handle("HEAD".equals(method) ? new HeadExchange(x) : x);
      } else if (path.equals("/")) {
        send(x, 200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
      } else if (path.equals("/healthz")) {
        send(x, 200, "text/plain; charset=utf-8", "ok\n".getBytes(StandardCharsets.UTF_8));
      } else if (path.equals("/api/history")) {
        json(x, 200, BurrowJson.history(settings.cluster(), settings.intervalMs(), board));
      } else if (path.startsWith("/webjars/")) {
        webjar(x, path.substring("/webjars/".length()));
      } else if (path.equals("/v3/kafka")) {
        json(x, 200, BurrowJson.clusterList(settings.cluster(), raw, host()));
      } else if (path.startsWith("/v3/kafka/")) {
        burrow(x, path.substring("/v3/kafka/".length()).split("/", -1), raw);
      } else {
        notFound(x, raw);
      }
    } catch (RuntimeException e) {
      json(x, 500, BurrowJson.error("internal error: " + e, x.getRequestURI().getPath(), host()));
    }
  }

  private void notFound(HttpExchange x, String raw) throws IOException {
    String c = settings.cluster();
    StringBuilder endpoints = new StringBuilder("/, /healthz, /api/history, /v3/kafka, /v3/kafka/" + c
        + ", /v3/kafka/" + c + "/consumer, /v3/kafka/" + c + "/consumer/GROUP, /v3/kafka/" + c
        + "/consumer/GROUP/lag, /v3/kafka/" + c + "/consumer/GROUP/status");
    routes.keySet().stream().sorted().forEach(r -> endpoints.append(", ").append(r));
    json(x, 404, BurrowJson.error("no such endpoint: " + raw + " (the endpoints are " + endpoints + ")", raw, host()));
  }

  private void burrow(HttpExchange x, String[] p, String raw) throws IOException {
    if (!p[0].equals(settings.cluster())) {
      json(x, 404, BurrowJson.error("cluster '" + p[0] + "' not found (this server serves '"
          + settings.cluster() + "'; see --cluster-name)", raw, host()));
      return;
    }
    if (p.length == 1) {
      json(x, 200, BurrowJson.clusterDetail(settings.servers(), settings.intervalMs(), settings.client(), raw, host()));
      return;
    }
    if (p.length == 2 && p[1].equals("consumer")) {
      json(x, 200, BurrowJson.groupList(board.groups(), raw, host()));
      return;
    }
    boolean detail = p.length == 3;
    boolean lagOrStatus = p.length == 4 && (p[3].equals("lag") || p[3].equals("status"));
    if (p[1].equals("consumer") && (detail || lagOrStatus)) {
      String group = p[2];
      Optional<Board.View> v = board.view(group);
      if (v.isEmpty()) {
        String why = board.isWatched(group)
            ? " (watched, but the cluster does not know it: check the name)"
            : " (not watched: name it with --group, or give no --group to serve every group)";
        String what = "consumer group '" + group + "' not found on cluster '" + settings.cluster() + "'" + why;
        json(x, 404, detail ? BurrowJson.error(what, raw, host())
            : BurrowJson.notFound(settings.cluster(), group, what, raw, host()));
      } else if (detail) {
        json(x, 200, BurrowJson.groupDetail(v.get(), raw, host()));
      } else {
        json(x, 200, BurrowJson.status(settings.cluster(), v.get(), p[3].equals("lag"), raw, host()));
      }
      return;
    }
    notFound(x, raw);
  }

  private void webjar(HttpExchange x, String rest) throws IOException {
    InputStream in = rest.contains("..") || !rest.startsWith("uplot/") ? null
        : LagHttp.class.getClassLoader().getResourceAsStream(WEBJAR + rest);
    if (in == null) {
      String raw = x.getRequestURI().getPath();
      json(x, 404, BurrowJson.error("no such file: " + raw + " (the page's chart library is under /webjars/uplot/"
          + uplotVersion() + "/)", raw, host()));
      return;
    }
    try (in) {
      String type = rest.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
      send(x, 200, type, in.readAllBytes());
    }
  }

  private String host() {
    return server.getAddress().getHostString();
  }

  private static void json(HttpExchange x, int code, ObjectNode body) throws IOException {
    send(x, code, JSON, BurrowJson.write(body).getBytes(StandardCharsets.UTF_8));
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
    try (InputStream in = LagHttp.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
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
    try (InputStream in = LagHttp.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " next to " + LagHttp.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A HEAD request as a route's handler sees it: a GET whose body is dropped, so a handler written
   * for GET answers HEAD with the same status and headers and no body.
   */
  private static final class HeadExchange extends HttpExchange {
    private final HttpExchange x;
    private final OutputStream discard;

    HeadExchange(HttpExchange x) {
      this.x = x;
      this.discard = new OutputStream() {
        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}

        @Override
        public void close() throws IOException {
          x.getResponseBody().close();
        }
      };
    }

    @Override
    public Headers getRequestHeaders() {
      return x.getRequestHeaders();
    }

    @Override
    public Headers getResponseHeaders() {
      return x.getResponseHeaders();
    }

    @Override
    public URI getRequestURI() {
      return x.getRequestURI();
    }

    @Override
    public String getRequestMethod() {
      return "GET";
    }

    @Override
    public HttpContext getHttpContext() {
      return x.getHttpContext();
    }

    @Override
    public void close() {
      x.close();
    }

    @Override
    public InputStream getRequestBody() {
      return x.getRequestBody();
    }

    @Override
    public OutputStream getResponseBody() {
      return discard;
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
      x.sendResponseHeaders(rCode, -1);
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
      return x.getRemoteAddress();
    }

    @Override
    public int getResponseCode() {
      return x.getResponseCode();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
      return x.getLocalAddress();
    }

    @Override
    public String getProtocol() {
      return x.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
      return x.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
      x.setAttribute(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
      x.setStreams(i, o);
    }

    @Override
    public HttpPrincipal getPrincipal() {
      return x.getPrincipal();
    }
  }
}
