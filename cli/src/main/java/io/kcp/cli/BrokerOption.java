package io.kcp.cli;

import io.kcp.sandbox.KafkaSandbox;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

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
    if (bootstrapServer == null || bootstrapServer.isBlank()) {
      throw new CliException(
          "--bootstrap-server is required for '"
              + command
              + "' (start a broker with 'kcp sandbox' and pass the bootstrap.servers it prints)");
    }
    return bootstrapServer.strip();
  }

  /**
   * A connection to the given cluster, or a freshly started embedded broker; close it when done.
   */
  Broker open(PrintWriter err) {
    if (bootstrapServer != null && !bootstrapServer.isBlank()) {
      return new Broker(bootstrapServer.strip(), null);
    }
    long t0 = System.nanoTime();
    KafkaSandbox sandbox = KafkaSandbox.builder().start();
    err.printf(
        "no --bootstrap-server given: started an embedded Kafka broker at %s in %.1f s"
            + " (it stops when this command ends)%n",
        sandbox.bootstrapServers(), (System.nanoTime() - t0) / 1e9);
    err.flush();
    return new Broker(sandbox.bootstrapServers(), sandbox);
  }

  /** Bootstrap servers plus the embedded sandbox behind them, if any. */
  record Broker(String bootstrapServers, KafkaSandbox sandbox) implements AutoCloseable {
    boolean embedded() {
      return sandbox != null;
    }

    @Override
    public void close() {
      if (sandbox != null) {
        sandbox.close();
      }
    }
  }
}
