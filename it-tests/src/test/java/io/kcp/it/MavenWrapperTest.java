package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer behind {@code ./mvnw} ({@code .mvn/wrapper/Install.java}, run from source as mvnw
 * runs it) on a small hand-made distribution served from a file: URL, so no network is needed. A
 * wrong checksum installs nothing; a right one installs with the file modes kept.
 */
class MavenWrapperTest {
  static final Path INSTALLER = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent()
      .resolve(".mvn").resolve("wrapper").resolve("Install.java");

  @TempDir Path dir;

  record Result(int code, String err) {}

  static Result install(String url, String sha512, Path dest) throws Exception {
    Path err = Files.createTempFile("install", ".err");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        INSTALLER.toString(), url, sha512, dest.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the installer ends").isTrue();
    return new Result(p.exitValue(), Files.readString(err));
  }

  /** A tar.gz like Maven's: one top directory, bin/mvn executable, a name longer than 100 bytes. */
  static byte[] distribution() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      String top = "apache-maven-9.9.9/";
      entry(gz, top, '5', 0755, new byte[0]);
      entry(gz, top + "bin/", '5', 0755, new byte[0]);
      entry(gz, top + "bin/mvn", '0', 0755, "#!/bin/sh\necho fake maven\n".getBytes(StandardCharsets.UTF_8));
      entry(gz, top + "conf/settings.xml", '0', 0644, "<settings/>\n".getBytes(StandardCharsets.UTF_8));
      String longName = top + "lib/" + "x".repeat(120) + ".jar";
      byte[] name = (longName + "\0").getBytes(StandardCharsets.UTF_8);
      entry(gz, "././@LongLink", 'L', 0644, name); // GNU tar's long name, for the entry after it
      entry(gz, longName.substring(0, 100), '0', 0644, "jar".getBytes(StandardCharsets.UTF_8));
      gz.write(new byte[1024]); // the end: two zero blocks
    }
    return bytes.toByteArray();
  }

  private static void entry(OutputStream out, String name, char type, int mode, byte[] data) throws IOException {
    entry(out, name, type, mode, data, "");
  }

  private static void entry(OutputStream out, String name, char type, int mode, byte[] data, String link)
      throws IOException {
    byte[] h = new byte[512];
    put(h, 157, link);
    put(h, 0, name);
    put(h, 100, String.format("%07o", mode));
    put(h, 124, String.format("%011o", data.length));
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    out.write(h);
    out.write(data);
    out.write(new byte[(512 - data.length % 512) % 512]);
  }

  private static void put(byte[] h, int offset, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, offset, Math.min(b.length, 100));
  }

  static String sha512(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(b));
  }

  @Test
  void aWrongChecksumIsRefusedAndNothingIsInstalled() throws Exception {
    byte[] dist = distribution();
    Path file = Files.write(dir.resolve("maven.tar.gz"), dist);
    Path dest = dir.resolve("dists").resolve("apache-maven-9.9.9").resolve("abc");
    String wrong = "00".repeat(64);
    Result r = install(file.toUri().toString(), wrong, dest);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> !l.startsWith("mvnw:   ")).toList()) // progress lines apart
        .containsExactly("mvnw: refused " + file.toUri() + ": its SHA-512 is " + sha512(dist)
            + " but distributionSha512 in .mvn/wrapper/maven-wrapper.properties says " + wrong
            + "; nothing was installed");
    assertThat(dest).doesNotExist();
    try (Stream<Path> left = Files.list(dest.getParent())) {
      assertThat(left).as("no temporary directory left behind").isEmpty();
    }
  }

  @Test
  void theRightChecksumInstallsWithFileModesKept() throws Exception {
    byte[] dist = distribution();
    Path file = Files.write(dir.resolve("maven.tar.gz"), dist);
    Path dest = dir.resolve("dists").resolve("apache-maven-9.9.9").resolve("abc");
    Result r = install(file.toUri().toString(), sha512(dist).toUpperCase(java.util.Locale.ROOT), dest);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).endsWith("mvnw: installed " + dest + "\n");
    assertThat(dest.resolve("bin/mvn")).isExecutable().hasContent("#!/bin/sh\necho fake maven");
    assertThat(dest.resolve("conf/settings.xml").toFile().canExecute()).isFalse();
    assertThat(dest.resolve("lib/" + "x".repeat(120) + ".jar")).hasContent("jar");
    try (Stream<Path> in = Files.list(dest.getParent())) {
      assertThat(in.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("abc"));
    }
    // a second run finds it and does nothing
    Result again = install("file:///nowhere.tar.gz", "00", dest);
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err()).isEmpty();
  }

  @Test
  void anUnreachableUrlIsOneLineNamingIt() throws Exception {
    Path dest = dir.resolve("d");
    Result r = install(dir.resolve("missing.tar.gz").toUri().toString(), "00", dest);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().toList()).hasSize(1).first().asString()
        .startsWith("mvnw: could not download " + dir.resolve("missing.tar.gz").toUri() + ": ");
    assertThat(dest).doesNotExist();
  }

  /**
   * A symbolic link that points out of the distribution, and a file written "through" it, must not
   * put anything outside the install directory (the checksum pins the archive, so this is defence
   * in depth against a pinned but hostile archive).
   */
  @Test
  void aLinkOutOfTheDistributionIsRefusedAndNothingIsWrittenThroughIt() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      String top = "apache-maven-9.9.9/";
      entry(gz, top, '5', 0755, new byte[0]);
      entry(gz, top + "bin/mvn", '0', 0755, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
      entry(gz, top + "escape", '2', 0777, new byte[0], outside.toString());
      entry(gz, top + "escape/planted", '0', 0644, "x".getBytes(StandardCharsets.UTF_8));
      gz.write(new byte[1024]);
    }
    byte[] dist = bytes.toByteArray();
    Path file = Files.write(dir.resolve("hostile.tar.gz"), dist);
    Path dest = dir.resolve("dists").resolve("apache-maven-9.9.9").resolve("abc");
    Result r = install(file.toUri().toString(), sha512(dist), dest);
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("escape").contains("outside the archive");
    assertThat(outside.resolve("planted")).doesNotExist();
    assertThat(dest).doesNotExist();
  }

  /** Two first runs of ./mvnw at once (two terminals, a parallel CI job) both end with Maven installed. */
  @Test
  void twoInstallsAtOnceBothSucceed() throws Exception {
    byte[] dist = distribution();
    Path file = Files.write(dir.resolve("maven.tar.gz"), dist);
    Path dest = dir.resolve("dists").resolve("apache-maven-9.9.9").resolve("abc");
    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Callable<Result> one = () -> install(file.toUri().toString(), sha512(dist), dest);
      List<java.util.concurrent.Future<Result>> both = two.invokeAll(List.of(one, one));
      for (java.util.concurrent.Future<Result> f : both) {
        Result r = f.get();
        assertThat(r.code()).as(r.err()).isZero();
      }
    } finally {
      two.shutdownNow();
    }
    assertThat(dest.resolve("bin/mvn")).isExecutable();
    try (Stream<Path> in = Files.list(dest.getParent())) {
      assertThat(in.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("abc"));
    }
  }
}
