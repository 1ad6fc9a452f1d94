package io.kcp.cli;

import io.kcp.core.Secrets;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** {@code kcp}: the command line face of the Kafka Consumer Playbook. */
@Command(
    name = "kcp",
    header = "Kafka consumers, their lag and deployments, on a real broker.",
    mixinStandardHelpOptions = true,
    versionProvider = Kcp.Version.class,
    description = {
      "Kafka Consumer Playbook: multi-threaded consumers, consumer lag and deployments,",
      "driven against a real Kafka broker (an embedded one when no --bootstrap-server is given)."
    },
    subcommands = {
      TourCommand.class,
      SandboxCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      BenchCommand.class,
      DeployCommand.class,
      AuditCommand.class,
      DltCommand.class,
      LagCommand.class,
      KafkaConsumerGroupsCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Kcp implements Runnable {

  /** Exit code for bad usage (unknown option, invalid value). */
  public static final int EXIT_USAGE = 2;

  /** Exit code for a failure with a message (unreachable broker, missing topic, bad file). */
  public static final int EXIT_FAILURE = 1;

  @CommandLine.Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs kcp and exits the JVM with its exit code. */
  public static void main(String[] args) {
    boolean verbose = false;
    for (String a : args) {
      if (a.equals("-v") || a.equals("--verbose")) {
        verbose = true;
      }
    }
    // before any logger exists: system properties win over simplelogger.properties
    if (verbose) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "info");
    }
    for (String logger : ONE_LINE_LOGGERS) {
      // what kcp's own one-line error says already; with --verbose they are shown as well
      System.setProperty("org.slf4j.simpleLogger.log." + logger, verbose ? "info" : "off");
    }
    if (!verbose && isTour(args) && System.getProperty(TourCommand.PRODUCER_LOGGER) == null) {
      // in this process only: a test JVM that runs the tour keeps its producers' logging
      System.setProperty(TourCommand.PRODUCER_LOGGER, "off");
    }
    System.exit(run(args));
  }

  /** Whether the command is {@code kcp tour} (its first argument that is not an option). */
  private static boolean isTour(String[] args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        return a.equals("tour");
      }
    }
    return false;
  }

  /**
   * Loggers whose lines repeat kcp's one-line error: the engine's failure (kcp prints it as its
   * error), the client's refused connection (a failed SASL login or TLS handshake, which the
   * engine's failure names with the user, mechanism or truststore), and the client's stack trace
   * for a truststore or keystore file it cannot read (kcp's error names the file).
   */
  static final java.util.List<String> ONE_LINE_LOGGERS = java.util.List.of(
      io.kcp.core.spi.EngineLifecycle.FAILURE_LOGGER,
      "org.apache.kafka.clients.NetworkClient",
      "org.apache.kafka.common.security.ssl.DefaultSslEngineFactory");

  /** Runs kcp and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cli = commandLine();
    return cli.execute(args);
  }

  /** The configured picocli command line, with kcp's error handling and command lists. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Kcp());
    cli.setExecutionExceptionHandler(Kcp::onFailure);
    cli.setParameterExceptionHandler(Kcp::onBadUsage);
    wholeHeaders(cli);
    reflowDescriptions(cli);
    return cli;
  }

  /**
   * Joins the lines of every command's description into paragraphs, so that picocli wraps them
   * at the terminal's width instead of breaking each source line on its own ("…carries (key,"
   * then "per-key" alone on the next line). A blank line, or a line that starts with a space, a
   * '-' or a '*', starts a new paragraph.
   */
  static void reflowDescriptions(CommandLine cmd) {
    CommandLine.Model.UsageMessageSpec usage = cmd.getCommandSpec().usageMessage();
    usage.description(paragraphs(usage.description()));
    cmd.getSubcommands().values().stream().distinct().forEach(Kcp::reflowDescriptions);
  }

  static String[] paragraphs(String[] lines) {
    java.util.List<String> out = new java.util.ArrayList<>();
    StringBuilder paragraph = null;
    for (String line : lines) {
      boolean blank = line.isBlank();
      boolean starts = blank || line.startsWith(" ") || line.startsWith("-") || line.startsWith("*");
      if (paragraph != null && !starts) {
        paragraph.append(' ').append(line.strip());
        continue;
      }
      if (paragraph != null) {
        out.add(paragraph.toString());
        paragraph = null;
      }
      if (blank) {
        out.add("");
      } else {
        paragraph = new StringBuilder(line.stripTrailing());
      }
    }
    if (paragraph != null) {
      out.add(paragraph.toString());
    }
    return out.toArray(String[]::new);
  }

  /** Gives {@code cmd} and every command under it the command list of {@link #commandList}. */
  static void wholeHeaders(CommandLine cmd) {
    cmd.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Kcp::commandList);
    cmd.getSubcommands().values().stream().distinct().forEach(Kcp::wholeHeaders);
  }

  /**
   * The list of subcommands in a usage message: each name and its one-sentence header on one line.
   * picocli's own list wraps the header at 80 columns, a narrow column once one command has a long
   * name, and cuts a sentence in two; here the header stays whole (CommandHelpTest keeps each one
   * to 70 characters).
   */
  static String commandList(CommandLine.Help help) {
    java.util.Map<String, CommandLine.Help> subcommands = help.subcommands();
    if (subcommands.isEmpty()) {
      return "";
    }
    int width = subcommands.keySet().stream().mapToInt(String::length).max().orElse(0);
    StringBuilder list = new StringBuilder();
    subcommands.forEach((names, sub) -> {
      String[] header = sub.commandSpec().usageMessage().header();
      String[] description = sub.commandSpec().usageMessage().description();
      String line = header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
      list.append("  ").append(help.colorScheme().commandText(names))
          .append(" ".repeat(width - names.length() + 2)).append(line.strip()).append(System.lineSeparator());
    });
    return list.toString();
  }

  private static int onBadUsage(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": "
        + Secrets.scrub(String.valueOf(e.getMessage()), secretArguments(java.util.Arrays.asList(args))));
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
    err.flush();
    return EXIT_USAGE;
  }

  private static int onFailure(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    boolean verbose = Verbosity.isVerbose(parsed);
    java.util.Map<String, String> secrets = secretArguments(parsed.originalArgs());
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + Secrets.scrub(Errors.describe(e), secrets));
    if (verbose) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(Secrets.scrub(trace.toString(), secrets)); // a client's message may quote a setting
    } else if (!Errors.selfExplaining(e)) {
      err.println("(run again with --verbose for the stack trace)");
    }
    err.flush();
    return EXIT_FAILURE;
  }

  /**
   * The secret {@code KEY=VALUE} arguments of a command line ({@code -p sasl.jaas.config=...}):
   * their values are taken out of anything kcp prints about a failure.
   */
  static java.util.Map<String, String> secretArguments(java.util.List<String> args) {
    java.util.Map<String, String> secrets = new java.util.LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if ("--command-config".equals(a) && i + 1 < args.size()) {
        secretsOfFile(args.get(i + 1), secrets);
      } else if (a != null && a.startsWith("--command-config=")) {
        secretsOfFile(a.substring("--command-config=".length()), secrets);
      }
    }
    for (String a : args) {
      String kv = a == null ? "" : a;
      if (kv.startsWith("-") && kv.indexOf('=') > 0) {
        kv = kv.substring(kv.indexOf('=') + 1); // --consumer-property=KEY=VALUE
      }
      int eq = kv.indexOf('=');
      if (eq > 0 && Secrets.isSecret(kv.substring(0, eq).strip())) {
        secrets.put(kv.substring(0, eq).strip(), kv.substring(eq + 1));
      }
    }
    return secrets;
  }

  /** The secret settings of a {@code --command-config} file, if it can be read (else none: the option says why). */
  private static void secretsOfFile(String file, java.util.Map<String, String> secrets) {
    java.util.Properties p = new java.util.Properties();
    try (java.io.Reader r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file))) {
      p.load(r);
    } catch (java.io.IOException | RuntimeException e) {
      return;
    }
    for (String key : p.stringPropertyNames()) {
      if (Secrets.isSecret(key) && !p.getProperty(key).isEmpty()) {
        secrets.put(key, p.getProperty(key));
      }
    }
  }

  /**
   * {@code kcp --version}: kcp's version (the jar manifest's Implementation-Version, else the one
   * the build wrote into the classes), the kafka-clients it talks with and the Java it runs on.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "kcp " + kcpVersion(),
        "kafka-clients " + org.apache.kafka.common.utils.AppInfoParser.getVersion(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
            + System.getProperty("java.home") + ")"
      };
    }

    static String kcpVersion() {
      String v = Kcp.class.getPackage().getImplementationVersion();
      if (v != null) {
        return v;
      }
      java.util.Properties p = new java.util.Properties();
      try (java.io.InputStream in = Kcp.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (java.io.IOException e) {
        return "(unknown version: " + e.getMessage() + ")";
      }
      return p.getProperty("version", "(unknown version)");
    }
  }
}
