package io.kcp.core.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/** "Did you mean ...?": the closest known name to a mistyped one. */
public final class Suggestions {

  private Suggestions() {}

  /**
   * The candidate closest to {@code input}, if one is close enough to be a plausible typo: by edit
   * distance, ignoring case, and treating the same dot-separated words in another order (for
   * example {@code auto.commit.enable} for {@code enable.auto.commit}) as a near match. Ties go to
   * the alphabetically first candidate, so the answer is deterministic.
   *
   * @param input the mistyped name
   * @param candidates the known names
   * @return the suggestion, or empty if nothing is close
   */
  public static Optional<String> closest(String input, Collection<String> candidates) {
    String typed = input.toLowerCase(Locale.ROOT).trim();
    String[] typedWords = sortedWords(typed);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : new TreeSet<>(candidates)) {
      int distance =
          Arrays.equals(typedWords, sortedWords(candidate))
              ? 1
              : editDistance(typed, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    // a third of the name may be wrong, but at least two edits are always allowed
    int allowed = Math.max(2, typed.length() / 3);
    return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
  }

  /**
   * The Levenshtein distance: the fewest single-character insertions, deletions and substitutions
   * that turn {@code a} into {@code b}.
   */
  public static int editDistance(CharSequence a, CharSequence b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String[] sortedWords(String name) {
    String[] words = name.split("[._-]");
    Arrays.sort(words);
    return words;
  }
}
