package io.kcp.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/**
 * Client settings for a kcp child process, in a file rather than on its command line (where any
 * user's {@code ps} would show a password): owner-only where the file system has POSIX
 * permissions, deleted when this JVM exits.
 */
final class ChildConfig {
  private ChildConfig() {}

  static Path write(Map<String, ?> settings) {
    try {
      Path file;
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        file = Files.createTempFile("kcp-client-", ".properties",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        file = Files.createTempFile("kcp-client-", ".properties");
      }
      file.toFile().deleteOnExit();
      Properties p = new Properties();
      settings.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        p.store(w, "kcp: client settings for a child process");
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the client settings for a child process", e);
    }
  }
}
