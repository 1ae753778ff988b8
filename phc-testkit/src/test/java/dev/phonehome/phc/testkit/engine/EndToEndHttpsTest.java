package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.IMAGE;
import static dev.phonehome.phc.testkit.engine.Harness.NEW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole process over real HTTPS on loopback, in both dialects, against MockWebServer. */
@Timeout(60)
class EndToEndHttpsTest {
  private static final String DEVICE_PATH = "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=PE1";

  private final VirtualClock clock = new VirtualClock();
  private final HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).commonName("phs root").build();
  private final HeldCertificate leaf = new HeldCertificate.Builder().signedBy(root).commonName("phs")
      .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1").build();
  private final HandshakeCertificates serverCerts = new HandshakeCertificates.Builder().heldCertificate(leaf, root.certificate()).build();
  private final HandshakeCertificates clientCerts = new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
  private final OkHttpClient http = new OkHttpClient.Builder()
      .sslSocketFactory(clientCerts.sslSocketFactory(), clientCerts.trustManager())
      .callTimeout(Duration.ofSeconds(20)).build();
  private final MockWebServer redirect = new MockWebServer();
  private final MockWebServer phs = new MockWebServer();
  private final List<RecordedRequest> phsRequests = new CopyOnWriteArrayList<>();
  private final List<ProgressReport> received = new CopyOnWriteArrayList<>();
  private VirtualChassisModel model;
  private FakeVirtualChassis device;

  @BeforeEach
  void start() throws Exception {
    for (MockWebServer s : List.of(redirect, phs)) {
      s.useHttps(serverCerts.sslSocketFactory());
      s.start(InetAddress.getLoopbackAddress(), 0);
    }
    model = VirtualChassisModel.builder().clock(clock)
        .member(0, "PE0", "ex4300-48p", Harness.OLD).member(1, "PE1", "ex4300-48p", Harness.OLD)
        .member(2, "PE2", "ex4300-48p", Harness.OLD).primary(1).backup(2).build();
    device = FakeVirtualChassis.of(model);
  }

  @AfterEach
  void stop() {
    redirect.close();
    phs.close();
    http.dispatcher().executorService().shutdown();
  }

  private OnboardingInformation onboarding(ProvisioningMode mode) {
    return OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(Harness.IMAGE_NAME).addDownloadUri(phs.url("/images/" + Harness.IMAGE_NAME).toString())
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Harness.digest("SHA-256", IMAGE)))
            .addVerification(new ImageVerification(HashAlgorithm.MD5, Harness.digest("MD5", IMAGE))).build())
        .configurationHandling(ConfigurationHandling.MERGE)
        .configuration(Harness.CONFIG)
        .addPreConfigurationScript(Harness.PRE_SCRIPT)
        .topology(Harness.full(mode, "PE0", "PE1", "PE2"))
        .build();
  }

  private void serve(MockWebServer server, Function<RecordedRequest, MockResponse> handler) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (server == phs) {
          phsRequests.add(request);
        }
        if (request.getUrl().encodedPath().startsWith("/images/")) {
          return new MockResponse.Builder().body(new Buffer().write(IMAGE)).build();
        }
        return handler.apply(request);
      }
    });
  }

  private PhoneHomeClient.Builder client(String firstServer) {
    return PhoneHomeClient.builder().bootstrapServers(firstServer).deviceOperations(device).okHttpClient(http)
        .clock(clock).sleeper(clock).random(new Random(5)).maxRounds(3);
  }

  @Test
  void juniperDialectFollowsTheRedirectAndProvisionsTheVirtualChassis() throws Exception {
    Bytes anchor = Bytes.of(root.certificate().getEncoded());
    serve(redirect, r -> xml(200, JuniperXmlCodec.encodeDevice(new JuniperDevice("PE1",
        RedirectInformation.of(new BootstrapServer("localhost", phs.getPort(), anchor))))));
    serve(phs, r -> {
      if (r.getMethod().equals("GET") && r.getUrl().encodedPath().equals(DEVICE_PATH)) {
        return xml(200, JuniperXmlCodec.encodeDevice(new JuniperDevice("PE1", onboarding(ProvisioningMode.STRICT))));
      }
      if (r.getMethod().equals("POST") && r.getUrl().encodedPath().equals(DEVICE_PATH + "/notification")) {
        received.addAll(JuniperXmlCodec.decodeNotifications(r.getBody().toByteArray().length == 0
            ? new java.io.ByteArrayInputStream(new byte[0]) : new java.io.ByteArrayInputStream(r.getBody().toByteArray()),
            CodecLimits.DEFAULT));
        return new MockResponse.Builder().code(204).build();
      }
      return new MockResponse.Builder().code(404).build();
    });

    PhoneHomeResult result;
    try (PhoneHomeClient client = client(redirect.url("/").toString()).dialect(Dialect.JUNIPER).build()) {
      result = client.run();
    }

    assertProvisioned(result, "https://localhost:" + phs.getPort());
    RecordedRequest get = phsRequests.get(0);
    assertThat(get.getHeaders().get("Authorization")).isEqualTo(okhttp3.Credentials.basic("PE1", ""));
    assertThat(get.getHeaders().get("Accept")).contains("application/yang-data+xml");
    assertThat(get.getHandshake()).isNotNull();
    assertThat(received).filteredOn(r -> r.type().equals(ProgressType.VC_MEMBER_IMAGE_INSTALLED)).first()
        .extracting(ProgressReport::member).isEqualTo(new MemberRef(0, "PE0", MemberRole.LINECARD));
  }

  @Test
  void rfc8572DialectInJsonProvisionsTheVirtualChassis() throws Exception {
    rfc8572(Encoding.JSON);
  }

  @Test
  void rfc8572DialectInXmlProvisionsTheVirtualChassis() throws Exception {
    rfc8572(Encoding.XML);
  }

  @Test
  void unclaimedSerialIsPolledWithBackoffAndTheNextServerTried() throws Exception {
    serve(redirect, r -> new MockResponse.Builder().code(404).build());
    serve(phs, r -> new MockResponse.Builder().code(503).build());

    try (PhoneHomeClient client = client(redirect.url("/").toString()).addBootstrapServer(phs.url("/").toString())
        .dialect(Dialect.JUNIPER).maxRounds(2).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(client::run)
          .isInstanceOf(dev.phonehome.phc.core.client.BootstrapFailedException.class)
          .hasMessageContaining("gave up after 2 round(s)")
          .hasMessageContaining("does not know serial PE1 (HTTP 404)")
          .hasMessageContaining("answered HTTP 503");
    }
    // 1 + 3 polls of the unclaimed serial per round, one try of the 5xx server per round.
    assertThat(redirect.getRequestCount()).isEqualTo(8);
    assertThat(phs.getRequestCount()).isEqualTo(2);
    assertThat(clock.totalSlept()).isPositive();
  }

  private void rfc8572(Encoding encoding) throws Exception {
    String get = "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
    String report = "/restconf/operations/ietf-sztp-bootstrap-server:report-progress";
    serve(phs, r -> {
      String path = r.getUrl().encodedPath();
      if (r.getMethod().equals("POST") && path.equals(get)) {
        Rfc8572Codec.decodeBootstrapRequest(new java.io.ByteArrayInputStream(r.getBody().toByteArray()), encoding,
            "PE1", CodecLimits.DEFAULT);
        byte[] doc = Rfc8572Codec.encodeConveyedInformation(onboarding(ProvisioningMode.DEFAULT), encoding);
        BootstrappingData data = new BootstrappingData(null, ConveyedInformationCms.wrapUnsigned(doc, encoding), null, null);
        return new MockResponse.Builder().code(200).setHeader("Content-Type", encoding.mediaType())
            .body(new Buffer().write(Rfc8572Codec.encodeBootstrappingData(data, encoding))).build();
      }
      if (r.getMethod().equals("POST") && path.equals(report)) {
        received.add(Rfc8572Codec.decodeReportProgress(new java.io.ByteArrayInputStream(r.getBody().toByteArray()),
            encoding, CodecLimits.DEFAULT));
        return new MockResponse.Builder().code(204).build();
      }
      return new MockResponse.Builder().code(404).build();
    });

    PhoneHomeResult result;
    try (PhoneHomeClient client = client(phs.url("/").toString()).dialect(Dialect.RFC8572).encoding(encoding).build()) {
      result = client.run();
    }

    assertProvisioned(result, phs.url("/").toString().replaceAll("/$", ""));
    assertThat(phsRequests.get(0).getHeaders().get("Content-Type")).startsWith(encoding.mediaType());
  }

  private void assertProvisioned(PhoneHomeResult result, String server) {
    assertThat(result.provisioningServer()).isEqualTo(server);
    assertThat(result.members()).extracting(MemberOutcome::status).containsOnly(MemberOutcome.Status.UPGRADED);
    assertThat(model.members()).extracting(VcMember::version).containsOnly(NEW);
    assertThat(model.committedConfiguration()).containsExactly(Harness.CONFIG);
    assertThat(received).extracting(ProgressReport::type).startsWith(ProgressType.BOOTSTRAP_INITIATED)
        .endsWith(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(received).containsExactlyElementsOf(result.notificationsDelivered());
    assertThat(received).extracting(r -> r.type() + ": " + r.message()).contains(
        "vc-member-reboot-initiated: Reboot initiated for Line Card members. Waiting for the members to come back up.",
        "vc-member-upgrade-success: member 0 (serial PE0, role linecard): Member detected and successfully upgraded.");
  }

  private static MockResponse xml(int code, byte[] body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/yang-data+xml")
        .body(new Buffer().write(body)).build();
  }
}
