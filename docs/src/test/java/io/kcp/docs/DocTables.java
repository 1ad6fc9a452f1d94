package io.kcp.docs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The measured tables of the course, rendered from the results files under {@code docs/results/}.
 *
 * <p>A chapter marks a table with {@code <!-- table: results/FILE.json#NAME -->} on the line before
 * it and {@code <!-- /table -->} on the line after it. The results file holds the figures as raw
 * numbers and how they were measured ({@code command}, {@code measured_on}, {@code machine}, or
 * {@code transcribed_from} when the run's own output was not kept); its table {@code NAME} says how
 * they are shown:
 *
 * <pre>{@code
 * {"command": "...", "machine": "...", "measured_on": "...",
 *  "tables": {"threads": {
 *     "columns": [{"header": "threads", "align": "---:", "cell": "{threads}"},
 *                 {"header": "0 ms handler", "align": "---:", "cell": "{rate} rec/s"}],
 *     "rows": [{"threads": 1, "rate": 142069}]}}}
 * }</pre>
 *
 * <p>A cell is a template: {@code {name}} is a value of the row (a string value is itself a
 * template), of the table's {@code defaults}, or of the file's {@code values}; {@code {name:0.00}}
 * formats it with that {@link DecimalFormat} pattern (half-even), and without a pattern a whole
 * number gets thousands separators ({@code 10,269}) and a fraction stays as written ({@code 0.40});
 * a missing value ({@code null}) is shown as {@code —}. A name may be a product or quotient of
 * names and numbers ({@code {concurrency*1000/latency_ms}}).
 *
 * <p>A file with {@code "runs": "bench.json"} derives its figures from that file's rows (what
 * {@code kcp bench --json} writes): the runs of one arm at one handler latency form the group
 * {@code ARM@LATENCY} (e.g. {@code worker-key@0}), whose {@code FIELD} is the median over the runs
 * (a negative value, bench's "not measured", and {@code null} left out) and {@code sum_FIELD} the
 * sum. A row names its group with {@code "group"}, or a cell qualifies the name:
 * {@code {raw@0.records_per_second}}.
 *
 * <p>A table a command prints itself (e.g. {@code kcp deploy --compare}) is shown as that command's
 * output, in a code block: the marker then wraps the block, and the table's {@code before} and
 * {@code after} hold the block's other lines, literally.
 */
final class DocTables {
  static final Pattern START = Pattern.compile("^(\\s*)<!-- table: (results/[^#\\s]+)#([A-Za-z0-9_-]+) -->\\s*$");
  static final Pattern END = Pattern.compile("^\\s*<!-- /table -->\\s*$");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}:]+)(?::([^{}]+))?\\}");
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES) // 0.40 stays 0.40
      .build();

  /** The one command that rewrites every marked table from its results file. */
  static final String REGENERATE = "./mvnw -B -pl docs -am test -Dtest=DocTablesTest -Dkcp.docs.write=true"
      + " -Dsurefire.failIfNoSpecifiedTests=false";

  private DocTables() {}

  /** A marked table: where it is and what is there now. */
  record Marked(int startLine, int endLine, String indent, String file, String table, List<String> lines) {
    String ref() {
      return file + "#" + table;
    }
  }

  /** The marked tables of a Markdown text; unclosed or nested markers are problems. */
  static List<Marked> marked(String name, String text, List<String> problems) {
    List<Marked> found = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = START.matcher(lines[i]);
      if (!m.matches()) {
        if (END.matcher(lines[i]).matches()) {
          problems.add(name + ":" + (i + 1) + ": <!-- /table --> without a <!-- table: ... --> before it");
        }
        continue;
      }
      int j = i + 1;
      while (j < lines.length && !END.matcher(lines[j]).matches() && !START.matcher(lines[j]).matches()) {
        j++;
      }
      if (j == lines.length || START.matcher(lines[j]).matches()) {
        problems.add(name + ":" + (i + 1) + ": <!-- table: " + m.group(2) + "#" + m.group(3) + " --> never closed by <!-- /table -->");
        continue;
      }
      found.add(new Marked(i + 1, j + 1, m.group(1), m.group(2), m.group(3), List.of(lines).subList(i + 1, j)));
      i = j;
    }
    return found;
  }

  /**
   * Every marked table of {@code text} against its results file: one problem per table that
   * differs, naming the file and line, the table, the first differing line and the command that
   * regenerates it.
   */
  static List<String> check(String name, String text, Path docsDir) {
    List<String> problems = new ArrayList<>();
    Results results = new Results(docsDir);
    for (Marked t : marked(name, text, problems)) {
      List<String> want;
      try {
        want = results.render(t.file(), t.table(), t.indent());
      } catch (RuntimeException e) {
        problems.add(name + ":" + t.startLine() + ": table " + t.ref() + ": " + e.getMessage());
        continue;
      }
      int n = Math.max(want.size(), t.lines().size());
      for (int k = 0; k < n; k++) {
        String have = k < t.lines().size() ? t.lines().get(k) : "(nothing)";
        String should = k < want.size() ? want.get(k) : "(nothing)";
        if (!have.equals(should)) {
          String says = t.file() + " says:";
          String docs = String.format("%-" + says.length() + "s", name + " says:");
          problems.add(name + ":" + (t.startLine() + 1 + k) + ": table " + t.ref() + " differs from its results file\n"
              + "  " + docs + " " + have.strip() + "\n"
              + "  " + String.format("%-" + docs.length() + "s", says) + " " + should.strip() + "\n"
              + "  regenerate with: " + REGENERATE);
          break;
        }
      }
    }
    return problems;
  }

  /** {@code text} with every marked table replaced by its rendering. */
  static String rewrite(String name, String text, Path docsDir) {
    List<String> problems = new ArrayList<>();
    List<Marked> tables = marked(name, text, problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(String.join("\n", problems));
    }
    Results results = new Results(docsDir);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    for (int k = tables.size() - 1; k >= 0; k--) {
      Marked t = tables.get(k);
      List<String> body = lines.subList(t.startLine(), t.endLine() - 1);
      body.clear();
      body.addAll(results.render(t.file(), t.table(), t.indent()));
    }
    return String.join("\n", lines);
  }

  // --- tables that look measured -------------------------------------------------------------

  private static final Pattern NUMERIC_CELL = Pattern.compile("^\\**[~≤≥<>−-]?\\d.*");

  /**
   * The Markdown tables outside code fences and outside markers whose body cells (first column
   * left out) are mostly numbers: they look measured, so they should come from a results file.
   * Each is named by its file, line and header row.
   */
  static List<String> unmarkedMeasured(String name, String text) {
    List<String> found = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    boolean fence = false;
    boolean marked = false;
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].strip();
      if (l.startsWith("```")) {
        fence = !fence;
      }
      if (START.matcher(lines[i]).matches()) {
        marked = true;
      } else if (END.matcher(lines[i]).matches()) {
        marked = false;
      }
      if (fence || !l.startsWith("|")) {
        continue;
      }
      int start = i;
      int numeric = 0;
      int cells = 0;
      while (i < lines.length && lines[i].strip().startsWith("|")) {
        if (i >= start + 2) {
          List<String> row = cells(lines[i]);
          for (String c : row.subList(Math.min(1, row.size()), row.size())) {
            cells++;
            if (NUMERIC_CELL.matcher(c).matches()) {
              numeric++;
            }
          }
        }
        i++;
      }
      i--;
      if (!marked && cells > 0 && numeric * 2 >= cells) {
        found.add(name + ":" + (start + 1) + ": " + lines[start].strip());
      }
    }
    return found;
  }

  static List<String> cells(String row) {
    String s = row.strip();
    s = s.substring(1, s.endsWith("|") && s.length() > 1 ? s.length() - 1 : s.length());
    List<String> out = new ArrayList<>();
    for (String c : s.split("(?<!\\\\)\\|", -1)) {
      out.add(c.strip());
    }
    return out;
  }

  // --- rendering -------------------------------------------------------------------------------

  /** The results files of one docs directory, read once each. */
  static final class Results {
    private final Path docsDir;
    private final Map<String, JsonNode> files = new HashMap<>();
    private final Map<String, Map<String, Map<String, Object>>> groups = new HashMap<>();

    Results(Path docsDir) {
      this.docsDir = docsDir;
    }

    JsonNode file(String file) {
      return files.computeIfAbsent(file, f -> {
        Path p = docsDir.resolve(f);
        if (!Files.exists(p)) {
          throw new IllegalArgumentException("no results file " + f);
        }
        try {
          return JSON.readTree(p.toFile());
        } catch (IOException e) {
          throw new UncheckedIOException(f + ": " + e.getMessage(), e);
        }
      });
    }

    /** The table's lines, each with the marker's indent. */
    List<String> render(String file, String table, String indent) {
      JsonNode root = file(file);
      JsonNode spec = root.path("tables").path(table);
      if (spec.isMissingNode()) {
        throw new IllegalArgumentException(file + " has no table '" + table + "'");
      }
      for (String field : List.of("command", "machine")) {
        if (!spec.hasNonNull(field) && !root.hasNonNull(field)) {
          throw new IllegalArgumentException(file + "#" + table + " does not say its '" + field + "'");
        }
      }
      Map<String, Map<String, Object>> runGroups = root.hasNonNull("runs")
          ? groups.computeIfAbsent(root.get("runs").asText(), this::groups)
          : Map.of();
      List<String> headers = new ArrayList<>();
      List<String> aligns = new ArrayList<>();
      List<String> templates = new ArrayList<>();
      for (JsonNode c : spec.path("columns")) {
        headers.add(c.path("header").asText());
        aligns.add(c.path("align").asText("---"));
        templates.add(c.path("cell").asText());
      }
      List<String> out = new ArrayList<>();
      for (JsonNode line : spec.path("before")) {
        out.add(indent + line.asText());
      }
      out.add(indent + row(headers));
      out.add(indent + "|" + String.join("|", aligns) + "|");
      int r = 0;
      for (JsonNode rowSpec : spec.path("rows")) {
        r++;
        Scope scope = new Scope(rowSpec, spec.path("defaults"), root.path("values"), runGroups);
        List<String> cells = new ArrayList<>();
        for (String t : templates) {
          try {
            cells.add(scope.expand(t, 0));
          } catch (RuntimeException e) {
            throw new IllegalArgumentException("row " + r + ", cell '" + t + "': " + e.getMessage(), e);
          }
        }
        out.add(indent + row(cells));
      }
      for (JsonNode line : spec.path("after")) {
        out.add(indent + line.asText());
      }
      return out;
    }

    private static String row(List<String> cells) {
      StringBuilder b = new StringBuilder("|");
      for (String c : cells) {
        b.append(c.isEmpty() ? " " : " " + c + " ").append('|');
      }
      return b.toString();
    }

    /** The rows of a runs file grouped by ARM@LATENCY: medians and sums of each numeric field. */
    private Map<String, Map<String, Object>> groups(String runsFile) {
      JsonNode runs = file("results/" + runsFile);
      Map<String, List<JsonNode>> byGroup = new LinkedHashMap<>();
      Set<String> fields = new LinkedHashSet<>();
      for (JsonNode run : runs) {
        for (Map.Entry<String, JsonNode> e : run.properties()) {
          if (e.getValue().isNumber() || e.getValue().isNull()) {
            fields.add(e.getKey());
          }
        }
        byGroup.computeIfAbsent(run.path("arm").asText() + "@" + run.path("latency_ms").asText(), k -> new ArrayList<>())
            .add(run);
      }
      Map<String, Map<String, Object>> out = new LinkedHashMap<>();
      byGroup.forEach((g, list) -> {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("arm", list.get(0).path("arm").asText());
        values.put("runs", BigDecimal.valueOf(list.size()));
        for (String f : fields) {
          List<BigDecimal> v = new ArrayList<>();
          for (JsonNode run : list) {
            JsonNode n = run.get(f);
            if (n != null && n.isNumber() && n.decimalValue().signum() >= 0) {
              v.add(n.decimalValue());
            }
          }
          v.sort(null);
          values.put(f, median(v));
          values.put("sum_" + f, v.isEmpty() ? null : v.stream().reduce(BigDecimal.ZERO, BigDecimal::add));
        }
        out.put(g, values);
      });
      return out;
    }

    private static BigDecimal median(List<BigDecimal> sorted) {
      int n = sorted.size();
      if (n == 0) {
        return null;
      }
      return n % 2 == 1 ? sorted.get(n / 2)
          : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.valueOf(2), MathContext.DECIMAL64);
    }
  }

  /** The names a row's cells can use: the row, its group, the table's defaults, the file's values. */
  private static final class Scope {
    private final JsonNode row;
    private final JsonNode defaults;
    private final JsonNode values;
    private final Map<String, Map<String, Object>> groups;
    private final Map<String, Object> group;

    Scope(JsonNode row, JsonNode defaults, JsonNode values, Map<String, Map<String, Object>> groups) {
      this.row = row;
      this.defaults = defaults;
      this.values = values;
      this.groups = groups;
      this.group = row.hasNonNull("group") ? group(row.get("group").asText()) : null;
    }

    private Map<String, Object> group(String name) {
      Map<String, Object> g = groups.get(name);
      if (g == null) {
        throw new IllegalArgumentException("no runs of " + name + (groups.isEmpty() ? " (the file names no \"runs\")" : ""));
      }
      return g;
    }

    String expand(String template, int depth) {
      if (depth > 4) {
        throw new IllegalArgumentException("templates nested too deep: " + template);
      }
      Matcher m = PLACEHOLDER.matcher(template);
      StringBuilder b = new StringBuilder();
      while (m.find()) {
        Object v = value(m.group(1).strip(), depth);
        m.appendReplacement(b, Matcher.quoteReplacement(format(v, m.group(2), depth)));
      }
      m.appendTail(b);
      return b.toString();
    }

    private String format(Object v, String pattern, int depth) {
      if (v == null) {
        return "—";
      }
      if (v instanceof String s) {
        return expand(s, depth + 1);
      }
      if (v instanceof BigDecimal d) {
        if (pattern != null) {
          DecimalFormat f = new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
          f.setRoundingMode(RoundingMode.HALF_EVEN);
          return f.format(d);
        }
        if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0 && d.scale() <= 0) {
          return new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(d);
        }
        return d.toPlainString();
      }
      return String.valueOf(v);
    }

    /** A name, or names and numbers joined by {@code *} and {@code /}, evaluated left to right. */
    private Object value(String expr, int depth) {
      String[] parts = expr.split("(?=[*/])|(?<=[*/])");
      if (parts.length == 1) {
        return lookup(expr, depth);
      }
      BigDecimal acc = number(parts[0].strip(), depth);
      for (int i = 1; i + 1 < parts.length; i += 2) {
        BigDecimal x = number(parts[i + 1].strip(), depth);
        if (acc == null || x == null) {
          return null;
        }
        acc = parts[i].equals("*") ? acc.multiply(x) : acc.divide(x, MathContext.DECIMAL64);
      }
      return acc == null ? null : normalize(acc);
    }

    private static BigDecimal normalize(BigDecimal d) {
      BigDecimal s = d.stripTrailingZeros();
      return s.scale() < 0 ? s.setScale(0) : s;
    }

    private BigDecimal number(String name, int depth) {
      if (name.matches("\\d+(\\.\\d+)?")) {
        return new BigDecimal(name);
      }
      Object v = lookup(name, depth);
      if (v instanceof String s) {
        Matcher m = PLACEHOLDER.matcher(s);
        if (m.matches() && m.group(2) == null) {
          v = value(m.group(1).strip(), depth + 1);
        }
      }
      if (v != null && !(v instanceof BigDecimal)) {
        throw new IllegalArgumentException("'" + name + "' is not a number: " + v);
      }
      return (BigDecimal) v;
    }

    private Object lookup(String name, int depth) {
      int at = name.indexOf('@');
      if (at >= 0) {
        int dot = name.indexOf('.', at);
        if (dot < 0) {
          throw new IllegalArgumentException("'" + name + "' names a group without a field (ARM@LATENCY.FIELD)");
        }
        return fromGroup(group(name.substring(0, dot)), name.substring(dot + 1), name);
      }
      for (JsonNode n : List.of(row, defaults, values)) {
        if (n.has(name)) {
          return json(n.get(name));
        }
      }
      if (group != null) {
        return fromGroup(group, name, name);
      }
      throw new IllegalArgumentException("no value '" + name + "'");
    }

    private static Object fromGroup(Map<String, Object> g, String field, String name) {
      if (!g.containsKey(field)) {
        throw new IllegalArgumentException("no value '" + name + "' in the runs");
      }
      return g.get(field);
    }

    private static Object json(JsonNode n) {
      if (n.isNull()) {
        return null;
      }
      if (n.isNumber()) {
        return n.decimalValue();
      }
      return n.asText();
    }
  }
}
