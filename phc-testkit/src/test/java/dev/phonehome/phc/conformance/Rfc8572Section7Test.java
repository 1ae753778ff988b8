package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Records.DEVICE;
import static dev.phonehome.phc.conformance.Records.REDIRECTED;
import static dev.phonehome.phc.conformance.Records.REDIRECTED_SECRET;
import static dev.phonehome.phc.conformance.Records.SECRET;
import static dev.phonehome.phc.conformance.Wire.GET_DATA;
import static dev.phonehome.phc.conformance.Wire.JSON;
import static dev.phonehome.phc.conformance.Wire.REPORT;
import static dev.phonehome.phc.conformance.Wire.XML;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.VcNotification;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.RestconfErrors;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.internal.trust.Cms;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 8572 section 7, the bootstrap server API ({@code ietf-sztp-bootstrap-server}), as phc's server answers it
 * over real HTTPS: one test per rule, named after it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Rfc8572Section7Test {
  private static final TestPki PKI = TestPki.create();
  private final List<DeviceNotification> stored = new CopyOnWriteArrayList<>();
  private Wire wire;

  @BeforeEach
  void start() {
    wire = Wire.start(PKI, Records.records(),
        PhoneHomeServer.builder().authenticator(Records.secrets()).addProgressListener(stored::add));
  }

  @AfterEach
  void stop() {
    wire.close();
  }

  private Wire.Answer getData(String json) throws IOException {
    return wire.post(GET_DATA, JSON, JSON, json, DEVICE, SECRET);
  }

  private Wire.Answer report(String json) throws IOException {
    return wire.post(REPORT, JSON, JSON, json, DEVICE, SECRET);
  }

  private static String input(String members) {
    return "{\"ietf-sztp-bootstrap-server:input\":{" + members + "}}";
  }

  @Test
  void signedDataPreferredWithoutASignerNeverGetsUnsignedOnboardingInformation() throws IOException {
    Wire.Answer a = getData(input("\"signed-data-preferred\":[null]"));
    assertThat(a.status()).isEqualTo(501);
    RestconfErrors.RestconfError e = a.error();
    assertThat(e.errorTag()).isEqualTo("operation-not-supported");
    assertThat(e.errorMessage()).contains("signed-data-preferred");
    assertThat(a.text()).doesNotContain("conveyed-information");
  }

  @Test
  void signedDataPreferredStillGetsUnsignedRedirectInformation() throws IOException {
    Wire.Answer a = wire.post(GET_DATA, JSON, JSON, input("\"signed-data-preferred\":[null]"), REDIRECTED,
        REDIRECTED_SECRET);
    assertThat(a.status()).isEqualTo(200);
    BootstrappingData data = Rfc8572Codec.decodeBootstrappingData(new ByteArrayInputStream(a.body()), Encoding.JSON,
        CodecLimits.DEFAULT);
    assertThat(data.isSigned()).isFalse();
    dev.phonehome.phc.core.trust.ConveyedDocument doc = ConveyedInformationCms.unwrap(data.conveyedInformation());
    assertThat(Rfc8572Codec.decodeConveyedInformation(doc.document(), doc.encoding(), CodecLimits.DEFAULT))
        .isInstanceOf(RedirectInformation.class);
  }

  @Test
  void signedDataPreferredWithASignerGetsSignedData() throws IOException {
    wire.close();
    wire = Wire.start(PKI, Records.records(),
        PhoneHomeServer.builder().authenticator(Records.secrets()).signer(PKI.signer()));
    Wire.Answer a = getData(input("\"signed-data-preferred\":[null]"));
    assertThat(a.status()).isEqualTo(200);
    assertThat(Rfc8572Codec.decodeBootstrappingData(new ByteArrayInputStream(a.body()), Encoding.JSON,
        CodecLimits.DEFAULT).isSigned()).isTrue();
  }

  @Test
  void emptyNonceIsTheSameAsNoNonce() throws IOException {
    // The opiproject sztp agent always sends "nonce": "".
    assertThat(getData(input("\"hw-model\":\"x\",\"nonce\":\"\"")).status()).isEqualTo(200);
    assertThat(wire.post(GET_DATA, XML, XML, "<input xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server\">"
        + "<nonce/></input>", DEVICE, SECRET).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 15, 33})
  void nonceOf16To32BytesOnlyElseInvalidValue(int length) throws IOException {
    Wire.Answer a = getData(input("\"nonce\":\"" + Bytes.of(new byte[length]).base64() + "\""));
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().errorTag()).isEqualTo("invalid-value");
    assertThat(a.error().errorPath()).isEqualTo("/ietf-sztp-bootstrap-server:input/nonce");
    assertThat(a.error().errorMessage()).isEqualTo("nonce must be 16 to 32 bytes, was " + length);
  }

  @Test
  void reportProgressIsAnswered204NoContentAndStored() throws IOException {
    Wire.Answer a = report(input("\"progress-type\":\"bootstrap-initiated\",\"message\":\"hi\""));
    assertThat(a.status()).isEqualTo(204);
    assertThat(a.body()).isEmpty();
    assertThat(stored).singleElement().satisfies(n -> assertThat(n.report().type())
        .isEqualTo(ProgressType.BOOTSTRAP_INITIATED));
  }

  @Test
  void progressTypeIsAnEnumerationUnknownValuesAre400InvalidValueAndNotStored() throws IOException {
    Wire.Answer a = report(input("\"progress-type\":\"vendor-x-rebooting\",\"message\":\"hi\""));
    assertThat(a.status()).isEqualTo(400);
    RestconfErrors.RestconfError e = a.error();
    assertThat(e.errorType()).isEqualTo("protocol");
    assertThat(e.errorTag()).isEqualTo("invalid-value");
    assertThat(e.errorPath()).isEqualTo("/ietf-sztp-bootstrap-server:input/progress-type");
    assertThat(e.errorMessage()).startsWith("invalid progress-type 'vendor-x-rebooting'");
    assertThat(stored).isEmpty();
    assertThat(wire.server.progress().timeline(DEVICE)).isEmpty();
  }

  @Test
  void everyOneOfThe27ProgressTypesIsAccepted() throws IOException {
    for (ProgressType t : ProgressType.RFC8572) {
      assertThat(report(input("\"progress-type\":\"" + t.name() + "\"")).status()).as(t.name()).isEqualTo(204);
    }
    assertThat(stored).hasSize(27);
  }

  @Test
  void sshHostKeysOnlyWithBootstrapCompleteTheYangWhen() throws IOException {
    String keys = "\"ssh-host-keys\":{\"ssh-host-key\":[{\"algorithm\":\"ssh-ed25519\",\"key-data\":\"AAAA\"}]}";
    Wire.Answer a = report(input("\"progress-type\":\"config-complete\"," + keys));
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().errorTag()).isEqualTo("invalid-value");
    assertThat(a.error().errorPath()).isEqualTo("/ietf-sztp-bootstrap-server:input/ssh-host-keys");
    assertThat(report(input("\"progress-type\":\"bootstrap-complete\"," + keys)).status()).isEqualTo(204);
    assertThat(stored).singleElement().satisfies(n -> assertThat(n.report().sshHostKeys()).hasSize(1));
  }

  @Test
  void trustAnchorCertsOnlyWithBootstrapCompleteTheYangWhen() throws IOException {
    String certs = "\"trust-anchor-certs\":{\"trust-anchor-cert\":[\"" + degenerateCms() + "\"]}";
    Wire.Answer a = wire.post(REPORT, XML, XML, "<input xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server\">"
        + "<progress-type>informational</progress-type><trust-anchor-certs><trust-anchor-cert>" + degenerateCms()
        + "</trust-anchor-cert></trust-anchor-certs></input>", DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().errorTag()).isEqualTo("invalid-value");
    assertThat(a.error().errorPath()).isEqualTo("/sztp-svr:input/sztp-svr:trust-anchor-certs");
    assertThat(a.text()).contains("xmlns:sztp-svr=\"urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server\"");
    assertThat(report(input("\"progress-type\":\"bootstrap-complete\"," + certs)).status()).isEqualTo(204);
  }

  @Test
  void emptyHostKeyAndTrustAnchorContainersAreTheSameAsNone() throws IOException {
    // The opiproject sztp agent sends both, empty, with every report.
    Wire.Answer a = report(input("\"progress-type\":\"boot-image-initiated\",\"message\":\"BootImage Initiated\","
        + "\"ssh-host-keys\":{},\"trust-anchor-certs\":{}"));
    assertThat(a.status()).isEqualTo(204);
    assertThat(stored).singleElement().satisfies(n -> {
      assertThat(n.report().sshHostKeys()).isEmpty();
      assertThat(n.report().trustAnchorCerts()).isEmpty();
    });
  }

  @Test
  void trustAnchorCertMustBeACmsSignedData() throws IOException {
    String notCms = Bytes.utf8("mysshpass").base64();
    Wire.Answer a = report(input("\"progress-type\":\"bootstrap-complete\",\"trust-anchor-certs\":"
        + "{\"trust-anchor-cert\":[\"" + degenerateCms() + "\",\"" + notCms + "\"]}"));
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().errorTag()).isEqualTo("invalid-value");
    assertThat(a.error().errorPath())
        .isEqualTo("/ietf-sztp-bootstrap-server:input/trust-anchor-certs/trust-anchor-cert[2]");
    assertThat(a.error().errorMessage()).startsWith("trust-anchor-cert is not a CMS SignedData");
    assertThat(stored).isEmpty();
  }

  @Test
  void progressTypeIsMandatory() throws IOException {
    Wire.Answer a = report(input("\"message\":\"no type\""));
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().errorTag()).isEqualTo("missing-element");
    Wire.Answer empty = wire.post(REPORT, null, JSON, null, DEVICE, SECRET);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.error().errorTag()).isEqualTo("missing-element");
  }

  @Test
  void virtualChassisTypesTravelAsInformationalAndAreRestored() throws IOException {
    ProgressReport vc = VcNotification.UPGRADE_FAILED.about(new MemberRef(2, "PE3714100301", MemberRole.LINECARD));
    byte[] body = Rfc8572Codec.encodeReportProgress(vc, Encoding.JSON);
    assertThat(new String(body, java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"progress-type\": \"informational\"");
    assertThat(report(new String(body, java.nio.charset.StandardCharsets.UTF_8)).status()).isEqualTo(204);
    assertThat(stored).singleElement().satisfies(n -> assertThat(n.report()).isEqualTo(vc));
  }

  @Test
  void notificationIdSuffixIsStrippedFromTheMessageAndKept() throws IOException {
    ProgressReport r = ProgressReport.builder(ProgressType.CONFIG_COMPLETE).message("committed")
        .notificationId(NotificationId.parse("5f0c2a9e71d3b846-17")).build();
    String body = new String(Rfc8572Codec.encodeReportProgress(r, Encoding.JSON), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(body).contains("committed [notification-id 5f0c2a9e71d3b846-17]");
    assertThat(report(body).status()).isEqualTo(204);
    assertThat(stored).singleElement().satisfies(n -> {
      assertThat(n.report().message()).isEqualTo("committed");
      assertThat(n.report().notificationId()).isEqualTo(NotificationId.parse("5f0c2a9e71d3b846-17"));
    });
  }

  /** A degenerate SignedData holding one certificate, as trust-anchor-cert carries (RFC 8572 section 7). */
  private static String degenerateCms() {
    return Cms.degenerate(List.of(PKI.tlsCa())).base64();
  }
}
