package io.kcp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** A string as a JSON string literal (quoted and escaped by Jackson), for the JSON lines the commands print. */
final class JsonStrings {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonStrings() {}

  static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
