package io.kcp.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** {@code kcp}: the command line face of the Kafka Consumer Playbook. */
@Command(
    name = "kcp",
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
    for (String a : args) {
      if (a.equals("-v") || a.equals("--verbose")) {
        // before any logger exists: system properties win over simplelogger.properties
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "info");
      }
    }
    System.exit(run(args));
  }

  /** Runs kcp and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cli = commandLine();
    return cli.execute(args);
  }

  /** The configured picocli command line, with kcp's error handling. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Kcp());
    cli.setExecutionExceptionHandler(Kcp::onFailure);
    cli.setParameterExceptionHandler(Kcp::onBadUsage);
    return cli;
  }

  private static int onBadUsage(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
    err.flush();
    return EXIT_USAGE;
  }

  private static int onFailure(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    boolean verbose = Verbosity.isVerbose(parsed);
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + Errors.describe(e));
    if (verbose) {
      e.printStackTrace(err);
    } else if (!Errors.selfExplaining(e)) {
      err.println("(run again with --verbose for the stack trace)");
    }
    err.flush();
    return EXIT_FAILURE;
  }

  /** Prints the version of the kcp jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Kcp.class.getPackage().getImplementationVersion();
      return new String[] {"kcp " + (v == null ? "(development build)" : v)};
    }
  }
}
