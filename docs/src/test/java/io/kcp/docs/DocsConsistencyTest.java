package io.kcp.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the course honest: every relative link in README.md and docs/*.md points at a file that
 * exists, and at a section of it that exists ({@code file.md#anchor}, {@code #anchor}); every test
 * class the docs name ({@code SomethingTest}, backticked, bare or as a link's file) exists in the
 * repository, so "the test that proves it" cannot silently disappear; every code fence closes
 * where it should; and every snippet the docs quote is the tagged region of the file it names.
 * The measured tables are {@link DocTablesTest}'s, the kcp command lines {@link KcpCommandLinesTest}'s.
 */
class DocsConsistencyTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  /**
   * A test class named anywhere: backticked ({@code `LagCommandTest`}, {@code `LagCommandTest#aMethod`}),
   * bare in prose, or as a link's file ({@code [LagCommandTest](../it-tests/.../LagCommandTest.java)}).
   * A name ends in "Test" or "IT" after a lower-case letter or digit, so JIT or WAIT are not names.
   */
  private static final Pattern TEST_NAME = Pattern.compile("\\b([A-Z][A-Za-z0-9]*[a-z0-9](?:Test|IT))\\b");

  static List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).filter(p -> !p.toString().contains("/target/")).forEach(files::add);
    }
    return files;
  }

  @Test
  void theCourseHasItsFiles() throws IOException {
    assertThat(markdownFiles()).extracting(p -> p.getFileName().toString())
        .contains("README.md", "00-setup.md");
  }

  /**
   * Every code fence closes, and a closing fence is a bare {@code ```}: a closing fence followed
   * by text opens a new block instead, and everything after it renders inverted (prose as code).
   */
  @Test
  void everyCodeFenceIsBalanced() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path md : markdownFiles()) {
      problems.addAll(fenceProblems(ROOT.relativize(md).toString(), Files.readString(md)));
    }
    assertThat(problems).as("unbalanced code fences").isEmpty();
  }

  @Test
  void theFenceCheckFindsWhatItLooksFor() {
    assertThat(fenceProblems("a.md", "```\ncode\n```\ntext\n")).isEmpty();
    // the fence at line 3 does not close the block: what follows it renders inverted from there on
    assertThat(fenceProblems("b.md", "```bash\ncode\n```text\nmore\n```\n"))
        .contains("b.md:3: a closing fence followed by 'text' (it opens a new block)");
    assertThat(fenceProblems("c.md", "text\n```\ncode\n")).containsExactly("c.md: a code fence opened at line 2 never closes");
  }

  static List<String> fenceProblems(String name, String text) {
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    int openedAt = -1;
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].strip();
      if (!l.startsWith("```")) {
        continue;
      }
      if (openedAt < 0) {
        openedAt = i + 1;
      } else {
        if (!l.equals("```")) {
          problems.add(name + ":" + (i + 1) + ": a closing fence followed by '" + l.substring(3) + "' (it opens a new block)");
        }
        openedAt = -1;
      }
    }
    if (openedAt > 0) {
      problems.add(name + ": a code fence opened at line " + openedAt + " never closes");
    }
    return problems;
  }

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path md : markdownFiles()) {
      Matcher m = LINK.matcher(Files.readString(md));
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("#")
            || target.startsWith("mailto:")) {
          continue;
        }
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        if (!Files.exists(md.getParent().resolve(file).normalize())) {
          broken.add(ROOT.relativize(md) + " -> " + target);
        }
      }
    }
    assertThat(broken).as("broken relative links").isEmpty();
  }

  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");

  /**
   * Every link to a section — {@code file.md#anchor} or an in-page {@code #anchor} — names a
   * heading that exists, with GitHub's anchors: the heading's text lower-cased, markup and
   * punctuation dropped (letters of any script, digits, '-' and '_' kept), spaces turned to '-', and
   * "-1", "-2" … after repeats.
   */
  @Test
  void everyLinkedSectionExists() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path md : markdownFiles()) {
      broken.addAll(anchorProblems(md, Files.readString(md)));
    }
    assertThat(broken).as("links to sections that do not exist").isEmpty();
  }

  @Test
  void theAnchorCheckFindsWhatItLooksFor() throws IOException {
    String text = """
        # 1.5 Share groups (공유 그룹): the broker's answer to `caveat 1`
        ## Measured
        ## Measured
        ```
        # not a heading
        ```
        see [a](#15-share-groups-공유-그룹-the-brokers-answer-to-caveat-1), [b](#measured-1),
        [c](#not-a-heading) and [d](#no-such-section)
        """;
    assertThat(anchors(text)).containsExactly("15-share-groups-공유-그룹-the-brokers-answer-to-caveat-1", "measured",
        "measured-1");
    Path page = ROOT.resolve("docs/page.md");
    assertThat(anchorProblems(page, text)).containsExactly(
        "docs/page.md:8: #not-a-heading: no such section in docs/page.md",
        "docs/page.md:8: #no-such-section: no such section in docs/page.md");
  }

  /** The anchors of a Markdown text's headings (outside code fences) and its HTML anchors. */
  static List<String> anchors(String text) {
    List<String> out = new ArrayList<>();
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    boolean fence = false;
    for (String line : text.split("\n", -1)) {
      if (line.strip().startsWith("```")) {
        fence = !fence;
        continue;
      }
      Matcher h = HEADING.matcher(line);
      if (!fence && h.matches()) {
        String slug = slug(h.group(1));
        int n = seen.merge(slug, 1, Integer::sum) - 1;
        out.add(n == 0 ? slug : slug + "-" + n);
      }
      Matcher a = HTML_ANCHOR.matcher(line);
      while (a.find()) {
        out.add(a.group(1));
      }
    }
    return out;
  }

  /** GitHub's anchor for a heading's Markdown text. */
  static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // links and images: their text
        .replaceAll("<[^>]+>", "") // inline HTML
        .replaceAll("[`*]", "") // code and emphasis marks
        .toLowerCase(java.util.Locale.ROOT);
    return text.replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc}\\- ]", "").replace(' ', '-');
  }

  static List<String> anchorProblems(Path md, String text) throws IOException {
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = LINK.matcher(lines[i]);
      while (m.find()) {
        String target = m.group(1);
        int hash = target.indexOf('#');
        if (hash < 0 || target.startsWith("http://") || target.startsWith("https://")) {
          continue;
        }
        String file = target.substring(0, hash);
        String anchor = java.net.URLDecoder.decode(target.substring(hash + 1), java.nio.charset.StandardCharsets.UTF_8);
        Path linked = file.isEmpty() ? md : md.getParent().resolve(file).normalize();
        if (!file.isEmpty() && (!file.endsWith(".md") || !Files.exists(linked))) {
          continue; // a line of a source file, or a missing file (everyRelativeLinkResolves says so)
        }
        List<String> known = linked.equals(md) ? anchors(text) : anchors(Files.readString(linked));
        if (!known.contains(anchor)) {
          problems.add(ROOT.relativize(md) + ":" + (i + 1) + ": " + target + ": no such section in " + ROOT.relativize(linked));
        }
      }
    }
    return problems;
  }

  @Test
  void everyNamedTestExists() throws IOException {
    Set<String> testClasses;
    try (Stream<Path> s = Files.walk(ROOT)) {
      testClasses = s.filter(p -> p.toString().contains("/src/test/java/") && p.toString().endsWith(".java"))
          .map(p -> p.getFileName().toString().replace(".java", ""))
          .collect(Collectors.toSet());
    }
    List<String> missing = new ArrayList<>();
    for (Path md : markdownFiles()) {
      for (String name : namedTests(Files.readString(md))) {
        if (!testClasses.contains(name)) {
          missing.add(ROOT.relativize(md) + " names " + name);
        }
      }
    }
    assertThat(missing).as("tests named in the docs that do not exist").isEmpty();
  }

  static Set<String> namedTests(String text) {
    Set<String> names = new java.util.TreeSet<>();
    Matcher m = TEST_NAME.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void theTestNameCheckFindsWhatItLooksFor() {
    assertThat(namedTests("`LagCommandTest`, `LagServeTest#aMethod`, SharedBrokerIT in prose, and"
        + " [the test](../it-tests/src/test/java/io/kcp/it/PartitionCrashTest.java); not JIT, WAIT or Testing"))
        .containsExactly("LagCommandTest", "LagServeTest", "PartitionCrashTest", "SharedBrokerIT");
  }

  private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: ([^#\\s]+)#([A-Za-z0-9_-]+) -->\n```[a-z]*\n(.*?)\n```\n",
      Pattern.DOTALL);

  /**
   * A code block marked {@code <!-- snippet: path#tag -->} is, line for line, the region of that
   * (compiled, tested) file between {@code tag::tag[]} and {@code end::tag[]}: the docs quote code
   * that runs.
   */
  @Test
  void everySnippetIsItsTaggedRegion() throws IOException {
    List<String> problems = new ArrayList<>();
    int found = 0;
    for (Path md : markdownFiles()) {
      Matcher m = SNIPPET.matcher(Files.readString(md));
      while (m.find()) {
        found++;
        Path source = ROOT.resolve(m.group(1));
        String where = ROOT.relativize(md) + " quotes " + m.group(1) + "#" + m.group(2);
        if (!Files.exists(source)) {
          problems.add(where + ": no such file");
          continue;
        }
        List<String> lines = Files.readAllLines(source);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).contains("tag::" + m.group(2) + "[]") && !lines.get(i).contains("end::")) {
            start = i;
          } else if (lines.get(i).contains("end::" + m.group(2) + "[]")) {
            end = i;
          }
        }
        if (start < 0 || end <= start) {
          problems.add(where + ": no tag::" + m.group(2) + "[] ... end::" + m.group(2) + "[] region");
        } else if (!String.join("\n", lines.subList(start + 1, end)).equals(m.group(3))) {
          problems.add(where + ": the block differs from the tagged region");
        }
      }
    }
    assertThat(found).as("snippets found (the pattern still matches the docs)").isPositive();
    assertThat(problems).as("snippets that are not their tagged region").isEmpty();
  }
}
