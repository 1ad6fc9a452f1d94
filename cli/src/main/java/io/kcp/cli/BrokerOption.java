package io.kcp.cli;

import io.kcp.sandbox.KafkaSandbox;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * {@code --bootstrap-server}: a real cluster when given; otherwise, for commands where that makes
 * sense, an embedded single-node broker that lives as long as the command (and says so).
 */
final class BrokerOption {
  @Option(
      names = {"-b", "--bootstrap-server"},
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers. Default: an embedded broker started for this command.")
  String bootstrapServer;

  /** The given bootstrap servers, or an error naming the option when the command needs one. */
  String required(String command) {
    return required(command, null);
  }

  /**
   * {@code --bootstrap-server}, else the {@code bootstrap.servers} of the client settings ({@code
   * --command-config}, {@code --command-property}), else an error naming the option.
   */
  String required(String command, ClientSettings client) {
    fallBackTo(client);
    return required(bootstrapServer, command, client);
  }

  /**
   * {@code given} ({@code --bootstrap-server}), else the {@code bootstrap.servers} of the client
   * settings ({@code --command-config}, {@code --command-property}), else an error naming the option
   * and how to get a broker: for the commands that need a running cluster and declare their own
   * {@code -b} (the lag commands).
   */
  static String required(String given, String command, ClientSettings client) {
    if ((given == null || given.isBlank()) && client != null && client.bootstrapServers().isPresent()) {
      return client.bootstrapServers().get();
    }
    if (given == null || given.isBlank()) {
      throw new CliException(
          "--bootstrap-server is required for '"
              + command
              + "' (start a broker with 'kcp sandbox' and pass the bootstrap.servers it prints)");
    }
    return given.strip();
  }


  /**
   * A connection to the given cluster, or a freshly started embedded broker; close it when done.
   */
  Broker open(PrintWriter err) {
    return open(err, null);
  }

  /**
   * A connection to {@code --bootstrap-server}, else to the {@code bootstrap.servers} of the client
   * settings, else to a freshly started embedded broker; its {@link Broker#clientConfig()} is the
   * client settings with that {@code bootstrap.servers}.
   */
  Broker open(PrintWriter err, ClientSettings client) {
    fallBackTo(client);
    java.util.Map<String, Object> user = client == null ? java.util.Map.of() : client.properties();
    if (bootstrapServer != null && !bootstrapServer.isBlank()) {
      return new Broker(bootstrapServer.strip(), null, user);
    }
    long t0 = System.nanoTime();
    KafkaSandbox sandbox = KafkaSandbox.builder().start();
    err.printf(
        "no --bootstrap-server given: started an embedded Kafka broker at %s in %.1f s"
            + " (it stops when this command ends)%n",
        sandbox.bootstrapServers(), (System.nanoTime() - t0) / 1e9);
    err.flush();
    return new Broker(sandbox.bootstrapServers(), sandbox, user);
  }

  /**
   * How an option's description starts when the option only means something to the embedded
   * broker; {@link #refuseEmbeddedOnly} refuses it next to a broker of the user's.
   */
  static final String EMBEDDED_ONLY = "Embedded broker only:";

  /**
   * Refuses, as bad usage, the options of {@code spec} marked {@link #EMBEDDED_ONLY} that were
   * given (on the command line, whatever their value) together with a broker: {@code
   * --bootstrap-server}, or {@code bootstrap.servers} in the client settings. They would be ignored
   * without a word. {@code instead} gets the connection options ({@code -b B}, {@code
   * --command-config FILE}) and the refused options with their values, and says what to run.
   */
  void refuseEmbeddedOnly(CommandSpec spec, ClientSettings client, BiFunction<String, String, String> instead) {
    ParseResult parsed = spec.commandLine().getParseResult();
    List<String> names = new ArrayList<>();
    StringBuilder given = new StringBuilder();
    for (OptionSpec o : spec.options()) {
      if (o.description().length > 0 && o.description()[0].startsWith(EMBEDDED_ONLY) && parsed.hasMatchedOption(o.longestName())) {
        names.add(o.longestName());
        given.append(given.length() == 0 ? "" : " ").append(o.longestName()).append(' ')
            .append(String.join(",", parsed.matchedOption(o.longestName()).stringValues()));
      }
    }
    boolean flag = bootstrapServer != null && !bootstrapServer.isBlank();
    fallBackTo(client);
    if (names.isEmpty() || bootstrapServer == null || bootstrapServer.isBlank()) {
      return;
    }
    java.nio.file.Path config = client == null ? null : client.commandConfig;
    String connection = (flag || config == null ? "-b " + bootstrapServer.strip() : "")
        + (config == null ? "" : (flag ? " " : "") + ClientSettings.CONFIG + " " + config);
    String list = names.size() == 1 ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    throw new ParameterException(spec.commandLine(), list + (names.size() == 1 ? " only applies" : " only apply")
        + " to the embedded broker (no --bootstrap-server"
        + (flag ? "" : ", no bootstrap.servers in " + ClientSettings.CONFIG + "/" + ClientSettings.PROPERTY)
        + "): " + instead.apply(connection, given.toString()));
  }

  private void fallBackTo(ClientSettings client) {
    if ((bootstrapServer == null || bootstrapServer.isBlank()) && client != null) {
      client.bootstrapServers().ifPresent(b -> bootstrapServer = b);
    }
  }

  /** Bootstrap servers plus the embedded sandbox behind them, if any, and the user's client settings. */
  record Broker(String bootstrapServers, KafkaSandbox sandbox, java.util.Map<String, Object> userSettings)
      implements AutoCloseable {
    boolean embedded() {
      return sandbox != null;
    }

    /**
     * The user's client settings with these bootstrap servers: a ready client configuration (it
     * holds secrets in clear text: never print it).
     */
    java.util.Map<String, Object> clientConfig() {
      java.util.Map<String, Object> config = new java.util.LinkedHashMap<>(userSettings);
      config.put("bootstrap.servers", bootstrapServers);
      return config;
    }

    @Override
    public void close() {
      if (sandbox != null) {
        sandbox.close();
      }
    }
  }
}
