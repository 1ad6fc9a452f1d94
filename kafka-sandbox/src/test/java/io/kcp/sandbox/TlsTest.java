package io.kcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.sandbox.internal.Secrets;
import io.kcp.sandbox.internal.Tls;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secured sandbox's certificates and passwords, without a broker. */
class TlsTest {
  @TempDir Path dir;

  @Test
  void makesABrokerChainSignedByAThrowAwayCaWhoseKeyIsGone() throws Exception {
    Tls tls = Tls.generate(dir);

    KeyStore keystore = load(tls.keystore(), tls.keystorePassword());
    assertThat(Collections.list(keystore.aliases())).containsExactly("broker");
    assertThat(keystore.isKeyEntry("broker")).isTrue();
    Certificate[] chain = keystore.getCertificateChain("broker");
    assertThat(chain).hasSize(2);
    X509Certificate broker = (X509Certificate) chain[0];
    X509Certificate ca = (X509Certificate) chain[1];
    assertThat(broker.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(broker.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    broker.verify(ca.getPublicKey()); // throws unless the CA signed it
    List<Object> names =
        broker.getSubjectAlternativeNames().stream().map(san -> san.get(1)).collect(Collectors.toList());
    assertThat(names).containsExactlyInAnyOrder("localhost", "127.0.0.1");
    assertThat(ca.getBasicConstraints()).as("a CA certificate").isGreaterThanOrEqualTo(0);

    KeyStore truststore = load(tls.truststore(), tls.truststorePassword());
    List<String> trusted = Collections.list(truststore.aliases());
    assertThat(trusted).hasSize(1);
    assertThat(truststore.isCertificateEntry(trusted.get(0))).isTrue();
    assertThat(truststore.getCertificate(trusted.get(0))).isEqualTo(ca);

    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("no CA private key, request or reply is left")
          .containsExactlyInAnyOrder("broker.keystore.p12", "truststore.p12", "ca.crt");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.keystore())))
        .isEqualTo("rw-------");
    assertThat(tls.toString())
        .doesNotContain(tls.keystorePassword())
        .doesNotContain(tls.truststorePassword());
  }

  @Test
  void passwordsAreRandomAndNeedNoQuoting() {
    List<String> passwords =
        IntStream.range(0, 100).mapToObj(i -> Secrets.password()).collect(Collectors.toList());
    assertThat(passwords).doesNotHaveDuplicates().allMatch(p -> p.matches("[A-Za-z0-9_-]{24}"));
  }

  private static KeyStore load(Path file, String password) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, password.toCharArray());
    }
    return ks;
  }
}
