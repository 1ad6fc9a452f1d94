package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.core.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What kcp prints about a failure holds no secret given on its command line. */
class KcpSecretsTest {

  @Test
  void secretArgumentsAreFoundWhateverTheOptionSpelling() {
    assertThat(Kcp.secretArguments(List.of("consume", "-p", "ssl.truststore.password=ts-123456",
        "--consumer-property=sasl.jaas.config=X required username=\"a\" password=\"pw-654321\";",
        "-p", "max.poll.records=5", "--topic", "t")))
        .containsOnlyKeys("ssl.truststore.password", "sasl.jaas.config")
        .containsEntry("ssl.truststore.password", "ts-123456");
  }

  @Test
  void aFailureLineAndItsVerboseTraceAreScrubbed() {
    StringWriter err = new StringWriter();
    CommandLine cli = Kcp.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    // an unknown consumer property fails at settings time; the secret one next to it must not be echoed
    int code = cli.execute("consume", "--verbose", "-b", "localhost:1", "--topic", "t", "--group", "g",
        "-p", "ssl.truststore.password=ts-secret-123456", "-p", "no.such.property=1");
    assertThat(code).isNotZero();
    assertThat(err.toString()).doesNotContain("ts-secret-123456");
    assertThat(Secrets.scrub("boom: ts-secret-123456", Kcp.secretArguments(
        List.of("-p", "ssl.truststore.password=ts-secret-123456")))).isEqualTo("boom: [redacted]");
  }
}
