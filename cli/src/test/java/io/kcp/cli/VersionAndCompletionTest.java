package io.kcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/** {@code kcp --version} and {@code kcp completion}, in this JVM (the jar's are run by it-tests). */
class VersionAndCompletionTest {

  @Test
  void versionNamesKcpKafkaClientsAndJava() {
    EmbeddedOnlyOptionsTest.Result r = EmbeddedOnlyOptionsTest.run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out().lines().toList()).hasSize(3);
    assertThat(r.out().lines().toList().get(0)).matches("kcp \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(r.out()).contains("kafka-clients " + AppInfoParser.getVersion() + "\n")
        .contains("Java " + Runtime.version() + " (")
        .doesNotContain("development", "unknown", "${");
  }

  @Test
  void completionCoversEveryCommandAndOption() {
    EmbeddedOnlyOptionsTest.Result r = EmbeddedOnlyOptionsTest.run("completion");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_kcp");
    for (String command : Kcp.commandLine().getSubcommands().keySet()) {
      assertThat(r.out()).as("the script completes '%s'", command).contains(command);
    }
    assertThat(r.out()).contains("--bootstrap-server", "--command-config", "watch", "serve", "evaluate",
        "--strategy", "(\"single\" \"partition\" \"worker\" \"share\")"); // an enum's values complete too
  }
}
