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
      requireBoringSsl(server);
      assertThat(get(client(tls.clientContext(), tls.trustManager()), server, SERIAL_A, SERIAL_A)).isEqualTo(200);
      assertThat(get(client(tls.deviceContext(SERIAL_A), tls.trustManager()), server, SERIAL_A, SERIAL_A)).isEqualTo(200);
      assertThat(get(client(tls.deviceContext(SERIAL_B), tls.trustManager()), server, SERIAL_A, SERIAL_A)).isEqualTo(403);
    }
  }

  /**
   * BoringSSL answers go out as one TLS record per small response (header and body gathered); larger ones as
   * several records. Both must arrive intact, one after the other, over one kept-alive connection.
   */
  @Test
  void keptAliveConnectionCarriesSmallAndMultiRecordAnswersIntactWithBoringSsl() throws IOException {
    String big = "x".repeat(40_000);
    InMemoryProvisioningRecords records = Fixtures.records()
        .put(SERIAL_B, Fixtures.onboarding(SERIAL_B).toBuilder()
            .configuration(dev.phonehome.phc.api.Bytes.utf8("<configuration><!-- " + big + " --></configuration>"))
            .build());
    java.util.Set<okhttp3.Connection> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (PhoneHomeServer server = PhoneHomeServer.builder().records(records)
        .keyManagerFactory(tls.serverKeyManagerFactory()).build().start()) {
      requireBoringSsl(server);
      OkHttpClient client = client(tls.clientContext(), tls.trustManager()).newBuilder()
          .eventListener(new okhttp3.EventListener() {
            @Override
            public void connectionAcquired(okhttp3.Call call, okhttp3.Connection connection) {
              connections.add(connection);
            }
          }).build();
      for (int i = 0; i < 3; i++) {
        for (String serial : new String[] {SERIAL_A, SERIAL_B}) {
          String expected = server.handler().handle(ServerRequest.builder("GET", "/" + PATH + serial)
              .addHeader("Authorization", Credentials.basic(serial, "")).build()).bodyText();
          try (Response r = client.newCall(new Request.Builder().url(server.url() + PATH + serial)
              .header("Authorization", Credentials.basic(serial, "")).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo(expected);
          }
        }
      }
      assertThat(connections).as("one kept-alive connection").hasSize(1);
    }
  }

  /** BoringSSL must load where CI runs; elsewhere (a laptop on another platform) the test is skipped. */
  private static void requireBoringSsl(PhoneHomeServer server) {
    if (!server.tlsImplementation().equals("BoringSSL") && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("BoringSSL (netty-tcnative) did not load on this CI machine");
    }
    assumeTrue(server.tlsImplementation().equals("BoringSSL"), "BoringSSL does not load on this platform");
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
