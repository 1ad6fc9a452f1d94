package io.kcp.core;

import java.util.List;
import java.util.Objects;

/**
 * Settings that cannot work, found when they were built rather than when the consumer starts. It
 * lists every problem found, one line each, each naming the setting and the fix. Secret values are
 * never part of the message.
 */
public class InvalidSettingsException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates the exception.
   *
   * @param problems what is wrong, one entry per problem; not empty
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public InvalidSettingsException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in the order they were found; unmodifiable. */
  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    Objects.requireNonNull(problems, "problems");
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an InvalidSettingsException needs at least one problem");
    }
    StringBuilder message =
        new StringBuilder("Invalid consumer settings (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    for (String problem : problems) {
      message.append('\n').append("  - ").append(problem);
    }
    return message.toString();
  }
}
