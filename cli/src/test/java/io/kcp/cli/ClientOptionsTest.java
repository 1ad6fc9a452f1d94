package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code --command-config} and {@code --command-property}: file first, flags over it. */
class ClientOptionsTest {
  @TempDir Path dir;

  @Command(name = "plain")
  static final class Plain implements Callable<Integer> {
    @Mixin ClientOptions client;
    Map<String, Object> seen;

    @Override
    public Integer call() {
      seen = client.properties();
      return 0;
    }
  }

  @Command(name = "consumer")
  static final class WithAlias implements Callable<Integer> {
    @Mixin ClientOptions.WithConsumerAlias client;
    Map<String, Object> seen;

    @Override
    public Integer call() {
      seen = client.properties();
      return 0;
    }
  }

  private Path file(String... lines) throws IOException {
    Path f = dir.resolve("client.properties");
    Files.write(f, List.of(lines));
    return f;
  }

  @Test
  void flagsOverrideTheFileWhichIsReadOnce() throws IOException {
    Path f = file("security.protocol=SASL_SSL", "request.timeout.ms=30000", "sasl.jaas.config=a b=\"c\";");
    Plain cmd = new Plain();
    int code = new CommandLine(cmd).execute("--command-config", f.toString(),
        "--command-property", "request.timeout.ms=45000", "--command-property", "client.id=ops=1");
    assertThat(code).isZero();
    assertThat(cmd.seen)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("request.timeout.ms", "45000")
        .containsEntry("client.id", "ops=1")
        .containsEntry("sasl.jaas.config", "a b=\"c\";");
    Files.delete(f);
    assertThat(cmd.client.properties()).isSameAs(cmd.seen); // not read again
  }

  @Test
  void pAndConsumerPropertyAreAliasesWhereTheCommandHadThem() {
    WithAlias cmd = new WithAlias();
    int code = new CommandLine(cmd).execute("-p", "max.poll.records=5", "--consumer-property", "fetch.min.bytes=2",
        "--command-property", "isolation.level=read_committed");
    assertThat(code).isZero();
    assertThat(cmd.seen).containsOnly(Map.entry("max.poll.records", "5"), Map.entry("fetch.min.bytes", "2"),
        Map.entry("isolation.level", "read_committed"));
    assertThat(new CommandLine(new Plain()).execute("-p", "a=b")).isEqualTo(CommandLine.ExitCode.USAGE);
  }

  @Test
  void aMalformedPropertyIsAUsageErrorNamingTheOption() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Plain());
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("--command-property", "no-equals-sign")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--command-property takes KEY=VALUE").contains("no-equals-sign");
    assertThat(new CommandLine(new Plain()).execute("--command-property", "=x"))
        .isEqualTo(CommandLine.ExitCode.USAGE);
  }

  @Test
  void aMissingFileIsOneLineNamingTheOptionAndThePath() {
    Plain cmd = new Plain();
    new CommandLine(cmd).parseArgs("--command-config", dir.resolve("absent.properties").toString());
    assertThatThrownBy(cmd.client::properties)
        .isInstanceOf(CliException.class)
        .hasMessage("--command-config " + dir.resolve("absent.properties") + ": no such file");
  }

  @Test
  void consumerPropertiesLeaveOutWhatHasItsOwnOptionAndFileKeysNoConsumerKnows() throws IOException {
    Path f = file("bootstrap.servers=broker:9093", "client.id=ops", "acks=all", "security.protocol=SSL");
    WithAlias cmd = new WithAlias();
    new CommandLine(cmd).parseArgs("--command-config", f.toString(), "-p", "max.poll.records=7");
    assertThat(cmd.client.consumerProperties())
        .containsOnly(Map.entry("security.protocol", "SSL"), Map.entry("max.poll.records", "7"));
    assertThat(cmd.client.bootstrapServers()).contains("broker:9093");
    assertThat(cmd.client.clientId()).contains("ops");

    WithAlias withGroup = new WithAlias();
    new CommandLine(withGroup).parseArgs("--command-property", "group.id=g");
    assertThatThrownBy(withGroup.client::consumerProperties).isInstanceOf(CliException.class)
        .hasMessageContaining("--group");
  }

  @Test
  void defaultsApplyOnlyWhereTheUserSetNothing() {
    Plain cmd = new Plain();
    new CommandLine(cmd).parseArgs("--command-property", "client.id=mine");
    assertThat(cmd.client.over(Map.of("client.id", "kcp-x", "request.timeout.ms", 1000)))
        .containsEntry("client.id", "mine").containsEntry("request.timeout.ms", 1000);
  }

  @Test
  void childProcessesGetAnOwnerOnlyFileNotArguments() throws IOException {
    Plain cmd = new Plain();
    new CommandLine(cmd).parseArgs("--command-property", "sasl.jaas.config=secret-stuff");
    List<String> args = cmd.client.childArgs();
    assertThat(args).hasSize(2).first().isEqualTo("--command-config");
    assertThat(String.join(" ", args)).doesNotContain("secret-stuff");
    Path written = Path.of(args.get(1));
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(written)) {
      p.load(in);
    }
    assertThat(p).containsEntry("sasl.jaas.config", "secret-stuff");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rw-------");
  }
}
