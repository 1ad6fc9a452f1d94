package io.kcp.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The Kafka client settings every command that talks to Kafka takes, under the names Kafka's own
 * tools use: {@code --command-config FILE} (a Java properties file) and the repeatable {@code
 * --command-property KEY=VALUE}. The file is read first, then the flags, so a flag overrides the
 * same key from the file. These settings go to every client the command creates (consumers,
 * producers, admins); kcp's own defaults (client ids, timeouts, ...) apply only to keys the user
 * did not set.
 *
 * <p>{@link ClientOptions} is the mixin of most commands; {@link WithConsumerAlias} is the one of
 * {@code kcp consume} and {@code kcp deploy}, which keeps their older {@code -p}/{@code
 * --consumer-property} working as aliases of {@code --command-property}.
 */
abstract class ClientSettings {
  static final String CONFIG = "--command-config";
  static final String PROPERTY = "--command-property";
  static final String PROPERTY_HELP =
      "A Kafka client property, KEY=VALUE (repeatable); overrides the same key of --command-config.";
  static final String CONFIG_HELP =
      "A Java properties file of Kafka client settings (security, timeouts, ...) for every client"
          + " this command creates, as Kafka's own tools take it.";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = CONFIG, paramLabel = "FILE", description = CONFIG_HELP)
  Path commandConfig;

  private Map<String, Object> merged;

  /** The raw {@code KEY=VALUE} strings given on the command line, in order. */
  abstract List<String> rawProperties();

  /** The option name to put in messages about a malformed {@code KEY=VALUE}. */
  abstract String propertyOptionName();

  /** Whether the user gave any client setting at all. */
  boolean isEmpty() {
    return properties().isEmpty();
  }

  /**
   * The user's client settings: the {@code --command-config} file, then the {@code
   * --command-property} flags over it. Read once; unmodifiable. Values are the strings given (Kafka
   * parses them); secrets are in clear text, so never print this map.
   */
  Map<String, Object> properties() {
    if (merged == null) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (commandConfig != null) {
        m.putAll(readFile(commandConfig));
      }
      m.putAll(flags());
      merged = Collections.unmodifiableMap(m);
    }
    return merged;
  }

  /** The {@code bootstrap.servers} of the settings, if they have one. */
  java.util.Optional<String> bootstrapServers() {
    Object b = properties().get("bootstrap.servers");
    return b == null || String.valueOf(b).isBlank()
        ? java.util.Optional.empty() : java.util.Optional.of(String.valueOf(b).strip());
  }

  /** The {@code client.id} of the settings, if they have one. */
  java.util.Optional<String> clientId() {
    Object c = properties().get("client.id");
    return c == null ? java.util.Optional.empty() : java.util.Optional.of(String.valueOf(c));
  }

  /** The settings with {@code bootstrap.servers} set to {@code bootstrap}: a client configuration. */
  Map<String, Object> clientConfig(String bootstrap) {
    Map<String, Object> m = new LinkedHashMap<>(properties());
    m.put("bootstrap.servers", bootstrap);
    return m;
  }

  /**
   * The settings for kcp's consumer settings ({@code ConsumerSettings}): without {@code
   * bootstrap.servers} and {@code client.id}, which have options of their own ({@code
   * --bootstrap-server}, {@code --client-id}) and are taken from here by the command when those
   * are not given; keys of the file that are no consumer setting are left out (as Kafka's tools
   * ignore them: one file may serve producers and admins too), while a flag's key is checked. A
   * {@code group.id} is refused: the group is the command's {@code --group}.
   */
  Map<String, String> consumerProperties() {
    if (properties().containsKey("group.id")) {
      throw new CliException("group.id in " + CONFIG + "/" + propertyOptionName()
          + " is not used: give the consumer group with --group");
    }
    Map<String, String> flagged = flags();
    Map<String, String> m = new LinkedHashMap<>();
    properties().forEach((k, v) -> {
      boolean fromFlag = flagged.containsKey(k);
      if (k.equals("bootstrap.servers") || k.equals("client.id")) {
        return;
      }
      if (fromFlag || org.apache.kafka.clients.consumer.ConsumerConfig.configNames().contains(k)) {
        m.put(k, String.valueOf(v));
      }
    });
    return m;
  }

  /**
   * kcp's own settings for one client with the user's on top: a default applies only when the user
   * did not set that key.
   */
  Map<String, Object> over(Map<String, ?> defaults) {
    Map<String, Object> m = new LinkedHashMap<>(defaults);
    m.putAll(properties());
    return m;
  }

  /**
   * The flags as a map; a value without {@code =} or with an empty key is a usage error naming the
   * option.
   */
  private Map<String, String> flags() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : rawProperties()) {
      int eq = kv.indexOf('=');
      String key = eq < 0 ? "" : kv.substring(0, eq).strip();
      if (eq < 0 || key.isEmpty()) {
        throw new ParameterException(
            mixee.commandLine(),
            propertyOptionName()
                + " takes KEY=VALUE, e.g. "
                + propertyOptionName()
                + " request.timeout.ms=30000 (got '"
                + (eq < 0 ? kv : "=...")
                + "')");
      }
      m.put(key, kv.substring(eq + 1));
    }
    return m;
  }

  /** The file as a map; one line naming the option and the path when it cannot be read. */
  static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CliException(CONFIG + " " + file + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(
          CONFIG + " " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().stream().sorted().forEach(k -> m.put(k.strip(), p.getProperty(k).strip()));
    return m;
  }

  /**
   * The arguments that hand these settings to a kcp child process without putting any value on its
   * command line (where {@code ps} shows it): an owner-only temporary properties file holding the
   * merged settings, passed as {@code --command-config}; none when there are no settings. The file
   * is deleted when this JVM exits.
   */
  List<String> childArgs() {
    if (isEmpty()) {
      return List.of();
    }
    return List.of(CONFIG, ChildConfig.write(properties()).toString());
  }
}
