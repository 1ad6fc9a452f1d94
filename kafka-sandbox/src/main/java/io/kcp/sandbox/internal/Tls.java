package io.kcp.sandbox.internal;

import io.kcp.sandbox.KafkaSandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a broker certificate it signs, made with the JDK's
 * {@code keytool} (the JDK has no public API to build certificates): PKCS12 files, EC P-256
 * keys, valid for {@value #VALIDITY_DAYS} days, the broker's for {@code localhost} and {@code
 * 127.0.0.1}. The CA's private key is deleted once it has signed; only its certificate stays, in
 * the truststore.
 *
 * <p>Passwords reach {@code keytool} through its environment ({@code -storepass:env}), not its
 * command line, so other users' {@code ps} does not show them.
 *
 * @param keystore the broker's key and certificate chain (broker, CA)
 * @param keystorePassword the keystore's (and key's) password
 * @param truststore the CA certificate
 * @param truststorePassword the truststore's password
 */
public record Tls(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {
  /** How long the certificates are valid; a sandbox lives for minutes or hours. */
  public static final int VALIDITY_DAYS = 7;

  /** The broker certificate's subject, also its principal where it is a TLS client. */
  public static final String BROKER_SUBJECT = "CN=localhost";

  /** PKCS12, the type of both stores. */
  public static final String STORE_TYPE = "PKCS12";

  private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);
  private static final String SAN = "SAN=dns:localhost,ip:127.0.0.1";
  private static final String CA_PASS = "KCP_CA_PASS";
  private static final String KEY_PASS = "KCP_KEYSTORE_PASS";
  private static final String TRUST_PASS = "KCP_TRUSTSTORE_PASS";

  /** Generates the CA, the broker's keystore and the truststore in {@code dir} (created). */
  public static Tls generate(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    String caPassword = Secrets.password();
    Tls tls =
        new Tls(
            dir.resolve("broker.keystore.p12"),
            Secrets.password(),
            dir.resolve("truststore.p12"),
            Secrets.password());
    Path ca = dir.resolve("ca.p12");
    Path caCert = dir.resolve("ca.crt");
    Path csr = dir.resolve("broker.csr");
    Path signed = dir.resolve("broker-chain.crt");
    String[] env = {CA_PASS, caPassword, KEY_PASS, tls.keystorePassword, TRUST_PASS, tls.truststorePassword};
    // the two key pairs side by side: each keytool is a JVM start
    Process caKey =
        keytool(dir, env, "-genkeypair", "-alias", "ca", "-dname", "CN=kcp-sandbox-ca",
            "-keyalg", "EC", "-groupname", "secp256r1", "-validity", days(),
            "-ext", "bc:c", "-keystore", ca.toString(), "-storetype", STORE_TYPE,
            "-storepass:env", CA_PASS);
    Process brokerKey =
        keytool(dir, env, "-genkeypair", "-alias", "broker", "-dname", BROKER_SUBJECT,
            "-keyalg", "EC", "-groupname", "secp256r1", "-validity", days(),
            "-ext", SAN, "-keystore", tls.keystore.toString(), "-storetype", STORE_TYPE,
            "-storepass:env", KEY_PASS);
    await(caKey, "generating the CA key pair");
    await(brokerKey, "generating the broker key pair");
    run(dir, env, "creating the broker's certificate request",
        "-certreq", "-alias", "broker", "-keystore", tls.keystore.toString(),
        "-storepass:env", KEY_PASS, "-file", csr.toString());
    run(dir, env, "signing the broker's certificate",
        "-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass:env", CA_PASS,
        "-infile", csr.toString(), "-outfile", signed.toString(), "-rfc",
        "-validity", days(), "-ext", SAN);
    run(dir, env, "exporting the CA certificate",
        "-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass:env", CA_PASS,
        "-rfc", "-file", caCert.toString());
    try {
      // the reply as a chain (broker, CA), so the keystore accepts it without the CA inside
      Files.writeString(
          signed,
          Files.readString(signed, StandardCharsets.US_ASCII)
              + Files.readString(caCert, StandardCharsets.US_ASCII),
          StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + signed, e);
    }
    Process reply =
        keytool(dir, env, "-importcert", "-alias", "broker", "-file", signed.toString(),
            "-keystore", tls.keystore.toString(), "-storepass:env", KEY_PASS, "-noprompt");
    Process trust =
        keytool(dir, env, "-importcert", "-alias", "kcp-sandbox-ca", "-file", caCert.toString(),
            "-keystore", tls.truststore.toString(), "-storetype", STORE_TYPE,
            "-storepass:env", TRUST_PASS, "-noprompt");
    await(reply, "importing the signed broker certificate");
    await(trust, "writing the truststore");
    try {
      for (Path leftover : List.of(ca, csr, signed)) {
        Files.delete(leftover); // the CA's private key above all: nothing more is to be signed
      }
      Secrets.ownerOnly(tls.keystore);
      Secrets.ownerOnly(tls.truststore);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tidy " + dir, e);
    }
    return tls;
  }

  /** Never shows the passwords. */
  @Override
  public String toString() {
    return "Tls[keystore=" + keystore + ", truststore=" + truststore + "]";
  }

  private static String days() {
    return Integer.toString(VALIDITY_DAYS);
  }

  private static void run(Path dir, String[] env, String what, String... args) {
    await(keytool(dir, env, args), what);
  }

  private static Process keytool(Path dir, String[] env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // a short-lived JVM: skip the optimising compiler
    cmd.add("-J-XX:TieredStopAtLevel=1");
    cmd.add("-J-XX:+UseSerialGC");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    for (int i = 0; i < env.length; i += 2) {
      pb.environment().put(env[i], env[i + 1]);
    }
    try {
      return pb.start();
    } catch (IOException e) {
      throw new KafkaSandboxException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
    }
  }

  private static void await(Process p, String what) {
    try {
      // keytool prints a line or two; reading it all also ends when the process ends
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(KEYTOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new KafkaSandboxException("keytool timed out " + what);
      }
      if (p.exitValue() != 0) {
        throw new KafkaSandboxException(
            "keytool failed " + what + " (exit " + p.exitValue() + "): " + output.strip());
      }
    } catch (IOException e) {
      throw new KafkaSandboxException("cannot read keytool's output " + what, e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      throw Waits.interrupted(what, e);
    }
  }
}
