package io.kcp.cli;

import io.kcp.sandbox.KafkaSandbox;
import io.kcp.sandbox.SandboxSecurity;
import io.kcp.sandbox.SandboxUser;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kcp sandbox}: a real Kafka broker on this machine until Ctrl-C. */
@Command(
    name = "sandbox",
    header = "Run a real Kafka broker (KRaft, no Docker) until Ctrl-C.",
    mixinStandardHelpOptions = true,
    description = {
      "Start a real Apache Kafka broker (KRaft, from Maven Central jars; no Docker) and keep it",
      "running until Ctrl-C. Prints bootstrap.servers=... on stdout; any Kafka client can use it.",
      "With --secured, clients must use TLS and SCRAM-SHA-512 and ACLs apply; stdout then also",
      "names the super user and its client properties file (the only place its password is)."
    })
final class SandboxCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;

  @Option(
      names = "--brokers",
      defaultValue = "1",
      description = "1 (one combined broker+controller) or 3 (1 controller + 3 brokers). Default: ${DEFAULT-VALUE}.")
  int brokers;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "Client port of the (first) broker; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--secured",
      description = "A SASL_SSL listener (certificates made at start), SCRAM-SHA-512 users and"
          + " ACLs (StandardAuthorizer) instead of PLAINTEXT open to everyone.")
  boolean secured;

  @Option(names = {"-P", "--broker-property"}, paramLabel = "KEY=VALUE",
      description = "Any broker configuration property, applied last (repeatable), e.g."
          + " -P group.consumer.heartbeat.interval.ms=1000.")
  java.util.Map<String, String> brokerProperties = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    if (brokers != 1 && brokers != 3) {
      throw new CliException("--brokers must be 1 or 3 (got " + brokers + ")");
    }
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be between 0 and 65535 (got " + port + "); 0 picks a free port");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    KafkaSandbox.Builder builder =
        KafkaSandbox.builder().brokers(brokers).port(port).secured(secured);
    brokerProperties.forEach(builder::brokerProperty);
    KafkaSandbox sandbox = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              err.println("stopping the sandbox and deleting its data in " + sandbox.dataDir());
              err.flush();
              sandbox.close();
              stopped.countDown();
            },
            "kcp-sandbox-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("bootstrap.servers=" + sandbox.bootstrapServers());
    sandbox.security().ifPresent(security -> printSecured(out, security));
    out.flush();
    err.printf(
        "Kafka sandbox up: %d broker(s) in %.1f s, data in %s. Ctrl-C stops it.%n",
        sandbox.brokerCount(), (System.nanoTime() - t0) / 1e9, sandbox.dataDir());
    sandbox.security().ifPresent(security -> err.printf(
        "Secured: SASL_SSL with %s, ACLs on (StandardAuthorizer); %s is a super user. Its password"
            + " is only in the client properties file (owner-only, deleted at stop); pass it as"
            + " --command-config / --producer.config / --consumer.config to Kafka's tools.%n",
        SandboxSecurity.MECHANISM, security.admin().name()));
    err.flush();
    stopped.await();
    return 0;
  }

  /** The user name and the path of its client properties file, never the password. */
  private static void printSecured(PrintWriter out, SandboxSecurity security) {
    SandboxUser admin = security.admin();
    out.println("user=" + admin.name());
    out.println("client.properties=" + admin.clientProperties());
  }
}
