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
    if (t instanceof org.apache.kafka.common.KafkaException && t.getCause() != null) {
      // "Failed to construct kafka consumer" alone does not say why: add the causes' messages
      message += causes(t);
    }
    return message.strip().replace('\n', ' ');
  }

  /** ": message: message" of the causes of a client's wrapper exception, each said once. */
  private static String causes(Throwable t) {
    StringBuilder b = new StringBuilder();
    java.util.Set<String> seen = new java.util.HashSet<>();
    seen.add(String.valueOf(t.getMessage()).strip());
    int depth = 0;
    for (Throwable c = t.getCause(); c != null && c != t && depth++ < 8; c = c.getCause()) {
      // a wrapper's message may be its cause's toString(): "org.apache...KafkaException: text"
      String m = c.getMessage() == null ? "" : c.getMessage().strip().replaceFirst("^[\\w.$]+(Exception|Error): ", "");
      if (m.isEmpty() || !seen.add(m) || b.indexOf(m) >= 0) {
        continue;
      }
      b.append(": ");
      if (!(c instanceof org.apache.kafka.common.KafkaException)) {
        b.append(c.getClass().getSimpleName()).append(' ');
      }
      b.append(m);
    }
    return b.toString();
  }
}
