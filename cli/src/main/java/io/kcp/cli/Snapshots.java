package io.kcp.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The {@code --snapshot FILE.png} option of {@code kcp lag watch} and {@code kcp lag serve}. */
final class Snapshots {
  /** Observations {@code kcp lag watch} keeps for its chart: {@value}. */
  static final int HISTORY = 720;

  private Snapshots() {}

  /** Fails at start, not after the first observation, when the file cannot be a PNG where asked. */
  static void check(Path file) {
    if (file == null) {
      return;
    }
    if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
      throw new CliException("--snapshot writes a PNG: give a file name ending in .png (got " + file + ")");
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new CliException("--snapshot " + file + ": no such directory " + dir);
    }
  }
}
