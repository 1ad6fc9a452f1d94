package io.kcp.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.cli.Kcp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every {@code kcp} command line the docs show in a code block names subcommands and options kcp
 * has: the line is read against kcp's own picocli model ({@link Kcp#commandLine()}), so a renamed
 * option or a removed subcommand fails here, naming the file and line, and a subcommand added
 * later is known without touching this test.
 *
 * <p>A command line is a code span {@code `kcp …`} in the text (a synopsis: {@code [optional]}
 * parts and {@code a\\|b} alternatives are read as plain arguments), or a line of a code block
 * that starts with {@code ./kcp}, {@code kcp}, the distribution's {@code …/bin/kcp} or
 * {@code java … -jar …kcp-cli.jar} (after an optional {@code $ }), with its {@code \} continuations;
 * it ends at a shell operator ({@code | & ; > <}) or a comment. Lines such as
 * {@code kcp lag: no such topic …} or {@code kcp 0.1.0} ({@code --version}) are kcp's output, not
 * commands, and {@code …} stands for
 * arguments left out. Only names are checked, not values or required options: the docs also show
 * commands that fail on purpose.
 */
class KcpCommandLinesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern JAVA_JAR = Pattern.compile("^java\\b.*?-jar\\s+\\S*kcp-cli\\.jar(?:\\s+(.*))?$");
  /** The unpacked distribution's launcher: {@code kcp-0.1.0/bin/kcp …}. */
  private static final Pattern DIST = Pattern.compile("^\\S*/bin/kcp(?:\\s+(.*))?$");
  private static final Pattern INLINE = Pattern.compile("`(?:\\./)?kcp ([^`]+)`");

  @Test
  void everyKcpCommandLineInTheDocsNamesWhatKcpHas() throws IOException {
    List<String> problems = new ArrayList<>();
    int lines = 0;
    for (Path md : DocsConsistencyTest.markdownFiles()) {
      List<String> found = new ArrayList<>();
      problems.addAll(problems(ROOT.relativize(md).toString(), Files.readString(md), Kcp.commandLine(), found));
      lines += found.size();
    }
    assertThat(lines).as("kcp command lines found in the docs (the pattern still matches them)").isGreaterThan(50);
    assertThat(problems).as("kcp command lines naming what kcp does not have").isEmpty();
  }

  @Test
  void theCommandLineCheckFindsWhatItLooksFor() {
    String text = """
        ```
        $ ./kcp lag -b localhost:19092 --group shop --samples 3   # three samples
        ./kcp lag watch -b localhost:19092 --grop shop
        $ ./kcp lagg -b localhost:19092
        kcp lag: no such topic 'nope' on localhost:19092 (check --topic)
        kcp lag watch: Kafka at localhost:19092 did not answer within 2000 ms (check --bootstrap-server)
        $ ./kcp consume -b localhost:19092 --topic t \\
            --strategy worker --concurency 8 | tail -1
        $ kcp consume … -p ssl.truststore.location=/x …
        java -Xmx64m -jar cli/target/kcp-cli.jar consume --topic t --bogus
        kcp 0.1.0-SNAPSHOT
        $ kcp-0.1.0-SNAPSHOT/bin/kcp consume --recrods 5
        ```
        Try `kcp lag watch -b B [--window 10] [--no-per-partition-series] [--time-lag probe\\|none]`, not `kcp lag watch --windows 10`.
        """;
    List<String> found = new ArrayList<>();
    assertThat(problems("a.md", text, Kcp.commandLine(), found)).containsExactly(
        "a.md:3: kcp lag watch: unknown option --grop",
        "a.md:4: kcp: unknown subcommand 'lagg'",
        "a.md:7: kcp consume: unknown option --concurency",
        "a.md:10: kcp consume: unknown option --bogus",
        "a.md:12: kcp consume: unknown option --recrods",
        "a.md:14: `kcp lag watch --windows 10`: kcp lag watch: unknown option --windows");
    assertThat(found).hasSize(9);
  }

  /**
   * The problems of the kcp command lines in a Markdown text's code blocks; {@code found} gets
   * each command line's arguments.
   */
  static List<String> problems(String name, String text, CommandLine kcp, List<String> found) {
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    boolean fence = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.startsWith("```")) {
        fence = !fence;
        continue;
      }
      if (!fence) {
        Matcher span = INLINE.matcher(lines[i]);
        while (span.find()) {
          // a synopsis: [optional], alternatives a\|b or a | b
          String args = span.group(1).replace("\\|", " ").replace(" | ", " ").replaceAll("[\\[\\]]", " ").strip();
          List<String> tokens = tokens(args);
          if (!isOutput(tokens)) {
            found.add(args);
            String problem = check(kcp, tokens);
            if (problem != null) {
              problems.add(name + ":" + (i + 1) + ": `kcp " + span.group(1) + "`: " + problem);
            }
          }
        }
        continue;
      }
      int at = i;
      String args = arguments(line);
      if (args == null) {
        continue;
      }
      while (args.endsWith("\\") && i + 1 < lines.length) {
        args = args.substring(0, args.length() - 1) + " " + lines[++i].strip();
      }
      List<String> tokens = tokens(args);
      if (isOutput(tokens)) {
        continue; // kcp's output: "kcp lag: no such topic …", "kcp lag watch: Kafka at …"
      }
      found.add(args);
      String problem = check(kcp, tokens);
      if (problem != null) {
        problems.add(name + ":" + (at + 1) + ": " + problem);
      }
    }
    return problems;
  }

  /**
   * "kcp lag watch: …": a subcommand path ending in a colon, before any option; or "kcp 0.1.0",
   * the first line of {@code kcp --version}.
   */
  private static boolean isOutput(List<String> tokens) {
    if (!tokens.isEmpty() && tokens.get(0).matches("\\d+\\.\\d+.*")) {
      return true;
    }
    for (int i = 0; i < Math.min(3, tokens.size()) && !tokens.get(i).startsWith("-"); i++) {
      if (tokens.get(i).endsWith(":")) {
        return true;
      }
    }
    return false;
  }

  /** The arguments after kcp, or null when the line does not run kcp. */
  private static String arguments(String line) {
    String l = line.startsWith("$ ") ? line.substring(2).strip() : line;
    Matcher jar = JAVA_JAR.matcher(l);
    if (jar.matches()) {
      return jar.group(1) == null ? "" : jar.group(1);
    }
    Matcher dist = DIST.matcher(l);
    if (dist.matches()) {
      return dist.group(1) == null ? "" : dist.group(1).strip();
    }
    for (String kcp : List.of("./kcp", "kcp")) {
      if (l.equals(kcp)) {
        return "";
      }
      if (l.startsWith(kcp + " ")) {
        return l.substring(kcp.length() + 1).strip();
      }
    }
    return null;
  }

  /** Shell words, quotes removed, up to the first operator or comment; "…" left out. */
  static List<String> tokens(String args) {
    List<String> out = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < args.length(); i++) {
      char c = args.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          out.add(word.toString());
        }
        word = null;
      } else if ("|&;><".indexOf(c) >= 0 || c == '#' && word == null) {
        break;
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      out.add(word.toString());
    }
    out.removeIf(w -> w.equals("…") || w.equals("..."));
    return out;
  }

  /** The first unknown subcommand or option of a kcp command line, or null. */
  static String check(CommandLine kcp, List<String> tokens) {
    CommandLine cmd = kcp;
    boolean optionsOnly = false;
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      CommandSpec spec = cmd.getCommandSpec();
      if (t.equals("--")) {
        return null;
      }
      if (t.startsWith("-") && t.length() > 1 && !t.matches("-\\d.*")) {
        String option = t.contains("=") ? t.substring(0, t.indexOf('=')) : t;
        OptionSpec o = spec.findOption(option) != null ? spec.findOption(option) : spec.negatedOptionsMap().get(option);
        if (o == null) {
          if (passesThrough(spec)) {
            return null; // a command that hands what it does not know to another tool
          }
          return spec.qualifiedName() + ": unknown option " + option;
        }
        if (!t.contains("=") && o.arity().min() > 0) {
          i += o.arity().min();
        }
        optionsOnly = true;
        continue;
      }
      CommandLine sub = optionsOnly ? null : cmd.getSubcommands().get(t);
      if (sub != null) {
        cmd = sub;
        continue;
      }
      if (!cmd.getSubcommands().isEmpty() && spec.positionalParameters().isEmpty() && !optionsOnly) {
        return spec.qualifiedName() + ": unknown subcommand '" + t + "'";
      }
      if (spec.parser().stopAtPositional()) {
        return null; // what follows the first positional argument is its command's, not kcp's
      }
      optionsOnly = true; // a positional argument: no subcommand follows it
    }
    return null;
  }

  /** Whether a command takes options it does not declare (e.g. a wrapper around a Kafka tool). */
  private static boolean passesThrough(CommandSpec spec) {
    return spec.parser().unmatchedArgumentsAllowed() || spec.parser().stopAtUnmatched()
        || spec.parser().unmatchedOptionsArePositionalParams() || !spec.unmatchedArgsBindings().isEmpty();
  }
}
