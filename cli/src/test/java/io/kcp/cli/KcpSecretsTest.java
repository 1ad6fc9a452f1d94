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
  void theSecretsOfACommandConfigFileAreScrubbedToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("client.properties");
    java.nio.file.Files.writeString(file, "security.protocol=SASL_SSL\nssl.truststore.password=file-ts-778899\n"
        + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\""
        + " password=\"file-pw-112233\";\n");
    assertThat(Kcp.secretArguments(List.of("lag", "--command-config", file.toString())))
        .containsOnlyKeys("ssl.truststore.password", "sasl.jaas.config")
        .containsEntry("ssl.truststore.password", "file-ts-778899");
    assertThat(Kcp.secretArguments(List.of("lag", "--command-config=" + file))).hasSize(2);
    assertThat(Secrets.scrub("boom: file-ts-778899 and file-pw-112233",
        Kcp.secretArguments(List.of("--command-config", file.toString()))))
        .doesNotContain("file-ts-778899").doesNotContain("file-pw-112233");
    assertThat(Kcp.secretArguments(List.of("--command-config", dir.resolve("missing").toString()))).isEmpty();
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
