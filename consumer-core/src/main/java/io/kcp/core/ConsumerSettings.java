package io.kcp.core;

import io.kcp.core.internal.Suggestions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * What every consumer engine needs to know: where the cluster is, which group, which topics, how
 * long one poll waits, plus any other Kafka consumer property passed through as is. Immutable; made
 * by {@link #builder()}, which checks everything at {@link Builder#build()} time and reports every
 * problem at once in an {@link InvalidSettingsException}, each naming the setting and the fix.
 *
 * <p>Two properties are decided here rather than by the user: {@code enable.auto.commit} is always
 * {@code false} (engines commit an offset only after its record was processed; asking for {@code
 * true} is an error) and {@code auto.offset.reset} defaults to {@code earliest} (a new group reads
 * a topic from its start, so nothing produced before the first poll is skipped).
 *
 * <p>Secret values (as {@link Secrets#isSecret} decides: {@code sasl.jaas.config}, any key
 * containing {@code password}, {@code secret} or {@code user.info}, ending in {@code .key}, or
 * typed {@code PASSWORD} by Kafka) are shown as
 * {@value #REDACTED} by {@link #toString()} and {@link #redactedProperties()}, and never appear in
 * an {@link InvalidSettingsException}. {@link #toConsumerConfig()} and {@link #properties()} hold
 * them in clear text, as the consumer needs them: do not log those.
 */
public final class ConsumerSettings {

  /** The poll timeout used unless {@link Builder#pollTimeout(Duration)} sets another. */
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(100);

  /** What a secret value is replaced with wherever settings are printed. */
  public static final String REDACTED = Secrets.REDACTED;

  /** Kafka's limit on a topic name's length. */
  static final int MAX_TOPIC_NAME_LENGTH = 249;

  private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]+");

  /** {@code host:port} or {@code [ipv6]:port}. */
  private static final Pattern HOST_PORT =
      Pattern.compile("(?:\\[[0-9A-Fa-f:.]+(?:%[\\w.-]+)?]|[A-Za-z0-9._-]+):(\\d{1,5})");

  /** Consumer properties that have a typed setter here, and that setter. */
  private static final Map<String, String> TYPED =
      Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "bootstrapServers",
          ConsumerConfig.GROUP_ID_CONFIG, "groupId",
          ConsumerConfig.CLIENT_ID_CONFIG, "clientId");

  private static final Map<String, ConfigDef.ConfigKey> CONSUMER_CONFIG_KEYS =
      ConsumerConfig.configDef().configKeys();

  private static final Set<String> KNOWN_NAMES = ConsumerConfig.configNames();

  private final String bootstrapServers;
  private final String groupId;
  private final List<String> topics;
  private final String clientId;
  private final Duration pollTimeout;
  private final Map<String, String> properties;

  private ConsumerSettings(
      String bootstrapServers,
      String groupId,
      List<String> topics,
      String clientId,
      Duration pollTimeout,
      Map<String, String> properties) {
    this.bootstrapServers = bootstrapServers;
    this.groupId = groupId;
    this.topics = topics;
    this.clientId = clientId;
    this.pollTimeout = pollTimeout;
    this.properties = properties;
  }

  /** A builder with nothing set but the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to derive changed ones. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.bootstrapServers = bootstrapServers;
    builder.groupId = groupId;
    builder.topics.addAll(topics);
    builder.clientId = clientId;
    builder.pollTimeout = pollTimeout;
    builder.properties.putAll(properties);
    properties.keySet().stream().filter(k -> !KNOWN_NAMES.contains(k)).forEach(builder.pluginKeys::add);
    return builder;
  }

  /** The brokers to bootstrap from, as {@code host:port[,host:port]}, entries trimmed. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The consumer group's id. */
  public String groupId() {
    return groupId;
  }

  /** The topics to subscribe to, in the order given, without duplicates; unmodifiable. */
  public List<String> topics() {
    return topics;
  }

  /** The client id, if one was set; otherwise Kafka makes one up. */
  public Optional<String> clientId() {
    return Optional.ofNullable(clientId);
  }

  /** How long one {@code poll()} may wait for records. */
  public Duration pollTimeout() {
    return pollTimeout;
  }

  /**
   * The pass-through Kafka consumer properties, sorted by key; unmodifiable. Secret values are in
   * clear text: print {@link #redactedProperties()} instead.
   */
  public Map<String, String> properties() {
    return properties;
  }

  /** The pass-through properties with every secret value replaced by {@value #REDACTED}. */
  public Map<String, String> redactedProperties() {
    return Secrets.redact(properties);
  }

  /**
   * The full configuration for a {@code KafkaConsumer}: {@code bootstrap.servers}, {@code
   * group.id}, {@code client.id} if set, {@code enable.auto.commit=false}, {@code
   * auto.offset.reset=earliest} and {@code allow.auto.create.topics=false} unless a pass-through property sets them, then every pass-through
   * property. Deserializers are not included; pass them to the consumer's constructor or add them.
   *
   * @return a new, modifiable map on every call; it holds secrets in clear text, so do not log it
   */
  public Map<String, Object> toConsumerConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    if (clientId != null) {
      config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    }
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a consumer that subscribes to a misspelt topic must not create it on a broker that
    // auto-creates topics; engines check that their topics exist instead
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    config.putAll(properties);
    return config;
  }

  /**
   * Whether the value of the consumer property {@code key} is a secret that must never be printed;
   * the same as {@link Secrets#isSecret}.
   */
  public static boolean isSecret(String key) {
    return Secrets.isSecret(key);
  }

  /** Equal when every setting and pass-through property is equal. */
  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof ConsumerSettings)) {
      return false;
    }
    ConsumerSettings that = (ConsumerSettings) other;
    return bootstrapServers.equals(that.bootstrapServers)
        && groupId.equals(that.groupId)
        && topics.equals(that.topics)
        && Objects.equals(clientId, that.clientId)
        && pollTimeout.equals(that.pollTimeout)
        && properties.equals(that.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bootstrapServers, groupId, topics, clientId, pollTimeout, properties);
  }

  /** Every setting, with secret values {@value #REDACTED}. */
  @Override
  public String toString() {
    return "ConsumerSettings{bootstrapServers="
        + bootstrapServers
        + ", groupId="
        + groupId
        + ", topics="
        + topics
        + (clientId == null ? "" : ", clientId=" + clientId)
        + ", pollTimeout="
        + pollTimeout
        + ", properties="
        + redactedProperties()
        + "}";
  }

  /** Collects settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {

    private String bootstrapServers;
    private String groupId;
    private final List<String> topics = new ArrayList<>();
    private String clientId;
    private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final java.util.Set<String> pluginKeys = new java.util.HashSet<>();

    private Builder() {}

    /**
     * The brokers to bootstrap from: {@code host:port[,host:port]}, for example {@code
     * localhost:9092}. Required.
     */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /** The consumer group's id. Required. */
    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /** The topics to subscribe to, replacing any set before. At least one is required. */
    public Builder topics(String... topics) {
      return topics(Arrays.asList(Objects.requireNonNull(topics, "topics")));
    }

    /** The topics to subscribe to, replacing any set before. At least one is required. */
    public Builder topics(Collection<String> topics) {
      Objects.requireNonNull(topics, "topics");
      this.topics.clear();
      this.topics.addAll(topics);
      return this;
    }

    /** The client id, for logs, metrics and quotas; {@code null} to leave it to Kafka. */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** How long one {@code poll()} may wait for records; positive. Default 100 ms. */
    public Builder pollTimeout(Duration pollTimeout) {
      this.pollTimeout = pollTimeout;
      return this;
    }

    /**
     * Sets one pass-through Kafka consumer property, replacing an earlier value of the same key.
     * The key must be a known consumer config (see {@link ConsumerConfig#configNames()}) that has
     * no typed setter here; the value must be valid for it.
     */
    public Builder property(String key, String value) {
      properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets one pass-through Kafka consumer property from a typed value, as Kafka's own client
     * constructors take them: a {@link Class} as its name, a {@link Collection} as its elements
     * joined by commas, a {@link org.apache.kafka.common.config.types.Password} as its value,
     * anything else by {@code toString()}; then as by {@link #property(String, String)}.
     */
    public Builder property(String key, Object value) {
      return property(key, asString(Objects.requireNonNull(value, "value")));
    }

    /**
     * Sets every entry as by {@link #property(String, Object)}: a {@code Map<String, String>}, a
     * client configuration with typed values, or a loaded client properties file.
     */
    public Builder properties(Map<String, ?> properties) {
      Objects.requireNonNull(properties, "properties").forEach(this::property);
      return this;
    }

    private static String asString(Object value) {
      if (value instanceof String s) {
        return s;
      }
      if (value instanceof Class<?> c) {
        return c.getName();
      }
      if (value instanceof Collection<?> list) {
        List<String> parts = new ArrayList<>();
        list.forEach(v -> parts.add(asString(v)));
        return String.join(",", parts);
      }
      if (value instanceof org.apache.kafka.common.config.types.Password p) {
        return p.value();
      }
      return value.toString();
    }

    /**
     * Sets one property for a plugin the consumer loads — an assignor named in {@code
     * partition.assignment.strategy}, an interceptor — which Kafka hands to the plugin's {@code
     * configure(Map)} with every other property. Unlike {@link #property}, a key Kafka does not
     * know is passed through unchecked (Kafka logs it as unused); a key it knows is checked as by
     * {@link #property}.
     */
    public Builder pluginProperty(String key, String value) {
      property(key, value);
      pluginKeys.add(key);
      return this;
    }

    /** Sets every entry as by {@link #pluginProperty(String, String)}. */
    public Builder pluginProperties(Map<String, String> properties) {
      Objects.requireNonNull(properties, "properties").forEach(this::pluginProperty);
      return this;
    }

    /** Removes a pass-through property, if set. */
    public Builder removeProperty(String key) {
      properties.remove(key);
      pluginKeys.remove(key);
      return this;
    }

    /**
     * Validates the settings and makes them.
     *
     * @throws InvalidSettingsException listing every problem found, one line each
     */
    public ConsumerSettings build() {
      List<String> problems = new ArrayList<>();
      String servers = checkBootstrapServers(problems);
      checkGroupId(problems);
      List<String> topicList = checkTopics(problems);
      checkClientId(problems);
      checkPollTimeout(problems);
      checkProperties(problems);
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new ConsumerSettings(
          servers,
          groupId,
          topicList,
          clientId,
          pollTimeout,
          Collections.unmodifiableMap(new TreeMap<>(properties)));
    }

    private String checkBootstrapServers(List<String> problems) {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        problems.add(
            "bootstrapServers is required: pass host:port[,host:port], e.g. localhost:9092");
        return null;
      }
      List<String> entries = new ArrayList<>();
      for (String raw : bootstrapServers.split(",", -1)) {
        String entry = raw.trim();
        entries.add(entry);
        if (entry.isEmpty()) {
          problems.add(
              "bootstrapServers '"
                  + bootstrapServers
                  + "' has an empty entry: remove the extra comma");
          continue;
        }
        int scheme = entry.indexOf("://");
        if (scheme >= 0) {
          problems.add(
              "bootstrapServers entry '"
                  + entry
                  + "' has a scheme: pass '"
                  + entry.substring(scheme + 3)
                  + "' and set the protocol with property(\"security.protocol\", ...)");
          continue;
        }
        Matcher matcher = HOST_PORT.matcher(entry);
        if (!matcher.matches()) {
          String hint =
              entry.indexOf(':') < 0
                  ? "add the port, e.g. " + entry + ":9092"
                  : "e.g. localhost:9092";
          problems.add("bootstrapServers entry '" + entry + "' is not host:port: " + hint);
          continue;
        }
        int port = Integer.parseInt(matcher.group(1));
        if (port < 1 || port > 65_535) {
          problems.add(
              "bootstrapServers entry '"
                  + entry
                  + "' has port "
                  + port
                  + ": use a port in 1..65535");
        }
      }
      return String.join(",", entries);
    }

    private void checkGroupId(List<String> problems) {
      if (groupId == null || groupId.isBlank()) {
        problems.add(
            "groupId is required and must not be blank: pass the consumer group's id,"
                + " e.g. groupId(\"orders-service\")");
      }
    }

    private List<String> checkTopics(List<String> problems) {
      if (topics.isEmpty()) {
        problems.add("topics is required: pass at least one topic, e.g. topics(\"orders\")");
        return List.of();
      }
      Set<String> unique = new LinkedHashSet<>();
      for (String topic : topics) {
        if (topic == null || topic.isBlank()) {
          problems.add(
              "topics contains a " + (topic == null ? "null" : "blank") + " name: remove it");
        } else if (topic.equals(".") || topic.equals("..")) {
          problems.add(
              "topic '" + topic + "' is not a legal Kafka topic name: '.' and '..' are reserved");
        } else if (topic.length() > MAX_TOPIC_NAME_LENGTH) {
          problems.add(
              "topic '"
                  + topic.substring(0, 20)
                  + "...' is "
                  + topic.length()
                  + " characters long: Kafka allows at most "
                  + MAX_TOPIC_NAME_LENGTH);
        } else if (!LEGAL_TOPIC.matcher(topic).matches()) {
          problems.add(
              "topic '"
                  + topic
                  + "' is not a legal Kafka topic name: use only ASCII letters, digits,"
                  + " '.', '_' and '-'");
        } else {
          unique.add(topic);
        }
      }
      return List.copyOf(unique);
    }

    private void checkClientId(List<String> problems) {
      if (clientId != null && clientId.isBlank()) {
        problems.add("clientId is blank: pass a non-blank id, or null to let Kafka pick one");
      }
    }

    private void checkPollTimeout(List<String> problems) {
      if (pollTimeout == null) {
        problems.add(
            "pollTimeout is required: pass a positive Duration, e.g. Duration.ofMillis(100)");
      } else if (pollTimeout.isNegative() || pollTimeout.isZero()) {
        problems.add(
            "pollTimeout must be positive, got "
                + pollTimeout
                + ": pass e.g. Duration.ofMillis(100)");
      }
    }

    private void checkProperties(List<String> problems) {
      properties.forEach(
          (key, value) -> {
            String setter = TYPED.get(key);
            if (setter != null) {
              problems.add(
                  "property '"
                      + key
                      + "' duplicates a typed setting: use "
                      + setter
                      + "(...) instead of property(\""
                      + key
                      + "\", ...)");
            } else if (key.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)) {
              checkAutoCommit(value, problems);
            } else if (!KNOWN_NAMES.contains(key) && pluginKeys.contains(key)) {
              // a plugin's own key: the plugin checks it in configure()
            } else if (!KNOWN_NAMES.contains(key)) {
              problems.add(
                  "property '"
                      + key
                      + "' is not a Kafka consumer config: "
                      + Suggestions.closest(key, KNOWN_NAMES)
                          .map(name -> "did you mean " + name + "?")
                          .orElse("see ConsumerConfig.configNames() for the known names"));
            } else {
              checkValue(key, value, problems);
            }
          });
    }

    private static void checkAutoCommit(String value, List<String> problems) {
      String trimmed = value.trim();
      if (trimmed.equalsIgnoreCase("true")) {
        problems.add(
            "property 'enable.auto.commit=true' is not allowed: engines commit an offset only"
                + " after its record was processed (auto-commit could commit records still in"
                + " flight and lose them on a crash); to commit before processing on purpose, use"
                + " the worker strategy's NAIVE mode");
      } else if (!trimmed.equalsIgnoreCase("false")) {
        problems.add(
            "property 'enable.auto.commit' must be false if given, got '"
                + value
                + "': leave it out, engines always commit after processing");
      }
    }

    /** Kafka's own type and validator for a known key; class names are not loaded here. */
    private static void checkValue(String key, String value, List<String> problems) {
      ConfigDef.ConfigKey configKey = CONSUMER_CONFIG_KEYS.get(key);
      if (configKey == null || configKey.type == ConfigDef.Type.CLASS) {
        return;
      }
      try {
        Object parsed = ConfigDef.parseType(key, value, configKey.type);
        if (configKey.validator != null) {
          configKey.validator.ensureValid(key, parsed);
        }
      } catch (RuntimeException e) { // ConfigException mostly; a validator may throw others
        String detail =
            isSecret(key)
                ? "the value is not shown as it is secret; pass a valid one"
                : String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
        problems.add("property '" + key + "' has an invalid value: " + detail);
      }
    }
  }
}
