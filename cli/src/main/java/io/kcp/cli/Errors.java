package io.kcp.cli;

import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;

/** Turns an exception into the one line a user reads. */
final class Errors {
  private Errors() {}

  /** Whether the message alone tells the user what to fix (no stack trace hint needed). */
  static boolean selfExplaining(Throwable e) {
    return e instanceof CliException || e instanceof io.kcp.core.InvalidSettingsException;
  }

  static String describe(Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t.getClass() == RuntimeException.class)
        && t.getCause() != null
        && t.getMessage() == null) {
      t = t.getCause();
    }
    if (t instanceof io.kcp.core.InvalidSettingsException) {
      return "invalid settings: " + String.join("; ", ((io.kcp.core.InvalidSettingsException) t).problems());
    }
    if (t instanceof NoSuchFileException) {
      return "file not found: " + t.getMessage();
    }
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    return message.strip().replace('\n', ' ');
  }
}
