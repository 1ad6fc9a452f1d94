package io.kcp.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver HTTP API with the JDK's
 * HttpClient (no Selenium): Debian's {@code chromium} and {@code chromium-driver}, started with
 * {@code --headless --no-sandbox --disable-gpu --disable-background-networking} and a fresh
 * {@code --user-data-dir}.
 */
final class HeadlessChromium implements AutoCloseable {
  static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
  static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  private final Process driver;
  private final Path profile;
  private final String base;
  private final String session;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Why this machine cannot run the browser, if it cannot (for a JUnit assumption). */
  static Optional<String> missing() {
    if (find(BROWSERS).isEmpty() || find(DRIVERS).isEmpty()) {
      return Optional.of("headless Chromium is not installed (looked for " + BROWSERS + " and " + DRIVERS
          + "; 'apt-get install -y chromium chromium-driver' installs them, as .ci/run does)");
    }
    return Optional.empty();
  }

  private static Optional<String> find(List<String> paths) {
    return paths.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
  }

  HeadlessChromium(int width, int height) throws IOException {
    profile = Files.createTempDirectory("kcp-chromium-profile");
    int port = LagServe.freePort();
    base = "http://127.0.0.1:" + port;
    driver = new ProcessBuilder(find(DRIVERS).orElseThrow(), "--port=" + port)
        .redirectErrorStream(true).redirectOutput(profile.resolveSibling(profile.getFileName() + ".driver.log").toFile())
        .start();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> call("GET", "/status", null).at("/value/ready").asBoolean());
    ObjectNode caps = LagServe.JSON.createObjectNode();
    ObjectNode chrome = caps.putObject("capabilities").putObject("alwaysMatch").putObject("goog:chromeOptions");
    chrome.put("binary", find(BROWSERS).orElseThrow());
    chrome.putArray("args").add("--headless").add("--no-sandbox").add("--disable-gpu")
        .add("--disable-background-networking").add("--user-data-dir=" + profile)
        .add("--window-size=" + width + "," + height);
    session = call("POST", "/session", caps).at("/value/sessionId").asText();
  }

  /** Opens {@code url} in the tab. */
  void open(String url) {
    ObjectNode b = LagServe.JSON.createObjectNode().put("url", url);
    call("POST", "/session/" + session + "/url", b);
  }

  /** Runs {@code script} (a function body that returns a value) in the page and returns the value. */
  JsonNode eval(String script) {
    ObjectNode b = LagServe.JSON.createObjectNode().put("script", script);
    b.putArray("args");
    return call("POST", "/session/" + session + "/execute/sync", b).get("value");
  }

  /** A PNG screenshot of the viewport. */
  byte[] screenshot() {
    return Base64.getDecoder().decode(call("GET", "/session/" + session + "/screenshot", null).get("value").asText());
  }

  private JsonNode call(String method, String path, JsonNode body) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json");
    r.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.toString()));
    try {
      HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = LagServe.JSON.readTree(resp.body());
      if (resp.statusCode() != 200) {
        throw new IllegalStateException("WebDriver " + method + " " + path + " answered " + resp.statusCode()
            + ": " + json.at("/value/message").asText(resp.body()));
      }
      return json;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      call("DELETE", "/session/" + session, null);
    } finally {
      driver.destroy();
      try {
        if (!driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          driver.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(profile.resolveSibling(profile.getFileName() + ".driver.log"));
    }
  }
}
