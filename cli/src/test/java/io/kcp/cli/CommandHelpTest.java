package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code kcp --help} and every command's list of subcommands show a complete sentence per command:
 * picocli lists a command by the first line of its header (else of its description, which a long
 * description cuts mid-sentence). Commands added later are walked too.
 */
class CommandHelpTest {
  static final int MAX_HEADER = 70;

  /** Every command of the kcp model, the root first, each with its subcommands after it. */
  static List<CommandLine> allCommands() {
    List<CommandLine> all = new ArrayList<>();
    collect(Kcp.commandLine(), all);
    return all;
  }

  private static void collect(CommandLine cmd, List<CommandLine> into) {
    into.add(cmd);
    cmd.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into)); // aliases map twice
  }

  @Test
  void everyCommandHasAOneSentenceHeader() {
    List<CommandLine> all = allCommands();
    assertThat(all).extracting(c -> c.getCommandSpec().qualifiedName())
        .contains("kcp", "kcp tour", "kcp sandbox", "kcp consume", "kcp bench", "kcp deploy", "kcp lag",
            "kcp lag watch", "kcp lag serve", "kcp lag evaluate", "kcp completion", "kcp help");
    SoftAssertions soft = new SoftAssertions();
    for (CommandLine c : all) {
      String name = c.getCommandSpec().qualifiedName();
      String[] header = c.getCommandSpec().usageMessage().header();
      soft.assertThat(header).as("%s: header = \"One sentence.\" in its @Command", name).hasSize(1);
      if (header.length == 1) {
        soft.assertThat(header[0]).as("%s's header", name)
            .isNotBlank()
            .endsWith(".")
            .doesNotContain("\n", "%n")
            .hasSizeLessThanOrEqualTo(MAX_HEADER);
      }
    }
    soft.assertAll();
  }

  @Test
  void everyCommandListShowsEachHeaderWhole() {
    SoftAssertions soft = new SoftAssertions();
    for (CommandLine parent : allCommands()) {
      if (parent.getSubcommands().isEmpty()) {
        continue;
      }
      String help = parent.getUsageMessage(CommandLine.Help.Ansi.OFF);
      for (CommandLine sub : parent.getSubcommands().values().stream().distinct().toList()) {
        String[] header = sub.getCommandSpec().usageMessage().header();
        if (header.length == 0) {
          continue; // the test above names it
        }
        // "  name[, alias]   Header sentence." on one line, nothing after it
        Pattern line = Pattern.compile("(?m)^ +" + Pattern.quote(sub.getCommandName()) + "(, \\S+)* +"
            + Pattern.quote(header[0]) + "$");
        soft.assertThat(help).as("'%s --help' lists %s with its whole header on one line",
            parent.getCommandSpec().qualifiedName(), sub.getCommandName()).containsPattern(line);
      }
    }
    soft.assertAll();
  }

  @Test
  void aLongCommandNameDoesNotWrapTheOthersHeaders() {
    CommandLine cli = Kcp.commandLine();
    CommandLine.Model.CommandSpec longName = CommandLine.Model.CommandSpec.create();
    longName.usageMessage().header("A command with a long name and a header of seventy characters, whole.");
    cli.addSubcommand("a-command-with-a-long-name", new CommandLine(longName));
    Kcp.wholeHeaders(cli);
    String help = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertThat(help).contains(
        "  a-command-with-a-long-name  A command with a long name and a header of seventy characters, whole.\n",
        "  lag                         " + cli.getSubcommands().get("lag").getCommandSpec().usageMessage().header()[0]
            + "\n");
  }

  @Test
  void theRootHelpListsEveryCommandOnce() {
    String help = Kcp.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
    String commands = help.substring(help.indexOf("Commands:"));
    for (String name : Kcp.commandLine().getSubcommands().keySet()) {
      assertThat(commands).containsPattern("(?m)^  " + Pattern.quote(name) + " ");
    }
    // no continuation line: every command's line is complete
    assertThat(commands.lines().skip(1)).allMatch(l -> l.matches("^  \\S.*"), "a command line, not a wrapped rest");
  }
}
