package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * An option that only means something to the embedded broker ("Embedded broker only: ..." in its
 * help) is refused next to a broker of the user's, with one line saying what to run instead, rather
 * than ignored without a word. No broker is needed: the refusal comes before any connection.
 */
class EmbeddedOnlyOptionsTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Kcp.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** "consume --records" and the like: every option marked embedded-only, in every command. */
  static List<String[]> embeddedOnlyOptions() {
    List<String[]> found = new ArrayList<>();
    for (CommandLine c : CommandHelpTest.allCommands()) {
      for (OptionSpec o : c.getCommandSpec().options()) {
        if (o.description().length > 0 && o.description()[0].startsWith(BrokerOption.EMBEDDED_ONLY)) {
          String path = c.getCommandSpec().qualifiedName().substring("kcp".length()).strip();
          found.add(new String[] {path, o.longestName(), o.defaultValue() == null ? "1" : o.defaultValue()});
        }
      }
    }
    return found;
  }

  @Test
  void theMarkedOptionsAreFound() {
    assertThat(embeddedOnlyOptions()).extracting(o -> o[0] + " " + o[1])
        .contains("consume --records", "consume --keys", "consume --partitions");
  }

  @Test
  void eachIsRefusedWithABootstrapServer() {
    for (String[] o : embeddedOnlyOptions()) {
      List<String> args = new ArrayList<>(Arrays.asList(o[0].split(" ")));
      args.addAll(List.of("-b", "127.0.0.1:1", o[1], o[2]));
      Result r = run(args.toArray(String[]::new));
      assertThat(r.code()).as("kcp %s: %s", String.join(" ", args), r.err()).isEqualTo(Kcp.EXIT_USAGE);
      assertThat(r.err().lines().findFirst().orElse(""))
          .startsWith("kcp " + o[0] + ": " + o[1] + " only applies to the embedded broker (no --bootstrap-server): ")
          .contains(o[1] + " " + o[2]) // what to run instead, with the value given
          .endsWith(" instead")
          .doesNotContain("Exception");
      if (o[0].equals("consume")) {
        assertThat(r.err()).contains(": produce the workload with 'kcp produce -b 127.0.0.1:1 --topic kcp-consume "
            + o[1] + " " + o[2] + "' instead\n");
      }
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void theRefusalNamesWhatToRunInstead() {
    Result r = run("consume", "-b", "host:9092", "--topic", "orders", "--records", "5000", "--keys", "50");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("kcp consume: --records and --keys only apply to the embedded broker"
        + " (no --bootstrap-server): produce the workload with"
        + " 'kcp produce -b host:9092 --topic orders --records 5000 --keys 50' instead\n");
  }

  @Test
  void bootstrapServersFromTheCommandConfigCountAsABroker() throws Exception {
    Path config = Files.writeString(dir.resolve("client.properties"), "bootstrap.servers=127.0.0.1:1\n");
    Result r = run("consume", "--command-config", config.toString(), "--partitions", "3");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("kcp consume: --partitions only applies to the embedded broker"
        + " (no --bootstrap-server, no bootstrap.servers in --command-config/--command-property):"
        + " produce the workload with 'kcp produce --command-config " + config + " --topic kcp-consume"
        + " --partitions 3' instead\n");
  }
}
