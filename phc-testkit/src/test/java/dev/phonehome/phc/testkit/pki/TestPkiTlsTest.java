package dev.phonehome.phc.testkit.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.core.internal.trust.DeviceIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every JSSE/OkHttp form TestPki hands out completes a real mutual-TLS handshake on loopback. */
@Timeout(30)
class TestPkiTlsTest {
  private static final TestPki PKI = TestPki.create();
  private static final String SERIAL = "SN0001";
  private static final ExecutorService POOL = Executors.newCachedThreadPool();

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  /** Accepts one connection requiring a client certificate; returns the serial the device certificate names. */
  private static String handshake(SSLContext server, SSLSocketFactory client) throws Exception {
    try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
        InetAddress.getLoopbackAddress())) {
      ss.setNeedClientAuth(true);
      ss.setSoTimeout(10_000);
      Future<String> seen = POOL.submit(() -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.setSoTimeout(10_000);
          s.getOutputStream().write(s.getInputStream().read());
          s.getOutputStream().flush();
          X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
          return DeviceIdentity.serialNumber(leaf, null);
        }
      });
      try (SSLSocket c = (SSLSocket) client.createSocket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
        c.setSoTimeout(10_000);
        c.getOutputStream().write(7);
        c.getOutputStream().flush();
        assertThat(c.getInputStream().read()).isEqualTo(7);
      }
      return seen.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void sslContextsShakeHands() throws Exception {
    assertThat(handshake(PKI.serverSslContext(), PKI.clientSslContext(SERIAL).getSocketFactory())).isEqualTo(SERIAL);
  }

  @Test
  void factoriesShakeHands() throws Exception {
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(PKI.serverKeyManagerFactory().getKeyManagers(),
        PKI.deviceCertificateTrustManagerFactory().getTrustManagers(), new SecureRandom());
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(PKI.deviceKeyManagers(SERIAL), new javax.net.ssl.TrustManager[] {PKI.clientTrustManager()},
        new SecureRandom());
    assertThat(handshake(server, client.getSocketFactory())).isEqualTo(SERIAL);
  }

  @Test
  void deviceOfAnotherManufacturerIsRefused() {
    TestPki other = TestPki.create();
    SSLContext client;
    try {
      client = SSLContext.getInstance("TLS");
      client.init(other.deviceKeyManagers(SERIAL), new javax.net.ssl.TrustManager[] {PKI.clientTrustManager()},
          new SecureRandom());
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> handshake(PKI.serverSslContext(), client.getSocketFactory()))
        .isInstanceOfAny(IOException.class, java.util.concurrent.ExecutionException.class);
  }
}
