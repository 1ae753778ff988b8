package dev.phonehome.phc.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.phonehome.phc.core.internal.trust.CertificateBuilder;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder.KeyType;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TlsFilesTest {
  private static final org.bouncycastle.jce.provider.BouncyCastleProvider BC =
      new org.bouncycastle.jce.provider.BouncyCastleProvider();
  private static final char[] PASSWORD = "s3cret-pass".toCharArray();
  private static final KeyPair CA_KEYS = CertificateBuilder.newKeyPair(KeyType.EC_P256);
  private static final X509Certificate CA = CertificateBuilder.builder().subject("CN=TlsFiles Test CA").ca(null)
      .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86400)).build(CA_KEYS);
  private static final KeyPair KEYS = CertificateBuilder.newKeyPair(KeyType.EC_P256);
  private static final X509Certificate LEAF = leaf(KEYS);

  @TempDir Path dir;

  private static X509Certificate leaf(KeyPair keys) {
    try {
      return CertificateBuilder.builder().subject("CN=localhost").issuer(CA, CA_KEYS.getPrivate())
          .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86400))
          .dnsName("localhost").ipAddress(InetAddress.getByName("127.0.0.1")).serverAuth().build(keys);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static String pem(Object o) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    }
    return w.toString();
  }

  private String chain() {
    return CertificateBuilder.pem(LEAF) + CertificateBuilder.pem(CA);
  }

  @Test
  void unencryptedPkcs8ServesTlsThroughPhoneHomeServer() throws Exception {
    TlsFiles tls = TlsFiles.read(write("chain.pem", chain()), write("key.pem", CertificateBuilder.pem(KEYS.getPrivate())));
    assertThat(tls.certificateChain()).containsExactly(LEAF, CA);
    try (PhoneHomeServer server = PhoneHomeServer.builder().records(new InMemoryProvisioningRecords())
        .keyManagerFactory(tls.keyManagerFactory()).bind("127.0.0.1", 0).build().start()) {
      HttpClient http = HttpClient.newBuilder().sslContext(TlsFiles.fromPem(chain(),
          CertificateBuilder.pem(KEYS.getPrivate()), null).sslContext(List.of(CA)))
          .connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> r = http.sendAsync(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
          + "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=NOBODY")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isIn(401, 404);
      assertThat(r.sslSession()).isPresent();
      assertThat(r.sslSession().get().getPeerCertificates()[0]).isEqualTo(LEAF);
    }
  }

  @Test
  void encryptedPkcs8NeedsItsPassword() throws Exception {
    String encrypted = pem(new JcaPKCS8Generator(KEYS.getPrivate(),
        new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC).setProvider(BC).setPassword(PASSWORD).build()));
    assertThat(encrypted).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    Path key = write("key.pem", encrypted);
    Path certs = write("chain.pem", chain());
    assertThat(TlsFiles.read(certs, key, PASSWORD).privateKey().getEncoded()).isEqualTo(KEYS.getPrivate().getEncoded());
    assertThatThrownBy(() -> TlsFiles.read(certs, key))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(key + ": the private key is encrypted; give its password");
    assertThatThrownBy(() -> TlsFiles.read(certs, key, "wrong".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key + ": the private key cannot be decrypted")
        .hasMessageContaining("wrong password?");
  }

  @Test
  void openSslEncryptedTraditionalKeyReads() throws Exception {
    KeyPair rsa = CertificateBuilder.newKeyPair(KeyType.RSA_2048);
    String encrypted = pem(new JcaMiscPEMGenerator(rsa.getPrivate(),
        new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC).build(PASSWORD)));
    assertThat(encrypted).contains("Proc-Type: 4,ENCRYPTED");
    TlsFiles tls = TlsFiles.fromPem(CertificateBuilder.pem(leaf(rsa)), encrypted, PASSWORD);
    assertThat(tls.privateKey().getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void pkcs8EncryptedByOpensslReads() throws Exception {
    String ci = System.getenv("CI");
    boolean openssl = new ProcessBuilder("sh", "-c", "command -v openssl").start().waitFor() == 0;
    if (!openssl && "true".equals(ci)) {
      throw new AssertionError("openssl is needed for this interop test in CI (apt-get install openssl)");
    }
    assumeTrue(openssl, "openssl not installed");
    Path plain = write("plain.pem", CertificateBuilder.pem(KEYS.getPrivate()));
    Path out = dir.resolve("enc.pem");
    Process p = new ProcessBuilder("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", plain.toString(),
        "-out", out.toString(), "-passout", "pass:" + new String(PASSWORD)).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    TlsFiles tls = TlsFiles.read(write("chain.pem", chain()), out, PASSWORD);
    assertThat(tls.privateKey().getEncoded()).isEqualTo(KEYS.getPrivate().getEncoded());
  }

  @Test
  void mistakesNameTheFileAndWhatIsWrong() throws Exception {
    Path certs = write("chain.pem", chain());
    Path otherKey = write("other.pem", CertificateBuilder.pem(CertificateBuilder.newKeyPair(KeyType.EC_P256).getPrivate()));
    assertThatThrownBy(() -> TlsFiles.read(certs, otherKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(otherKey + ": the private key does not belong to the certificate CN=localhost of " + certs);
    Path noKey = write("nokey.pem", CertificateBuilder.pem(CA));
    assertThatThrownBy(() -> TlsFiles.read(certs, noKey)).hasMessageStartingWith(noKey + ": no private key block found");
    Path der = dir.resolve("der.crt");
    Files.write(der, LEAF.getEncoded());
    assertThatThrownBy(() -> TlsFiles.readCertificates(der)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(der + ":");
    assertThatThrownBy(() -> TlsFiles.read(dir.resolve("missing.pem"), noKey))
        .hasMessageStartingWith(dir.resolve("missing.pem") + ": cannot read");
  }
}
