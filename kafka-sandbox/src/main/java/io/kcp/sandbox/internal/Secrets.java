package io.kcp.sandbox.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/** Random passwords and files only their owner may read. */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private Secrets() {}

  /**
   * 144 random bits as 24 URL-safe Base64 characters: letters, digits, {@code -} and {@code _},
   * nothing a JAAS string or a properties file would need to quote.
   */
  public static String password() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Restricts an existing file to its owner ({@code rw-------}) where POSIX permissions exist. */
  public static void ownerOnly(Path file) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }

  /**
   * Writes {@code key=value} lines, in the map's order and unescaped (the values must not need
   * escaping), to a new file that is owner-only from its creation on.
   */
  public static void writeProperties(Path file, String comment, Map<String, String> entries) {
    try {
      Files.deleteIfExists(file);
      if (POSIX) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } else {
        Files.createFile(file);
      }
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        out.write("# " + comment + "\n");
        for (Map.Entry<String, String> e : entries.entrySet()) {
          out.write(e.getKey() + "=" + e.getValue() + "\n");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
