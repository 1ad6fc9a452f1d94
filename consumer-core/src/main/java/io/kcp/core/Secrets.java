package io.kcp.core;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The one place that decides what in a client configuration is secret, and hides it wherever
 * settings, headers or messages are printed. Every module that prints configuration uses it (the
 * CLI's settings dumps and errors, the engines' failure messages, the lag server's cluster
 * detail goes through a copy in lag-monitor, which depends on no module of ours).
 *
 * <p>A key is secret when it is {@code sasl.jaas.config}, contains {@code password}, {@code
 * secret} or {@code user.info} (Schema Registry's {@code basic.auth.user.info}), ends in {@code
 * .key} or {@code headers} (OTLP exporter headers carry tokens), or is typed {@code PASSWORD} by
 * Kafka's consumer, producer or admin config — all ignoring case.
 */
public final class Secrets {
  /** What a secret value is replaced with. */
  public static final String REDACTED = "[redacted]";

  /** {@code password="…"} / {@code password='…'} / {@code password=…} inside a JAAS line. */
  private static final Pattern JAAS_SECRET =
      Pattern.compile("(?i)\\b((?:password|secret|token|clientSecret)\\s*=\\s*)(\"[^\"]*\"|'[^']*'|[^\\s;]+)");
  private static final Pattern JAAS_USER =
      Pattern.compile("(?i)\\busername\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s;]+))");
  /** Values shorter than this are not searched for in free text (too likely to hit by chance). */
  private static final int MIN_SCRUB_LENGTH = 4;

  private Secrets() {}

  /** Whether the value of the client property {@code key} must never be printed. */
  public static boolean isSecret(String key) {
    if (key == null) {
      return false;
    }
    String lower = key.toLowerCase(Locale.ROOT);
    if (lower.equals("sasl.jaas.config")
        || lower.contains("password")
        || lower.contains("secret")
        || lower.contains("user.info")
        || lower.endsWith(".key")
        || lower.endsWith("headers")) {
      return true;
    }
    return isPasswordTyped(ConsumerConfig.configDef(), key)
        || isPasswordTyped(ProducerConfig.configDef(), key)
        || isPasswordTyped(AdminClientConfig.configDef(), key);
  }

  private static boolean isPasswordTyped(ConfigDef def, String key) {
    ConfigDef.ConfigKey k = def.configKeys().get(key);
    return k != null && k.type == ConfigDef.Type.PASSWORD;
  }

  /** {@code value} as it may be printed for {@code key}: {@link #REDACTED} if the key is secret. */
  public static String redactValue(String key, Object value) {
    if (value == null) {
      return null;
    }
    return isSecret(key) ? REDACTED : String.valueOf(value);
  }

  /** A sorted, unmodifiable copy of {@code config} with every secret value {@link #REDACTED}. */
  public static Map<String, String> redact(Map<String, ?> config) {
    Map<String, String> out = new TreeMap<>();
    if (config != null) {
      config.forEach((k, v) -> out.put(k, redactValue(k, v)));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * OTLP-style headers {@code k1=v1,k2=v2} with every value {@link #REDACTED} (the names stay:
   * they tell which header was set, the values are tokens).
   */
  public static String redactHeaders(String headers) {
    if (headers == null || headers.isBlank()) {
      return headers;
    }
    StringBuilder b = new StringBuilder();
    for (String pair : headers.split(",", -1)) {
      if (b.length() > 0) {
        b.append(',');
      }
      int eq = pair.indexOf('=');
      b.append(eq < 0 ? REDACTED : pair.substring(0, eq).strip() + "=" + REDACTED);
    }
    return b.toString();
  }

  /**
   * {@code text} with every secret of {@code config} taken out: the values of secret keys
   * wherever they occur, the passwords inside any JAAS line (also one not in {@code config}), and
   * the password part of a JAAS config. For messages that may echo a configuration (an exception
   * from a client constructor, a validator's complaint).
   */
  public static String scrub(String text, Map<String, ?> config) {
    if (text == null) {
      return null;
    }
    String out = text;
    if (config != null) {
      for (Map.Entry<String, ?> e : config.entrySet()) {
        if (e.getValue() == null || !isSecret(e.getKey())) {
          continue;
        }
        String v = String.valueOf(e.getValue());
        if (v.length() >= MIN_SCRUB_LENGTH) {
          out = out.replace(v, REDACTED);
        }
        // and the password alone, should a message quote it without the rest of the JAAS line
        Matcher m = JAAS_SECRET.matcher(v);
        while (m.find()) {
          String secret = unquote(m.group(2));
          if (secret.length() >= MIN_SCRUB_LENGTH) {
            out = out.replace(secret, REDACTED);
          }
        }
      }
    }
    return JAAS_SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + REDACTED));
  }

  /** The {@code username} of a JAAS config line ({@code sasl.jaas.config}), if it names one. */
  public static Optional<String> username(Object jaasConfig) {
    if (jaasConfig == null) {
      return Optional.empty();
    }
    Matcher m = JAAS_USER.matcher(String.valueOf(jaasConfig));
    if (!m.find()) {
      return Optional.empty();
    }
    for (int g = 1; g <= 3; g++) {
      if (m.group(g) != null) {
        return Optional.of(m.group(g));
      }
    }
    return Optional.empty();
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }
}
