package io.kcp.audit.internal;

/** The little JSON this module writes by hand: string escaping per RFC 8259. */
public final class Json {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /**
   * Appends {@code s} as a JSON string literal, quotes included; {@code null} becomes {@code null}.
   *
   * <p>Escapes quote, backslash and every control character; also U+2028/U+2029 (so the output
   * is safe to embed in JavaScript) and unpaired surrogates (which have no UTF-8 form).
   *
   * @param sb where to append
   * @param s the string, may be {@code null}
   * @return {@code sb}
   */
  public static StringBuilder string(StringBuilder sb, String s) {
    if (s == null) {
      return sb.append("null");
    }
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            unicode(sb, c);
          } else if (Character.isHighSurrogate(c)) {
            if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
              sb.append(c).append(s.charAt(++i));
            } else {
              unicode(sb, c);
            }
          } else if (Character.isLowSurrogate(c)) {
            unicode(sb, c);
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }

  private static void unicode(StringBuilder sb, char c) {
    sb.append("\\u")
        .append(HEX[(c >> 12) & 0xf])
        .append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }

  /**
   * Appends {@code "name": } (with the string escaped).
   *
   * @param sb where to append
   * @param name the member name
   * @return {@code sb}
   */
  public static StringBuilder name(StringBuilder sb, String name) {
    return string(sb, name).append(": ");
  }
}
