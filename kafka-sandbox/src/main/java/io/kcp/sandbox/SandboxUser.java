package io.kcp.sandbox;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A SCRAM-SHA-512 user of a secured sandbox and the client properties file that logs in as it.
 *
 * <p>The password exists only inside {@link #clientProperties()} (owner-only where the file
 * system has POSIX permissions); this value never holds it, so printing or logging a {@code
 * SandboxUser} reveals nothing secret.
 *
 * @param name the user name; its principal is {@code User:<name>}
 * @param clientProperties a ready-to-use client configuration: {@code bootstrap.servers}, {@code
 *     security.protocol=SASL_SSL}, {@code sasl.mechanism=SCRAM-SHA-512}, {@code sasl.jaas.config}
 *     and the truststore settings; e.g. for {@code --command-config} or {@code --producer.config}
 */
public record SandboxUser(String name, Path clientProperties) {
  /** Checks the components. */
  public SandboxUser {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(clientProperties, "clientProperties");
  }

  /** The principal ACLs name, {@code User:<name>}. */
  public String principal() {
    return "User:" + name;
  }

  /**
   * The settings of {@link #clientProperties()} as a map for a Kafka client's constructor.
   *
   * @throws UncheckedIOException if the file cannot be read (e.g. the sandbox was closed)
   */
  public Map<String, Object> clientConfig() {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(clientProperties, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + clientProperties, e);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    props.stringPropertyNames().stream().sorted().forEach(k -> config.put(k, props.getProperty(k)));
    return config;
  }
}
