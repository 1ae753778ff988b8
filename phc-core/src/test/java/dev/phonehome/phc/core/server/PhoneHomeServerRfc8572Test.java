package dev.phonehome.phc.core.server;

import static dev.phonehome.phc.core.server.Fixtures.REDIRECTED;
import static dev.phonehome.phc.core.server.Fixtures.SERIAL_A;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.trust.ConveyedDocument;
import dev.phonehome.phc.core.trust.ConveyedInformationSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The RFC 8572 dialect end to end over real HTTPS on loopback, in JSON and XML. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PhoneHomeServerRfc8572Test {
  private static final String GET_DATA = "restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
  private static final String REPORT = "restconf/operations/ietf-sztp-bootstrap-server:report-progress";
  private final TestTls tls = new TestTls();
  private final List<DeviceNotification> heard = new CopyOnWriteArrayList<>();
  private PhoneHomeServer server;

  /** RFC 8572 devices authenticate (section 5.3): by their secret, or by a certificate from the test CA. */
  static final String SECRET = "s3cret";

  private PhoneHomeServer start(PhoneHomeServer.Builder b) {
    server = b.records(Fixtures.records()).sslContext(tls.serverContext()).clientAuth(ClientAuth.WANT)
        .authenticator(DeviceAuthentication.builder()
            .deviceSecrets(serial -> java.util.Optional.of(SECRET))
            .manufacturerCas(List.of(tls.ca)).build())
        .addProgressListener(heard::add).build().start();
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private OkHttpClient client(SSLContext ctx) {
    return new OkHttpClient.Builder().sslSocketFactory(ctx.getSocketFactory(), tls.trustManager())
        .callTimeout(Duration.ofSeconds(20)).build();
  }

  private Response post(OkHttpClient client, String path, byte[] body, Encoding enc, String user) throws IOException {
    Request.Builder b = new Request.Builder().url(server.url() + path)
        .header("Accept", enc.mediaType())
        .post(RequestBody.create(body, MediaType.get(enc.mediaType())));
    if (user != null) {
      b.header("Authorization", Credentials.basic(user, SECRET));
    }
    return client.newCall(b.build()).execute();
  }

  private static ConveyedInformation roundTrip(ConveyedInformation info, Encoding enc) {
    return Rfc8572Codec.decodeConveyedInformation(Rfc8572Codec.encodeConveyedInformation(info, enc), enc,
        CodecLimits.DEFAULT);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void getBootstrappingDataAnswersUnsignedOnboardingInformation(Encoding enc) throws IOException {
    start(PhoneHomeServer.builder());
    byte[] input = Rfc8572Codec.encodeBootstrapRequest(
        new BootstrapRequest(SERIAL_A, "ex4300-48p", "junos", "21.4R3.15", null, false), enc);
    try (Response r = post(client(tls.clientContext()), GET_DATA, input, enc, SERIAL_A)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo(enc.mediaType());
      BootstrappingData data = Rfc8572Codec.decodeBootstrappingData(r.body().byteStream(), enc, CodecLimits.DEFAULT);
      assertThat(data.isSigned()).isFalse();
      assertThat(data.reportingLevel()).isEqualTo(ReportingLevel.VERBOSE);
      ConveyedDocument doc = ConveyedInformationCms.unwrap(data.conveyedInformation());
      assertThat(doc.signed()).isFalse();
      assertThat(doc.encoding()).isEqualTo(enc);
      assertThat(Rfc8572Codec.decodeConveyedInformation(doc.document(), enc, CodecLimits.DEFAULT))
          .isEqualTo(roundTrip(Fixtures.onboarding("sw-a"), enc));
    }
    assertThat(server.progress().status(SERIAL_A).state()).isEqualTo(DeviceState.REQUESTED);
  }

  @Test
  void emptyInputIsAllowedAndAcceptDecidesTheAnswerEncoding() throws IOException {
    start(PhoneHomeServer.builder());
    try (Response r = client(tls.clientContext()).newCall(new Request.Builder().url(server.url() + GET_DATA)
        .header("Authorization", Credentials.basic(SERIAL_A, SECRET))
        .header("Accept", "application/yang.data+json")
        .post(RequestBody.create(new byte[0], MediaType.get("application/yang-data+xml"))).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/yang-data+json");
    }
  }

  @Test
  void redirectRecordIsAnsweredAsRedirectInformation() throws IOException {
    start(PhoneHomeServer.builder());
    try (Response r = post(client(tls.clientContext()), GET_DATA, new byte[0], Encoding.JSON, REDIRECTED)) {
      assertThat(r.code()).isEqualTo(200);
      BootstrappingData data = Rfc8572Codec.decodeBootstrappingData(r.body().byteStream(), Encoding.JSON, CodecLimits.DEFAULT);
      ConveyedDocument doc = ConveyedInformationCms.unwrap(data.conveyedInformation());
      ConveyedInformation info = Rfc8572Codec.decodeConveyedInformation(doc.document(), Encoding.JSON, CodecLimits.DEFAULT);
      assertThat(info).isInstanceOf(RedirectInformation.class).isEqualTo(roundTrip(Fixtures.redirect(), Encoding.JSON));
    }
  }

  @Test
  void unknownSerialIs404WithJsonRestconfError() throws IOException {
    start(PhoneHomeServer.builder());
    try (Response r = post(client(tls.clientContext()), GET_DATA, new byte[0], Encoding.JSON, "XX0000000000")) {
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.header("Content-Type")).isEqualTo("application/yang-data+json");
      assertThat(r.body().string()).contains("ietf-restconf:errors").contains("invalid-value");
    }
  }

  @Test
  void clientCertificateAloneIdentifiesTheDevice() throws IOException {
    start(PhoneHomeServer.builder());
    try (Response r = post(client(tls.deviceContext(SERIAL_A)), GET_DATA, new byte[0], Encoding.XML, null)) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(server.progress().status(SERIAL_A).requests()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void reportProgressIsStored204InBothEncodings(Encoding enc) throws IOException {
    start(PhoneHomeServer.builder());
    ProgressReport vc = ProgressReport.builder(ProgressType.VC_MEMBER_UPGRADE_SUCCESS)
        .member(new MemberRef(2, "PE3714100999", MemberRole.LINECARD))
        .message("member 2 (serial PE3714100999, role linecard): Successfully upgraded.").build();
    try (Response r = post(client(tls.clientContext()), REPORT, Rfc8572Codec.encodeReportProgress(vc, enc), enc, SERIAL_A)) {
      assertThat(r.code()).isEqualTo(204);
    }
    DeviceNotification n = server.progress().timeline(SERIAL_A).get(0);
    assertThat(n.dialect()).isEqualTo(Dialect.RFC8572);
    assertThat(n.report()).isEqualTo(Rfc8572Codec.decodeReportProgress(
        new ByteArrayInputStream(Rfc8572Codec.encodeReportProgress(vc, enc)), enc, CodecLimits.DEFAULT));
    assertThat(n.report().type()).isEqualTo(ProgressType.VC_MEMBER_UPGRADE_SUCCESS);
    assertThat(heard).containsExactly(n);
  }

  @Test
  void malformedJsonIs400AndStoresNothing() throws IOException {
    start(PhoneHomeServer.builder());
    try (Response r = post(client(tls.clientContext()), REPORT, "{\"ietf-sztp-bootstrap-server:input\": {".getBytes(),
        Encoding.JSON, SERIAL_A)) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(r.body().string()).contains("malformed-message");
    }
    try (Response r = post(client(tls.clientContext()), REPORT,
        "{\"ietf-sztp-bootstrap-server:input\": {\"progress-type\": 42}}".getBytes(), Encoding.JSON, SERIAL_A)) {
      assertThat(r.code()).isEqualTo(400);
    }
    assertThat(server.progress().timeline(SERIAL_A)).isEmpty();
  }

  @Test
  void unsupportedContentTypeIs415() throws IOException {
    start(PhoneHomeServer.builder());
    try (Response r = client(tls.clientContext()).newCall(new Request.Builder().url(server.url() + REPORT)
        .header("Authorization", Credentials.basic(SERIAL_A, SECRET))
        .post(RequestBody.create("x", MediaType.get("text/plain"))).build()).execute()) {
      assertThat(r.code()).isEqualTo(415);
    }
  }

  @Test
  void signerProducesTheAnswerAndSeesTheNonce() throws IOException {
    AtomicReference<byte[]> nonceSeen = new AtomicReference<>();
    Bytes fakeSigned = ConveyedInformationCms.wrapUnsigned("<x/>".getBytes(), Encoding.XML);
    ConveyedInformationSigner signer = (record, document, encoding, level, nonce) -> {
      nonceSeen.set(nonce);
      assertThat(record.serialNumber()).isEqualTo(SERIAL_A);
      return new BootstrappingData(level, fakeSigned, Bytes.utf8("owner-certificate"), Bytes.utf8("ownership-voucher"));
    };
    start(PhoneHomeServer.builder().signer(signer));
    byte[] nonce = new byte[16];
    for (int i = 0; i < 16; i++) {
      nonce[i] = (byte) i;
    }
    byte[] input = Rfc8572Codec.encodeBootstrapRequest(
        new BootstrapRequest(SERIAL_A, null, null, null, Bytes.of(nonce), true), Encoding.JSON);
    try (Response r = post(client(tls.clientContext()), GET_DATA, input, Encoding.JSON, SERIAL_A)) {
      assertThat(r.code()).isEqualTo(200);
      BootstrappingData data = Rfc8572Codec.decodeBootstrappingData(r.body().byteStream(), Encoding.JSON, CodecLimits.DEFAULT);
      assertThat(data.isSigned()).isTrue();
      assertThat(data.ownerCertificate()).isEqualTo(Bytes.utf8("owner-certificate"));
      assertThat(data.ownershipVoucher()).isEqualTo(Bytes.utf8("ownership-voucher"));
    }
    assertThat(nonceSeen.get()).isEqualTo(nonce);
  }
}
