package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.internal.trust.Cms;
import dev.phonehome.phc.core.trust.DefaultConveyedInformationVerifier;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 8572 signed data: the engine hands every answer to the configured verifier (the trust seam). */
@Timeout(60)
class SignedDataEndToEndTest {
  private final VirtualClock clock = new VirtualClock();
  private final TestPki pki = TestPki.builder().clock(clock).build();
  private final MockWebServer phs = new MockWebServer();
  private final List<BootstrapRequest> requests = new CopyOnWriteArrayList<>();
  private final OkHttpClient http = new OkHttpClient.Builder()
      .sslSocketFactory(pki.clientSslContext(null).getSocketFactory(), pki.clientTrustManager())
      .callTimeout(Duration.ofSeconds(20)).build();
  private VirtualChassisModel model;
  private String voucherSerial = "PE0";

  @BeforeEach
  void start() throws Exception {
    phs.useHttps(pki.serverSslContext().getSocketFactory());
    phs.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        String path = r.getUrl().encodedPath();
        if (path.startsWith("/images/")) {
          return new MockResponse.Builder().body(new Buffer().write(IMAGE)).build();
        }
        if (path.endsWith(":report-progress")) {
          return new MockResponse.Builder().code(204).build();
        }
        BootstrapRequest req = Rfc8572Codec.decodeBootstrapRequest(new ByteArrayInputStream(r.getBody().toByteArray()),
            Encoding.JSON, "PE0", CodecLimits.DEFAULT);
        requests.add(req);
        byte[] doc = Rfc8572Codec.encodeConveyedInformation(onboarding(), Encoding.JSON);
        Bytes signed = Cms.sign(doc, ConveyedInformationCms.contentType(Encoding.JSON), pki.ownerKey(), pki.ownerChain());
        Bytes voucher = pki.voucher(voucherSerial).nonce(req.nonce()).build();
        BootstrappingData data = new BootstrappingData(null, signed, Cms.degenerate(pki.ownerChain()), voucher);
        return new MockResponse.Builder().setHeader("Content-Type", Encoding.JSON.mediaType())
            .body(new Buffer().write(Rfc8572Codec.encodeBootstrappingData(data, Encoding.JSON))).build();
      }
    });
    phs.start(InetAddress.getLoopbackAddress(), 0);
    model = VirtualChassisModel.builder().clock(clock).member(0, "PE0", "ex4300-48p", Harness.OLD)
        .member(1, "PE1", "ex4300-48p", Harness.OLD).build();
  }

  @AfterEach
  void stop() {
    phs.close();
    http.dispatcher().executorService().shutdown();
  }

  private OnboardingInformation onboarding() {
    return OnboardingInformation.builder()
        .bootImage(BootImage.builder().osName("junos").osVersion(Harness.NEW)
            .addDownloadUri(phs.url("/images/" + Harness.IMAGE_NAME).toString())
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Harness.digest("SHA-256", IMAGE))).build())
        .topology(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)).build();
  }

  private PhoneHomeClient client() {
    return PhoneHomeClient.builder().bootstrapServers(phs.url("/").toString()).dialect(Dialect.RFC8572)
        .deviceOperations(FakeVirtualChassis.of(model)).okHttpClient(http).clock(clock).sleeper(clock)
        .random(new Random(9)).maxRounds(1)
        .conveyedInformationVerifier(DefaultConveyedInformationVerifier.builder()
            .manufacturerAnchor(pki.manufacturerCa()).build())
        .build();
  }

  @Test
  void signedOnboardingInformationVerifiedThroughTheVoucherProvisionsTheVirtualChassis() throws Exception {
    PhoneHomeResult result;
    try (PhoneHomeClient client = client()) {
      result = client.run();
    }

    assertThat(result.failedMembers()).isEmpty();
    assertThat(model.members()).extracting(VcMember::version).containsOnly(Harness.NEW);
    assertThat(requests).singleElement().satisfies(r -> {
      // The connection is authenticated (the client trusts the server's certificate): no signed-data-preferred,
      // which would forbid a server without a signer to answer; the nonce still binds a signed answer's voucher.
      assertThat(r.signedDataPreferred()).isFalse();
      assertThat(r.nonce()).isNotNull();
    });
  }

  @Test
  void voucherForAnotherDeviceIsRefusedNamingTheReason() {
    voucherSerial = "SOMEONE-ELSE";
    try (PhoneHomeClient client = client()) {
      assertThatThrownBy(client::run).isInstanceOf(BootstrapFailedException.class)
          .hasMessageContaining("PhcTrustException: VOUCHER_SERIAL_MISMATCH");
    }
    assertThat(model.operationSummaries("install-image")).isEmpty();
  }
}
