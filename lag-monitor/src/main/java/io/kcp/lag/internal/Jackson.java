package io.kcp.lag.internal;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The module's one JSON configuration, on Jackson.
 *
 * <p>Reading is strict RFC 8259 (Jackson's defaults: no comments, no leading zeros, no unquoted
 * control characters, only the standard escapes) plus: nothing after the value, no duplicate keys,
 * nesting at most {@value #MAX_DEPTH} deep. A malformed document fails with one line: {@code line
 * L, column C: what}.
 *
 * <p>Writing escapes quote, backslash and every control character (Jackson's defaults), and also
 * DEL, U+2028 and U+2029 (so a line is safe to paste into JavaScript) and every surrogate (a
 * character outside the BMP is written as its {@code \ud83d\ude00} pair, an unpaired surrogate —
 * which has no UTF-8 form — as its escape); hex digits in lower case.
 */
public final class Jackson {
  /** The deepest nesting a document may have (the lag formats need 4). */
  public static final int MAX_DEPTH = 32;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              new JsonFactoryBuilder()
                  .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .characterEscapes(new Escapes())
                  .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Jackson() {}

  /** A new, empty object whose keys keep the order they are put in. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** {@code value} as one line of JSON. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Parses one JSON value.
   *
   * @throws Malformed when {@code text} is not one JSON value within the limits
   */
  public static JsonNode parse(String text) {
    try (JsonParser p = MAPPER.createParser(text)) {
      try {
        // the check below names the place of the trailing text; Jackson's would name its own class
        JsonNode node = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(p);
        if (node == null || node.isMissingNode()) {
          throw new Malformed(1, 1, "no JSON value (the input is empty)");
        }
        if (p.nextToken() != null) {
          JsonLocation at = p.currentTokenLocation();
          throw new Malformed(at.getLineNr(), at.getColumnNr(), "unexpected text after the JSON value");
        }
        return node;
      } catch (JsonProcessingException e) {
        throw Malformed.of(e, p.currentLocation());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read a string: " + e.getMessage(), e);
    }
  }

  private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;]*; line: (\\d+), column: (\\d+)]");

  /** Text that is not one JSON value; the message is one line: {@code line L, column C: what}. */
  public static final class Malformed extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;
    private final String what;

    Malformed(int line, int column, String what) {
      this(line, column, what, null);
    }

    private Malformed(int line, int column, String what, Throwable cause) {
      super("line " + line + ", column " + column + ": " + what, cause);
      this.line = line;
      this.column = column;
      this.what = what;
    }

    /** Jackson's complaint, at its location (or {@code fallback}'s when it has none). */
    static Malformed of(JsonProcessingException e, JsonLocation fallback) {
      JsonLocation at = e.getLocation() != null ? e.getLocation() : fallback;
      String what = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
      int nl = what.indexOf('\n');
      what = (nl >= 0 ? what.substring(0, nl) : what).strip();
      // "start marker at [Source: REDACTED (...); line: 1, column: 29]" → "start marker at line 1, column 29"
      what = SOURCE.matcher(what).replaceAll("line $1, column $2");
      if (!what.isEmpty()) {
        what = what.substring(0, 1).toLowerCase(Locale.ROOT) + what.substring(1);
      }
      return new Malformed(at.getLineNr(), at.getColumnNr(), what, e);
    }

    /** The line, from 1. */
    public int line() {
      return line;
    }

    /** The column, from 1. */
    public int column() {
      return column;
    }

    /** What is wrong, without the place. */
    public String what() {
      return what;
    }
  }

  /** Jackson's standard escapes plus DEL, U+2028, U+2029 and surrogates. */
  private static final class Escapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii;

    Escapes() {
      ascii = standardAsciiEscapesForJSON();
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch == 0x2028 || ch == 0x2029 || Character.isSurrogate((char) ch)) {
        return new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch));
      }
      return null;
    }
  }
}
