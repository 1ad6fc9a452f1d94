package io.kcp.sandbox.internal;

import io.kcp.sandbox.KafkaSandboxException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import kafka.tools.StorageTool;

/** Node configuration files, storage formatting and directory removal. */
public final class Storage {
  private Storage() {}

  /**
   * Writes properties, sorted, to a file only its owner may read (a secured node's file holds
   * its keystore password).
   */
  public static void writeProperties(Properties props, Path file) {
    Map<String, String> sorted = new TreeMap<>();
    props.forEach((k, v) -> sorted.put(k.toString(), v.toString()));
    Secrets.writeProperties(file, "written by kcp kafka-sandbox", sorted);
  }

  /**
   * Formats the log directories of the node configured in {@code propertiesFile} with Kafka's
   * {@code kafka-storage format}, in this JVM: the latest production metadata version and the
   * default levels of every production feature (group, share, transaction versions...).
   */
  public static void format(Path propertiesFile, String clusterId) {
    format(propertiesFile, clusterId, List.of(), List.of());
  }

  /**
   * The same with more {@code kafka-storage format} arguments, e.g. {@code --add-scram}; any of
   * {@code secrets} that shows up in an error message is masked.
   */
  public static void format(
      Path propertiesFile, String clusterId, List<String> moreArgs, List<String> secrets) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "format", "-t", clusterId, "-c", propertiesFile.toString(), "--ignore-formatted"));
    args.addAll(moreArgs);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      code = StorageTool.execute(args.toArray(String[]::new), out);
    } catch (Exception e) { // the Scala tool may throw checked exceptions it does not declare
      throw new KafkaSandboxException(
          mask(
              "kafka-storage format failed for " + propertiesFile + ": " + e.getMessage(), secrets),
          secrets.isEmpty() ? e : null);
    }
    if (code != 0) {
      throw new KafkaSandboxException(
          mask(
              "kafka-storage format exited with "
                  + code
                  + " for "
                  + propertiesFile
                  + ": "
                  + buffer.toString(StandardCharsets.UTF_8),
              secrets));
    }
  }

  private static String mask(String text, List<String> secrets) {
    String masked = text;
    for (String secret : secrets) {
      masked = masked.replace(secret, "******");
    }
    return masked;
  }

  /** Deletes a directory tree; a missing directory is fine. */
  public static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
              if (exc instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              if (exc != null && !(exc instanceof NoSuchFileException)) {
                throw exc;
              }
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /** Creates a fresh temporary root directory for a sandbox. */
  public static Path newRoot() {
    try {
      return Files.createTempDirectory("kcp-sandbox-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
  }
}
