import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The installer behind {@code ./mvnw}, run from source ({@code java Install.java URL SHA512 DEST}),
 * so a machine needs a JDK and nothing else: no curl, wget, tar or unzip.
 *
 * <p>It downloads URL (http, https or file), refuses it unless its SHA-512 is SHA512, unpacks the
 * tar.gz with its top directory stripped and its file modes kept into a temporary directory next to
 * DEST, and renames that to DEST: DEST is complete or absent, never half there. Exit 0 when
 * installed (or already there), 1 with one line on stderr when not.
 */
public final class Install {
  private Install() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: java Install.java URL SHA512 DEST");
      System.exit(2);
    }
    try {
      install(URI.create(args[0]), args[1].strip(), Path.of(args[2]).toAbsolutePath());
    } catch (Failure e) {
      System.err.println("mvnw: " + e.getMessage());
      System.exit(1);
    }
  }

  /** A failure whose message is the whole story: printed as one line. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message);
    }
  }

  /** A download that receives nothing for this long is given up. */
  static final Duration STALL = Duration.ofSeconds(60);

  static void install(URI url, String sha512, Path dest) throws Failure {
    if (Files.isRegularFile(dest.resolve("bin").resolve("mvn"))) {
      return;
    }
    Path parent = dest.getParent();
    Path tmp;
    try {
      Files.createDirectories(parent);
      tmp = Files.createTempDirectory(parent, ".installing-");
    } catch (IOException e) {
      throw new Failure("cannot create a directory in " + parent + ": " + e);
    }
    try {
      Path archive = tmp.resolve("download.tar.gz");
      String actual = download(url, archive);
      if (!actual.equalsIgnoreCase(sha512)) {
        throw new Failure("refused " + url + ": its SHA-512 is " + actual + " but distributionSha512 in"
            + " .mvn/wrapper/maven-wrapper.properties says " + sha512 + "; nothing was installed");
      }
      Path unpacked = tmp.resolve("unpacked");
      untar(archive, unpacked, url);
      if (!Files.isRegularFile(unpacked.resolve("bin").resolve("mvn"))) {
        throw new Failure(url + " has no bin/mvn: it is not a Maven distribution");
      }
      try {
        Files.move(unpacked, dest, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        // another ./mvnw installed it meanwhile (Linux reports ENOTEMPTY as a plain
        // FileSystemException, not DirectoryNotEmptyException): keep theirs
        if (!Files.isRegularFile(dest.resolve("bin").resolve("mvn"))) {
          throw new Failure("cannot move the unpacked Maven to " + dest + ": " + e);
        }
      }
    } finally {
      deleteTree(tmp);
    }
    if (!Files.isRegularFile(dest.resolve("bin").resolve("mvn"))) {
      throw new Failure(dest + " exists but has no bin/mvn: delete it and run ./mvnw again");
    }
    System.err.println("mvnw: installed " + dest);
  }

  /** Downloads {@code url} to {@code to} with progress on stderr; returns its SHA-512 in hex. */
  static String download(URI url, Path to) throws Failure {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new Failure("this Java has no SHA-512: " + e);
    }
    long[] length = {-1};
    long[] lastByte = {System.nanoTime()};
    boolean[] stalled = {false};
    try (InputStream in = open(url, length); OutputStream out = Files.newOutputStream(to)) {
      // a read of the body has no timeout of its own: a watchdog closes a download that stalls
      Thread watchdog = new Thread(() -> {
        try {
          while (true) {
            Thread.sleep(1_000);
            if (System.nanoTime() - lastByte[0] > STALL.toNanos()) {
              stalled[0] = true;
              in.close();
              return;
            }
          }
        } catch (InterruptedException | IOException e) {
          // the download ended first, or the close failed: nothing more to watch
        }
      }, "mvnw-download-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      byte[] buf = new byte[64 * 1024];
      long done = 0;
      long shown = System.nanoTime();
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          lastByte[0] = System.nanoTime();
          out.write(buf, 0, n);
        sha.update(buf, 0, n);
        done += n;
        if (System.nanoTime() - shown > 1_000_000_000L) {
          progress(done, length[0]);
          shown = System.nanoTime();
        }
        }
      } finally {
        watchdog.interrupt();
      }
      if (stalled[0]) {
        throw new IOException("no byte arrived for " + STALL.toSeconds() + " s");
      }
      progress(done, length[0]);
    } catch (IOException e) {
      throw new Failure("could not download " + url + ": "
          + (stalled[0] ? "no byte arrived for " + STALL.toSeconds() + " s (check the network or set MVNW_REPOURL)" : describe(e)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted while downloading " + url);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** An exception and its causes on one line (a refused connection has no message of its own). */
  private static String describe(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      s.append(s.length() == 0 ? "" : ", caused by ").append(t.getClass().getName());
      if (t.getMessage() != null) {
        s.append(": ").append(t.getMessage());
      }
    }
    return s.toString();
  }

  private static void progress(long done, long length) {
    System.err.printf(length > 0 ? "mvnw:   %.1f of %.1f MB%n" : "mvnw:   %.1f MB%n", done / 1e6, length / 1e6);
  }

  private static InputStream open(URI url, long[] length) throws IOException, InterruptedException, Failure {
    String scheme = String.valueOf(url.getScheme()).toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      URLConnection c = url.toURL().openConnection();
      length[0] = c.getContentLengthLong();
      return c.getInputStream();
    }
    HttpClient.Builder client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(30));
    String proxy = proxyFromEnvironment(scheme);
    if (proxy != null) {
      URI p = URI.create(proxy.contains("://") ? proxy : "http://" + proxy);
      client.proxy(ProxySelector.of(new InetSocketAddress(p.getHost(), p.getPort() < 0 ? 80 : p.getPort())));
    }
    HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).GET().build();
    HttpResponse<InputStream> response = client.build().send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new Failure("could not download " + url + ": HTTP " + response.statusCode());
    }
    length[0] = response.headers().firstValueAsLong("content-length").orElse(-1);
    return response.body();
  }

  /** {@code https_proxy} / {@code http_proxy} (either case), as curl and wget read them. */
  private static String proxyFromEnvironment(String scheme) {
    for (String name : List.of(scheme + "_proxy", scheme.toUpperCase(java.util.Locale.ROOT) + "_PROXY")) {
      String v = System.getenv(name);
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  // --- a minimal tar reader: ustar, GNU long names and pax headers; regular files, directories, links

  static void untar(Path archive, Path into, URI url) throws Failure {
    Map<Path, Integer> dirModes = new HashMap<>();
    try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive), 64 * 1024))) {
      Files.createDirectories(into);
      boolean posix = Files.getFileStore(into).supportsFileAttributeView("posix");
      byte[] header = new byte[512];
      Map<String, String> pax = new HashMap<>();
      String longName = null;
      String longLink = null;
      while (true) {
        if (!readBlock(in, header)) {
          throw new Failure(url + " is not a complete tar.gz: it ends inside the archive");
        }
        if (isZero(header)) {
          break; // the end-of-archive block
        }
        char type = (char) header[156];
        long size = pax.containsKey("size") ? Long.parseLong(pax.get("size")) : number(header, 124, 12);
        switch (type) {
          case 'L' -> {
            longName = cString(readData(in, size));
            continue;
          }
          case 'K' -> {
            longLink = cString(readData(in, size));
            continue;
          }
          case 'x' -> {
            pax = paxRecords(readData(in, size));
            continue;
          }
          case 'g' -> {
            skip(in, padded(size));
            continue;
          }
          default -> { }
        }
        String name = pax.getOrDefault("path", longName != null ? longName : ustarName(header));
        String link = pax.getOrDefault("linkpath", longLink != null ? longLink : string(header, 157, 100));
        pax = new HashMap<>();
        longName = null;
        longLink = null;
        int mode = (int) number(header, 100, 8) & 07777;
        Path target = inside(into, name, url);
        if (target == null) { // the top directory itself, or an entry outside it
          skip(in, padded(size));
          continue;
        }
        switch (type) {
          case '5' -> {
            Files.createDirectories(target.getParent());
            within(into, target.getParent(), name, url);
            Files.createDirectories(target);
            dirModes.put(target, mode);
          }
          case '0', '\0', '7' -> {
            Files.createDirectories(target.getParent());
            within(into, target.getParent(), name, url);
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
              copy(in, out, size);
            }
            skip(in, padded(size) - size);
            if (posix) {
              Files.setPosixFilePermissions(target, permissions(mode));
            } else if ((mode & 0100) != 0) {
              target.toFile().setExecutable(true);
            }
          }
          case '2' -> {
            if (!target.getParent().resolve(link).normalize().startsWith(into)) {
              throw new Failure(url + ": entry " + name + " links to " + link + ", outside the archive; refused");
            }
            Files.createDirectories(target.getParent());
            within(into, target.getParent(), name, url);
            Files.createSymbolicLink(target, Path.of(link));
          }
          case '1' -> {
            Path source = inside(into, link, url);
            if (source == null) {
              throw new Failure(url + ": entry " + name + " links to " + link + ", outside the archive");
            }
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
          }
          default -> skip(in, padded(size)); // devices, fifos: not in a Maven distribution
        }
      }
      if (posix) { // last: a read-only directory must not stop its own files from being written
        for (Map.Entry<Path, Integer> d : dirModes.entrySet()) {
          Files.setPosixFilePermissions(d.getKey(), permissions(d.getValue() | 0700));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new Failure("could not unpack " + url + ": " + describe(e));
    }
  }

  /** Refuses an entry whose directory, links followed, is not inside {@code into}. */
  private static void within(Path into, Path dir, String name, URI url) throws Failure, IOException {
    if (!dir.toRealPath().startsWith(into.toRealPath())) {
      throw new Failure(url + ": entry " + name + " would be written through a link outside the archive; refused");
    }
  }

  /** Where entry {@code name} goes, its first directory (apache-maven-X.Y.Z/) stripped; null if nowhere. */
  private static Path inside(Path into, String name, URI url) throws Failure {
    String n = name.startsWith("./") ? name.substring(2) : name;
    int slash = n.indexOf('/');
    String rest = slash < 0 ? "" : n.substring(slash + 1);
    if (rest.isEmpty() || rest.equals("/")) {
      return null;
    }
    Path p = into.resolve(rest).normalize();
    if (n.startsWith("/") || !p.startsWith(into)) {
      throw new Failure(url + ": entry " + name + " points outside the archive; refused");
    }
    return p;
  }

  private static String ustarName(byte[] h) {
    String name = string(h, 0, 100);
    boolean ustar = string(h, 257, 5).equals("ustar");
    String prefix = ustar ? string(h, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static String string(byte[] h, int offset, int length) {
    int end = offset;
    while (end < offset + length && h[end] != 0) {
      end++;
    }
    return new String(h, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String cString(byte[] data) {
    return string(data, 0, data.length);
  }

  /** An octal field, or a base-256 one (GNU, for sizes of 8 GiB and more). */
  private static long number(byte[] h, int offset, int length) {
    if ((h[offset] & 0x80) != 0) {
      long v = h[offset] & 0x7f;
      for (int i = offset + 1; i < offset + length; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v;
    }
    long v = 0;
    for (int i = offset; i < offset + length; i++) {
      byte b = h[i];
      if (b >= '0' && b <= '7') {
        v = v * 8 + (b - '0');
      } else if (b == 0 || (b == ' ' && v > 0)) {
        break;
      }
    }
    return v;
  }

  /** pax records: "LENGTH KEY=VALUE\n" each. */
  private static Map<String, String> paxRecords(byte[] data) {
    Map<String, String> records = new HashMap<>();
    int i = 0;
    while (i < data.length && data[i] != 0) {
      int space = i;
      while (data[space] != ' ') {
        space++;
      }
      int length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
      String kv = new String(data, space + 1, i + length - space - 2, StandardCharsets.UTF_8);
      int eq = kv.indexOf('=');
      records.put(kv.substring(0, eq), kv.substring(eq + 1));
      i += length;
    }
    return records;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
    };
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        set.add(bits[i]);
      }
    }
    set.add(PosixFilePermission.OWNER_READ); // whatever the archive says, the owner can read what it installed
    return set;
  }

  private static long padded(long size) {
    return (size + 511) / 512 * 512;
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    return in.readNBytes(block, 0, block.length) == block.length;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] readData(InputStream in, long size) throws IOException {
    if (size > 1 << 20) {
      throw new IOException("a tar header entry of " + size + " bytes");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length != size) {
      throw new IOException("the archive ends inside an entry");
    }
    skip(in, padded(size) - size);
    return data;
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new IOException("the archive ends inside an entry");
      }
      out.write(buf, 0, n);
      left -= n;
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    in.skipNBytes(n);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("mvnw: could not delete " + dir + ": " + e);
    }
  }
}
