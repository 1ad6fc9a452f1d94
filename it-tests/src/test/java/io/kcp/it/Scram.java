package io.kcp.it;

import java.util.Map;

/** The SCRAM login line of a client configuration: written for a user, and its password read back. */
final class Scram {
  private Scram() {}

  /** A {@code sasl.jaas.config} value logging in as {@code user} with {@code password}. */
  static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
        + "\" password=\"" + password + "\";";
  }

  /** The password in a client configuration's {@code sasl.jaas.config}. */
  static String password(Map<String, Object> config) {
    String jaas = (String) config.get("sasl.jaas.config");
    int i = jaas.indexOf("password=\"") + "password=\"".length();
    return jaas.substring(i, jaas.indexOf('"', i));
  }
}
