package io.kcp.sandbox.internal;

import io.kcp.sandbox.KafkaSandboxException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import kafka.tools.StorageTool;

/** Node configuration files, storage formatting and directory removal. */
public final class Storage {
  private Storage() {}

  /** Writes properties, sorted, to a file. */
  public static void writeProperties(Properties props, Path file) {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("# written by kcp kafka-sandbox\n");
      for (Map.Entry<Object, Object> e : new TreeMap<>(props).entrySet()) {
        out.write(e.getKey() + "=" + e.getValue() + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Formats the log directories of the node configured in {@code propertiesFile} with Kafka's
   * {@code kafka-storage format}, in this JVM: the latest production metadata version and the
   * default levels of every production feature (group, share, transaction versions...).
   */
  public static void format(Path propertiesFile, String clusterId) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      code =
          StorageTool.execute(
              new String[] {
                "format", "-t", clusterId, "-c", propertiesFile.toString(), "--ignore-formatted"
              },
              out);
    } catch (Exception e) { // the Scala tool may throw checked exceptions it does not declare
      throw new KafkaSandboxException(
          "kafka-storage format failed for " + propertiesFile + ": " + e.getMessage(), e);
    }
    if (code != 0) {
      throw new KafkaSandboxException(
          "kafka-storage format exited with "
              + code
              + " for "
              + propertiesFile
              + ": "
              + buffer.toString(StandardCharsets.UTF_8));
    }
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
