package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 8572 provisional connections (section 5.3) and the appendix B flow, between our client and our servers
 * over real HTTPS: the redirect server's TLS certificate is not trusted by the client, so it is asked
 * provisionally; its signed redirect information carries the trust anchor of the phone-home server, which
 * the client then authenticates.
 */
@Timeout(60)
class ProvisionalTrustEndToEndTest {
  private final VirtualClock clock = new VirtualClock();
  /** The owner and manufacturer PKI; its TLS CA issues the phone-home server's certificate. */
  private final TestPki owner = TestPki.builder().clock(clock).name("Owner").build();
  /** Issues the redirect server's TLS certificate; the client does not trust it. */
  private final TestPki redirectTls = TestPki.builder().clock(clock).name("Redirect").build();
  /** The client's configured trust: only the image server. */
  private final TestPki imageTls = TestPki.builder().clock(clock).name("Images").build();
  private final MockWebServer images = new MockWebServer();
  private final List<DeviceNotification> phsNotifications = new CopyOnWriteArrayList<>();
  private final List<DeviceNotification> redirectNotifications = new CopyOnWriteArrayList<>();
  private PhoneHomeServer phs;
  private PhoneHomeServer redirect;
  private VirtualChassisModel model;

  @BeforeEach
  void start() throws Exception {
    images.useHttps(imageTls.serverSslContext().getSocketFactory());
    images.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        return new MockResponse.Builder().body(new Buffer().write(IMAGE)).build();
      }
    });
    images.start(InetAddress.getLoopbackAddress(), 0);
    model = VirtualChassisModel.builder().clock(clock).member(0, "PE0", "ex4300-48p", Harness.OLD)
        .member(1, "PE1", "ex4300-48p", Harness.OLD).build();
  }

  @AfterEach
  void stop() {
    if (redirect != null) {
      redirect.close();
    }
    if (phs != null) {
      phs.close();
    }
    images.close();
  }

  private OnboardingInformation onboarding() {
    return OnboardingInformation.builder()
        .bootImage(BootImage.builder().osName("junos").osVersion(Harness.NEW)
            .addDownloadUri(images.url("/images/" + Harness.IMAGE_NAME).toString())
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Harness.digest("SHA-256", IMAGE))).build())
        .topology(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)).build();
  }

  private void startPhs() {
    phs = PhoneHomeServer.builder().clock(clock).sslContext(owner.serverSslContext()).authenticator(SECRETS)
        .records(new InMemoryProvisioningRecords().put("PE0", onboarding()))
        .addProgressListener(phsNotifications::add).build().start();
  }

  private void startRedirect(boolean signed, InMemoryProvisioningRecords records) {
    PhoneHomeServer.Builder b = PhoneHomeServer.builder().clock(clock).sslContext(redirectTls.serverSslContext())
        .authenticator(SECRETS)
        .records(records).addProgressListener(redirectNotifications::add);
    if (signed) {
      b.signer(owner.signer());
    }
    redirect = b.build().start();
  }

  /** RFC 8572 section 5.3: the device authenticates to both servers with its activation code. */
  private static final dev.phonehome.phc.core.server.DeviceAuthentication SECRETS =
      dev.phonehome.phc.core.server.DeviceAuthentication.builder()
          .deviceSecrets(dev.phonehome.phc.core.server.DeviceSecrets.of(java.util.Map.of("PE0", "code-PE0"))).build();

  private PhoneHomeClient.Builder client() {
    return PhoneHomeClient.builder().bootstrapServers(redirect.url().toString()).dialect(Dialect.RFC8572)
        .activationCode("code-PE0")
        .sslContext(imageTls.clientSslContext(null), imageTls.clientTrustManager())
        .deviceOperations(FakeVirtualChassis.of(model)).clock(clock).sleeper(clock)
        .random(new Random(7)).maxRounds(1)
        .conveyedInformationVerifier(owner.verifier());
  }

  @Test
  void untrustedRedirectServerSignedRedirectLeadsToTrustedPhoneHomeServerThatProvisions() throws Exception {
    startPhs();
    RedirectInformation toPhs = RedirectInformation.of(
        new BootstrapServer("127.0.0.1", phs.port(), owner.redirectTrustAnchor(Dialect.RFC8572)));
    startRedirect(true, new InMemoryProvisioningRecords().put("PE0", toPhs));

    PhoneHomeResult result;
    try (PhoneHomeClient client = client().provisionalConnections(true).build()) {
      result = client.run();
    }

    assertThat(result.failedMembers()).isEmpty();
    assertThat(model.members()).extracting(VcMember::version).containsOnly(Harness.NEW);
    assertThat(phsNotifications).isNotEmpty();
    assertThat(redirectNotifications).as("no progress report to the untrusted redirect server").isEmpty();
  }

  @Test
  void withoutProvisionalConnectionsTheUntrustedRedirectServerIsNotUsed() {
    startPhs();
    RedirectInformation toPhs = RedirectInformation.of(
        new BootstrapServer("127.0.0.1", phs.port(), owner.redirectTrustAnchor(Dialect.RFC8572)));
    startRedirect(true, new InMemoryProvisioningRecords().put("PE0", toPhs));

    try (PhoneHomeClient client = client().build()) {
      assertThatThrownBy(client::run).isInstanceOf(BootstrapFailedException.class)
          .hasMessageContaining(redirect.url().toString().replaceAll("/$", ""));
    }
    assertThat(model.operationSummaries("install-image")).isEmpty();
    assertThat(phsNotifications).isEmpty();
  }

  @Test
  void unsignedOnboardingInformationFromAnUntrustedServerIsRefused() {
    startRedirect(false, new InMemoryProvisioningRecords().put("PE0", onboarding()));

    try (PhoneHomeClient client = client().provisionalConnections(true).build()) {
      // The provisional request carries signed-data-preferred; a server that cannot sign must not answer
      // unsigned onboarding information (RFC 8572 section 7). The client's own refusal of unsigned onboarding
      // information from an untrusted server is proven against a server that ignores that rule
      // (Rfc8572Section5_4Test).
      assertThatThrownBy(client::run).isInstanceOf(BootstrapFailedException.class)
          .hasMessageContaining("HTTP 501").hasMessageContaining("signed-data-preferred");
    }
    assertThat(model.operationSummaries("install-image")).isEmpty();
    assertThat(redirectNotifications).isEmpty();
  }

  @Test
  void provisionalConnectionsNeedAVerifier() {
    startRedirect(false, new InMemoryProvisioningRecords());
    PhoneHomeClient.Builder b = PhoneHomeClient.builder().bootstrapServers(redirect.url().toString())
        .dialect(Dialect.RFC8572).deviceOperations(FakeVirtualChassis.of(model)).provisionalConnections(true);

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("conveyedInformationVerifier");
  }
}
