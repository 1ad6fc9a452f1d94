package io.kcp.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/** Writes the charts of {@code kcp lag}, {@code deploy} and {@code bench}: all or nothing. */
final class ChartFiles {
  private ChartFiles() {}

  /**
   * Writes {@code image} as a PNG to {@code file} through a temporary file beside it and an atomic
   * move, so a reader never sees half a chart.
   *
   * @param option the command's option, for the error message (e.g. {@code --chart})
   * @throws CliException naming the file and the option when it cannot be written
   */
  static void writePng(Path file, BufferedImage image, String option) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Path tmp = Files.createTempFile(dir, ".kcp-chart", ".png");
      ImageIO.write(image, "png", tmp.toFile());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliException("cannot write " + option + " " + file + ": " + e.getMessage(), e);
    }
  }
}
