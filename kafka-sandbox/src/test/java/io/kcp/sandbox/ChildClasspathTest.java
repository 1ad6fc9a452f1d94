package io.kcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.sandbox.internal.ChildJvm;
import io.kcp.sandbox.internal.Storage;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/**
 * The forked broker's classpath also works when this JVM was started as {@code java -jar
 * kcp-cli.jar} (classpath: only that jar, a relative path; the jars listed in its manifest).
 */
class ChildClasspathTest {

  @Test
  void aChildResolvesKafkaThroughAManifestClassPathGivenARelativeJarPath() throws Exception {
    // not @TempDir: JUnit warns about every symbolic link it deletes
    Path tmp = Files.createTempDirectory("kcp-classpath-test-");
    try {
      runChildThroughManifestJar(tmp);
    } finally {
      Storage.deleteRecursively(tmp); // deletes the links, not their targets
    }
  }

  private static void runChildThroughManifestJar(Path tmp) throws Exception {
    // the layout of the cli distribution: kcp-cli.jar next to lib/*.jar
    Path app = Files.createDirectories(tmp.resolve("app"));
    Path lib = Files.createDirectories(app.resolve("lib"));
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(jar)) {
        Path link = lib.resolve(jar.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, jar.toAbsolutePath());
          classPath.add("lib/" + jar.getFileName());
        }
      }
    }
    Path cliJar = app.resolve("kcp-cli.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
    try (OutputStream out = Files.newOutputStream(cliJar);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.flush();
    }
    // java.class.path as `java -jar app/kcp-cli.jar` run from tmp would show it: relative
    String relative = Path.of("").toAbsolutePath().relativize(cliJar).toString();
    String classpath = ChildJvm.absolute(relative);
    assertThat(classpath).isEqualTo(cliJar.toAbsolutePath().toString());

    Path work = Files.createDirectories(tmp.resolve("elsewhere"));
    Path out = tmp.resolve("child.out");
    Process child =
        new ProcessBuilder(
                ChildJvm.command(
                    List.of("-Xmx64m"), classpath, "kafka.tools.StorageTool", List.of("random-uuid")))
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = readQuietly(out);
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output.strip().lines().reduce((a, b) -> b).orElse(""))
        .as(output)
        .matches("[A-Za-z0-9_-]{22}");
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
