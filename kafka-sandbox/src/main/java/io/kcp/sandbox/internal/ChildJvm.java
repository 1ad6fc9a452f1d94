package io.kcp.sandbox.internal;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that sees the same classes as this one.
 *
 * <p>The classpath is this JVM's {@code java.class.path} with every entry made absolute (the
 * child runs in another directory). Under surefire that is the test classpath. Under {@code java
 * -jar kcp-cli.jar} it is only the jar, which is enough: the child's class loader follows the
 * jar manifest's {@code Class-Path} ({@code lib/*.jar}), resolved against the jar's own location.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** The {@code java} launcher of this JVM. */
  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** This JVM's classpath with absolute entries. */
  public static String classpath() {
    return absolute(System.getProperty("java.class.path", ""));
  }

  /** A classpath string with every entry made absolute. */
  public static String absolute(String classpath) {
    List<String> entries = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** {@code java <jvmOptions> -cp <classpath> <mainClass> <args>}. */
  public static List<String> command(
      List<String> jvmOptions, String classpath, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }
}
