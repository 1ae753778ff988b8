package dev.phonehome.phc.core.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder.KeyType;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TrustAnchorsTest {
  private static final Fixture F = new Fixture();
  private static final Fixture OTHER = new Fixture(KeyType.EC_P256, "Other");
  private static final ExecutorService POOL = Executors.newCachedThreadPool();

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  static KeyManager[] keyManagers(PrivateKey key, X509Certificate... chain) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", key, "pw".toCharArray(), chain);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "pw".toCharArray());
    return kmf.getKeyManagers();
  }

  /** A loopback TLS server that accepts one connection, echoes one byte, and reports the client's chain. */
  private static final class OneShotServer implements AutoCloseable {
    final SSLServerSocket socket;
    final Future<X509Certificate[]> clientChain;

    OneShotServer(boolean needClientAuth) throws Exception {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers(F.serverKeys.getPrivate(), F.server, F.tlsCa),
          new TrustManager[] {TrustAnchors.of(F.manufacturerCa).trustManager()}, new SecureRandom());
      socket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1,
          InetAddress.getLoopbackAddress());
      socket.setNeedClientAuth(needClientAuth);
      socket.setSoTimeout(10_000);
      clientChain = POOL.submit(() -> {
        try (SSLSocket s = (SSLSocket) socket.accept()) {
          s.setSoTimeout(10_000);
          InputStream in = s.getInputStream();
          int b = in.read();
          OutputStream out = s.getOutputStream();
          out.write(b);
          out.flush();
          return needClientAuth ? (X509Certificate[]) s.getSession().getPeerCertificates() : null;
        }
      });
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  private static List<X509Certificate> talk(SSLContext client, int port) throws Exception {
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(42);
      s.getOutputStream().flush();
      assertThat(s.getInputStream().read()).isEqualTo(42);
      return List.of((X509Certificate[]) s.getSession().getPeerCertificates());
    }
  }

  @Test
  void clientTrustingTheTlsCaCompletesARealHandshake() throws Exception {
    try (OneShotServer server = new OneShotServer(false)) {
      List<X509Certificate> peer = talk(TrustAnchors.of(F.tlsCa).sslContext(null), server.port());
      assertThat(peer.get(0)).isEqualTo(F.server);
    }
  }

  @Test
  void clientWithOtherAnchorsRefusesTheServer() throws Exception {
    try (OneShotServer server = new OneShotServer(false)) {
      assertThatThrownBy(() -> talk(TrustAnchors.of(OTHER.tlsCa).sslContext(null), server.port()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void emptyAnchorsTrustNothing() throws Exception {
    try (OneShotServer server = new OneShotServer(false)) {
      assertThatThrownBy(() -> talk(TrustAnchors.none().sslContext(null), server.port()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void provisionalConnectionSucceedsAndIsJudgedUntrustedAfterwards() throws Exception {
    TrustAnchors preconfigured = TrustAnchors.of(OTHER.tlsCa);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {preconfigured.provisionalTrustManager()}, new SecureRandom());
    try (OneShotServer server = new OneShotServer(false)) {
      List<X509Certificate> peer = talk(ctx, server.port());
      assertThat(preconfigured.trusts(peer)).isFalse();
      // after a trusted redirect names the TLS CA, the same chain is trusted
      TrustAnchors learned = preconfigured.plus(TrustAnchors.fromRedirectTrustAnchor(
          TrustAnchors.rfc8572TrustAnchor(List.of(F.tlsCa)), Dialect.RFC8572));
      assertThat(learned.trusts(peer)).isTrue();
    }
  }

  @Test
  void deviceCertificateIsPresentedAndItsSerialBound() throws Exception {
    KeyPair kp = CertificateBuilder.newKeyPair(KeyType.EC_P256);
    X509Certificate device = CertificateBuilder.builder().subject("CN=sw,SERIALNUMBER=VJ3724AK0012")
        .issuer(F.manufacturerCa, F.manufacturerCaKeys.getPrivate()).clientAuth()
        .validity(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1))).build(kp);
    try (OneShotServer server = new OneShotServer(true)) {
      talk(TrustAnchors.of(F.tlsCa).sslContext(keyManagers(kp.getPrivate(), device, F.manufacturerCa)),
          server.port());
      X509Certificate[] chain = server.clientChain.get(10, TimeUnit.SECONDS);
      assertThat(DeviceIdentity.serialNumber(chain[0], "VJ3724AK0012")).isEqualTo("VJ3724AK0012");
    }
  }

  @Test
  void rfc8572TrustAnchorIsTheLastIntermediateOfTheChain() {
    KeyPair ik = CertificateBuilder.newKeyPair(KeyType.EC_P256);
    X509Certificate intermediate = CertificateBuilder.builder().subject("CN=TLS Intermediate")
        .issuer(F.tlsCa, F.tlsCaKeys.getPrivate()).ca(0).build(ik);
    Bytes bag = TrustAnchors.rfc8572TrustAnchor(List.of(intermediate, F.tlsCa));
    assertThat(TrustAnchors.fromRedirectTrustAnchor(bag, Dialect.RFC8572).certificates())
        .containsExactly(intermediate);
  }

  @Test
  void juniperTrustAnchorIsOneDerCertificate() {
    Bytes der = TrustAnchors.juniperTrustAnchor(F.tlsCa);
    assertThat(TrustAnchors.fromRedirectTrustAnchor(der, Dialect.JUNIPER).certificates()).containsExactly(F.tlsCa);
    assertThat(TrustAnchors.fromPem(CertificateBuilder.pem(F.tlsCa)).certificates()).containsExactly(F.tlsCa);
  }

  @Test
  void unreadableTrustAnchorsAreMalformed() {
    Bytes junk = Bytes.utf8("-----BEGIN nonsense");
    for (Dialect d : Dialect.values()) {
      assertThatThrownBy(() -> TrustAnchors.fromRedirectTrustAnchor(junk, d))
          .isInstanceOfSatisfying(PhcTrustException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
            assertThat(e.getMessage()).contains("trust-anchor");
          });
    }
    byte[] der = TrustAnchors.juniperTrustAnchor(F.tlsCa).toByteArray();
    byte[] trailing = java.util.Arrays.copyOf(der, der.length + 2);
    assertThatThrownBy(() -> TrustAnchors.fromRedirectTrustAnchor(Bytes.of(trailing), Dialect.JUNIPER))
        .isInstanceOf(PhcTrustException.class);
  }

}
