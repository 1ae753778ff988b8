package dev.phonehome.phc.core.server;

import static dev.phonehome.phc.core.server.Fixtures.SERIAL_A;
import static dev.phonehome.phc.core.server.Fixtures.SERIAL_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded engine's TLS choices: BoringSSL from a KeyManagerFactory, and the zero-setup self-signed default. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedTlsTest {
  private static final String PATH = "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
  private final TestTls tls = new TestTls();

  private OkHttpClient client(SSLContext ctx, X509TrustManager trust) {
    return new OkHttpClient.Builder().sslSocketFactory(ctx.getSocketFactory(), trust)
        .callTimeout(Duration.ofSeconds(20)).build();
  }

  private static int get(OkHttpClient client, PhoneHomeServer server, String serial, String user) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url(server.url() + PATH + serial)
        .header("Authorization", Credentials.basic(user, "")).build()).execute()) {
      return r.code();
    }
  }

  @Test
  void keyManagerFactoryServesWithBoringSslAndBindsTheClientCertificateSerial() throws IOException {
    try (PhoneHomeServer server = PhoneHomeServer.builder().records(Fixtures.records())
        .keyManagerFactory(tls.serverKeyManagerFactory())
        .trustManagerFactory(tls.trustManagerFactory())
        .clientAuth(ClientAuth.WANT)
        .build().start()) {
      assumeTrue(server.tlsImplementation().equals("BoringSSL"), "BoringSSL does not load on this platform");
      assertThat(get(client(tls.clientContext(), tls.trustManager()), server, SERIAL_A, SERIAL_A)).isEqualTo(200);
      assertThat(get(client(tls.deviceContext(SERIAL_A), tls.trustManager()), server, SERIAL_A, SERIAL_A)).isEqualTo(200);
      assertThat(get(client(tls.deviceContext(SERIAL_B), tls.trustManager()), server, SERIAL_A, SERIAL_A)).isEqualTo(403);
    }
  }

  @Test
  void sslContextServesWithTheJdk() throws IOException {
    try (PhoneHomeServer server = PhoneHomeServer.builder().records(Fixtures.records())
        .sslContext(tls.serverContext()).build().start()) {
      assertThat(server.tlsImplementation()).isEqualTo("JDK");
      assertThat(get(client(tls.clientContext(), tls.trustManager()), server, SERIAL_A, SERIAL_A)).isEqualTo(200);
    }
  }

  @Test
  void withoutKeyMaterialTheServerGeneratesASelfSignedCertificateClientsCanPin() throws Exception {
    try (PhoneHomeServer server = PhoneHomeServer.builder().records(Fixtures.records()).build().start()) {
      assertThat(server.generatedCertificate()).isNotNull();
      java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("phs", server.generatedCertificate());
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      TrustManager tm = tmf.getTrustManagers()[0];
      assertThat(get(client(ctx, (X509TrustManager) tm), server, SERIAL_A, SERIAL_A)).isEqualTo(200);
    }
  }
}
