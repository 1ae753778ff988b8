package dev.phonehome.phc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both bindings over one real run: our client provisions a fake VC from our server over HTTPS on loopback. */
@Timeout(60)
class MetricsTest {

  @Test
  void aRunShowsUpInTheClientsAndTheServersMetrics() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PhcServerMetrics serverMetrics = new PhcServerMetrics(registry);
    InMemoryProvisioningRecords records = new InMemoryProvisioningRecords().put("PE3714100218",
        OnboardingInformation.builder().configuration(Bytes.of("<configuration/>".getBytes(StandardCharsets.UTF_8)))
            .build());
    try (PhoneHomeServer server = PhoneHomeServer.builder().records(records).bind("127.0.0.1", 0)
        .eventListener(serverMetrics).addProgressListener(serverMetrics).build().start()) {
      serverMetrics.bindDevices(server.progress());
      VirtualClock clock = new VirtualClock();
      FakeVirtualChassis vc = FakeVirtualChassis.of(VirtualChassisModel.builder().clock(clock)
          .member(0, "PE3714100218", "ex4300-48p", "21.4R3.15").build());
      X509TrustManager trust = trust(server);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
      try (PhoneHomeClient client = PhoneHomeClient.builder().bootstrapServers(server.url().toString())
          .sslContext(tls, trust).deviceOperations(vc).clock(clock).sleeper(clock).maxRounds(1)
          .eventListener(new PhcClientMetrics(registry, clock)).build()) {
        client.run();
      }

      assertThat(registry.get("phc.client.runs").tag("result", "completed").counter().count()).isEqualTo(1);
      assertThat(registry.get("phc.client.phase").timers()).isNotEmpty();
      assertThat(registry.get("phc.client.notifications").tag("outcome", "delivered").counter().count()).isPositive();
      assertThat(registry.get("phc.client.retries").tag("kind", "server").counter().count()).isZero();

      assertThat(registry.get("phc.server.requests").tag("route", "juniper-bootstrap").tag("status", "200").timer()
          .count()).isEqualTo(1);
      assertThat(registry.get("phc.server.requests").tag("route", "juniper-notification").timers()).isNotEmpty();
      assertThat(registry.get("phc.server.tls.handshakes").tag("result", "success").counter().count()).isPositive();
      assertThat(registry.get("phc.server.notifications").tag("type", "bootstrap-complete").counter().count())
          .isEqualTo(1);
      assertThat(registry.get("phc.server.devices").tag("state", "complete").gauge().value()).isEqualTo(1);
      assertThat(registry.get("phc.server.store").tag("operation", "append").tag("result", "success").timer().count())
          .isPositive();
    }
  }

  @Test
  void refusedRequestsCountAsAuthenticationFailures() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PhcServerMetrics metrics = new PhcServerMetrics(registry);
    metrics.requestHandled("get-bootstrapping-data", 401, java.time.Duration.ofMillis(2));
    metrics.requestHandled("juniper-bootstrap", 404, java.time.Duration.ofMillis(1));
    assertThat(registry.get("phc.server.auth.failures").counters()).hasSize(1);
    assertThat(registry.get("phc.server.auth.failures").tag("status", "401").counter().count()).isEqualTo(1);
  }

  private static X509TrustManager trust(PhoneHomeServer server) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("phs", server.generatedCertificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }
}
