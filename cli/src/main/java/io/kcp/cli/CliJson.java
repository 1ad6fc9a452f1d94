package io.kcp.cli;

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
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The JSON the commands print themselves ({@code consume --json}, {@code dlt --json}, {@code bench
 * --json}, a share group's {@code lag --json}) and read back (an arm's summary in {@code kcp
 * bench}), on Jackson with the escapes of the library modules: quote, backslash, every control
 * character, DEL, U+2028, U+2029 and surrogates, hex in lower case. Reading is strict (nothing after
 * the value, no duplicate keys, nesting at most 32 deep).
 */
final class CliJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              new JsonFactoryBuilder()
                  .characterEscapes(new Escapes())
                  .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                  .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Jackson's "[Source: REDACTED (...); line: 1, column: 29]" inside a message. */
  private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;]*; line: (\\d+), column: (\\d+)]");

  private CliJson() {}

  /** A new, empty object whose keys keep the order they are put in. */
  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** {@code value} as one line of JSON. */
  static String line(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * {@code value} with {@code places} decimal places, written as {@code String.format("%.Nf")}
   * would ({@code 12.50}); {@code null} (JSON {@code null}) when it is not finite.
   */
  static BigDecimal decimal(double value, int places) {
    return Double.isFinite(value) ? BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP) : null;
  }

  /**
   * One JSON value.
   *
   * @throws CliException {@code what: line L, column C: what is wrong}
   */
  static JsonNode parse(String text, String what) {
    try (JsonParser p = MAPPER.createParser(text)) {
      try {
        JsonNode node = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(p);
        if (node == null || node.isMissingNode()) {
          throw new CliException(what + ": line 1, column 1: no JSON value (it is empty)");
        }
        if (p.nextToken() != null) {
          throw new CliException(what + ": " + where(p.currentTokenLocation()) + "unexpected text after the JSON value");
        }
        return node;
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName()
            : SOURCE.matcher(e.getOriginalMessage().lines().findFirst().orElse("").strip())
                .replaceAll("line $1, column $2");
        if (!message.isEmpty()) {
          message = message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
        }
        throw new CliException(what + ": " + where(at) + message);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read a string: " + e.getMessage(), e);
    }
  }

  private static String where(JsonLocation at) {
    return "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
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
