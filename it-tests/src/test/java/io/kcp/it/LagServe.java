package io.kcp.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code kcp lag serve} run in this JVM on its own thread, on a free port, stopped by interrupting
 * that thread (as Ctrl-C ends the real process); plus a JSON-speaking HTTP client for it.
 */
final class LagServe implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A response: its status code, content type, body and {@code Allow} header ("" when absent). */
  record Response(int code, String contentType, String body, String allow) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  final int port;
  final String base;
  private final Thread thread;
  private final AtomicReference<Cli.Result> result = new AtomicReference<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Starts {@code kcp lag serve ARGS --port P} and waits until {@code /healthz} answers. */
  LagServe(String... args) {
    port = freePort();
    base = "http://127.0.0.1:" + port;
    List<String> all = new ArrayList<>(List.of("lag", "serve"));
    all.addAll(List.of(args));
    all.addAll(List.of("--port", Integer.toString(port)));
    thread = new Thread(() -> result.set(Cli.run(all.toArray(String[]::new))), "kcp-lag-serve-under-test");
    thread.start();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> {
          if (!thread.isAlive()) {
            throw new AssertionError("kcp lag serve ended: " + result.get());
          }
          return get("/healthz").code() == 200;
        });
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Response get(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
          r.headers().firstValue("Allow").orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Response send(String method, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
          .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
          r.headers().firstValue("Allow").orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Interrupts the command (as Ctrl-C would) and returns what it printed and its exit code. */
  Cli.Result stop() {
    thread.interrupt();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return result.get();
  }

  @Override
  public void close() {
    if (thread.isAlive()) {
      stop();
    }
  }
}
