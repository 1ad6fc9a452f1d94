package io.kcp.audit.internal;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;

/**
 * The module's one JSON configuration, on Jackson.
 *
 * <p>Strings escape quote, backslash and every control character (Jackson's defaults), and also
 * DEL, U+2028 and U+2029 (so the output is safe to embed in JavaScript) and every surrogate (a
 * character outside the BMP as its {@code \ud83d\ude00} pair, an unpaired surrogate — which has
 * no UTF-8 form — as its escape); hex digits in lower case.
 */
public final class Jackson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              new JsonFactoryBuilder()
                  .characterEscapes(new Escapes())
                  .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                  .build())
          .build();

  private Jackson() {}

  /**
   * A new, empty object whose keys keep the order they are put in.
   *
   * @return the object
   */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * {@code value} as one line of JSON.
   *
   * @param value a tree or anything Jackson can write
   * @return the JSON
   */
  public static String line(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * {@code value} as a report: one top-level key per line (two spaces in), each item of a
   * top-level array on its own line (four spaces in), anything deeper on that line.
   *
   * @param value a tree or anything Jackson can write
   * @return the JSON, without a final newline
   */
  public static String report(Object value) {
    try {
      return MAPPER.writer(new ReportLayout()).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The layout of {@link #report(Object)}; one instance per document (it counts the depth). */
  private static final class ReportLayout implements PrettyPrinter {
    private int depth;

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      depth++;
      g.writeRaw('{');
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      if (depth == 1) {
        g.writeRaw("\n  ");
      }
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(depth == 1 ? ",\n  " : ", ");
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      g.writeRaw(depth == 1 && entries > 0 ? "\n}" : "}");
      depth--;
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      depth++;
      g.writeRaw('[');
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      if (depth == 2) {
        g.writeRaw("\n    ");
      }
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(depth == 2 ? ",\n    " : ", ");
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      g.writeRaw(depth == 2 && values > 0 ? "\n  ]" : "]");
      depth--;
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
