package io.kcp.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything a session printed, served and wrote, as named byte sources, searched for secret
 * strings. Bytes are read as ISO-8859-1, so a binary file (a PNG) is searched byte for byte.
 */
final class SecretScan {
  /** One thing searched: a command's stdout, an HTTP body, a file. */
  record Source(String name, byte[] bytes) {
    String text() {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  private final List<Source> sources = new ArrayList<>();

  void text(String name, String text) {
    sources.add(new Source(name, String.valueOf(text).getBytes(StandardCharsets.UTF_8)));
  }

  void result(String name, Cli.Result r) {
    text(name + " stdout", r.out());
    text(name + " stderr", r.err());
  }

  void file(Path file) {
    try {
      sources.add(new Source(file.toString(), Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every regular file under {@code dir}. */
  void tree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(Files::isRegularFile).sorted().forEach(this::file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Source> sources() {
    return List.copyOf(sources);
  }

  long bytes() {
    return sources.stream().mapToLong(s -> s.bytes().length).sum();
  }

  /** Secret → the sources it occurs in (only secrets found). */
  Map<String, List<String>> hits(List<String> secrets) {
    return hits(sources, secrets);
  }

  static Map<String, List<String>> hits(List<Source> in, List<String> secrets) {
    Map<String, List<String>> hits = new LinkedHashMap<>();
    for (String secret : secrets) {
      String needle = new String(secret.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
      for (Source s : in) {
        if (s.text().contains(needle)) {
          hits.computeIfAbsent(secret, k -> new ArrayList<>()).add(s.name());
        }
      }
    }
    return hits;
  }
}
