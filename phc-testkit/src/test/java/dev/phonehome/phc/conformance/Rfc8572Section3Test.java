package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Records.DEVICE;
import static dev.phonehome.phc.conformance.Records.SECRET;
import static dev.phonehome.phc.conformance.Wire.GET_DATA;
import static dev.phonehome.phc.conformance.Wire.JSON;
import static dev.phonehome.phc.conformance.Wire.XML;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.conformance.ScriptedHttpsServer.Reply;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.internal.engine.BootstrapTransport;
import dev.phonehome.phc.core.internal.trust.Cms;
import dev.phonehome.phc.core.trust.VoucherCodec;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 8572 section 3, the artifacts (conveyed information, owner certificate, ownership voucher) and their CMS
 * content types: what phc's server sends, and what phc's client accepts from a server that is not phc.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Rfc8572Section3Test {
  private static final TestPki PKI = TestPki.create();
  private static final String ID_DATA = "1.2.840.113549.1.7.1";
  private static final String ONBOARDING_JSON = "{\"ietf-sztp-conveyed-info:onboarding-information\":{"
      + "\"configuration-handling\":\"merge\",\"configuration\":\"PGNvbmZpZ3VyYXRpb24vPg==\"}}";
  private static final String ONBOARDING_XML = "<onboarding-information"
      + " xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info\"><configuration-handling>merge"
      + "</configuration-handling><configuration>PGNvbmZpZ3VyYXRpb24vPg==</configuration></onboarding-information>";
  private ScriptedHttpsServer foreign;

  @BeforeEach
  void start() throws IOException {
    foreign = new ScriptedHttpsServer(PKI.serverSslContext());
  }

  @AfterEach
  void stop() {
    foreign.close();
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void unsignedConveyedInformationIsContentInfoOfSztpConveyedInfoXmlOrJson(Encoding enc) throws Exception {
    try (Wire wire = Wire.start(PKI, Records.records(), PhoneHomeServer.builder().authenticator(Records.secrets()))) {
      Wire.Answer a = wire.post(GET_DATA, null, enc.mediaType(), null, DEVICE, SECRET);
      assertThat(a.status()).isEqualTo(200);
      BootstrappingData data = Rfc8572Codec.decodeBootstrappingData(new ByteArrayInputStream(a.body()), enc,
          CodecLimits.DEFAULT);
      ContentInfo ci = ContentInfo.getInstance(data.conveyedInformation().toByteArray());
      assertThat(ci.getContentType().getId())
          .isEqualTo(enc == Encoding.JSON ? "1.2.840.113549.1.9.16.1.43" : "1.2.840.113549.1.9.16.1.42");
      assertThat(data.ownerCertificate()).isNull();
      assertThat(data.ownershipVoucher()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void conveyedInformationOfContentTypeIdDataIsAccepted(Encoding enc) throws Exception {
    String doc = enc == Encoding.JSON ? ONBOARDING_JSON : ONBOARDING_XML;
    Bytes idData = Bytes.of(new ContentInfo(new ASN1ObjectIdentifier(ID_DATA),
        new DEROctetString(doc.getBytes(StandardCharsets.UTF_8))).getEncoded("DER"));
    String output = new String(Rfc8572Codec.encodeBootstrappingData(new BootstrappingData(null, idData, null, null),
        Encoding.JSON), StandardCharsets.UTF_8);
    foreign.script(r -> Reply.of(200, JSON, output));
    try (Device device = Device.builder(PKI).build()) {
      OnboardingInformation info = (OnboardingInformation) device.fetch(foreign.url()).information();
      assertThat(info.configuration()).isEqualTo(Bytes.utf8("<configuration/>"));
    }
  }

  @Test
  void signedConveyedInformationWithEContentTypeIdDataIsAccepted() {
    Bytes signed = Cms.sign(ONBOARDING_JSON.getBytes(StandardCharsets.UTF_8), ID_DATA, PKI.ownerKey(),
        PKI.ownerChain());
    Bytes voucher = PKI.voucher(DEVICE).build();
    answerSigned(signed, voucher);
    try (Device device = Device.builder(PKI).verifier(PKI.verifier()).build()) {
      BootstrapTransport.Answer a = device.fetch(foreign.url());
      assertThat(a.trusted()).isTrue();
      assertThat(((OnboardingInformation) a.information()).configuration()).isEqualTo(Bytes.utf8("<configuration/>"));
    }
  }

  @Test
  void ownershipVoucherWithEContentTypeIdDataIsAccepted() {
    Bytes signed = Cms.sign(ONBOARDING_JSON.getBytes(StandardCharsets.UTF_8), "1.2.840.113549.1.9.16.1.43",
        PKI.ownerKey(), PKI.ownerChain());
    Bytes voucher = Cms.sign(VoucherCodec.encodeJson(PKI.voucher(DEVICE).voucher()), ID_DATA, PKI.masaKey(),
        List.of(PKI.masaCertificate()));
    answerSigned(signed, voucher);
    try (Device device = Device.builder(PKI).verifier(PKI.verifier()).build()) {
      assertThat(device.fetch(foreign.url()).trusted()).isTrue();
    }
  }

  @Test
  void ownerCertificateAndOwnershipVoucherComeTogether() {
    Bytes signed = Cms.sign(ONBOARDING_JSON.getBytes(StandardCharsets.UTF_8), "1.2.840.113549.1.9.16.1.43",
        PKI.ownerKey(), PKI.ownerChain());
    String output = "{\"ietf-sztp-bootstrap-server:output\":{\"conveyed-information\":\"" + signed.base64()
        + "\",\"owner-certificate\":\"" + Cms.degenerate(PKI.ownerChain()).base64() + "\"}}";
    foreign.script(r -> Reply.of(200, JSON, output));
    try (Device device = Device.builder(PKI).verifier(PKI.verifier()).build()) {
      assertThatThrownBy(() -> device.fetch(foreign.url())).isInstanceOf(PhcProtocolException.class)
          .hasMessageContaining("owner-certificate and ownership-voucher must come together");
    }
  }

  @Test
  void signedDataWithoutAVerifierIsRefusedNotIgnored() {
    Bytes signed = Cms.sign(ONBOARDING_JSON.getBytes(StandardCharsets.UTF_8), ID_DATA, PKI.ownerKey(),
        PKI.ownerChain());
    answerSigned(signed, PKI.voucher(DEVICE).build());
    try (Device device = Device.builder(PKI).build()) {
      assertThatThrownBy(() -> device.fetch(foreign.url())).isInstanceOf(PhcTrustException.class)
          .hasMessageContaining("no trust anchors or vouchers are configured");
    }
  }

  private void answerSigned(Bytes conveyed, Bytes voucher) {
    String output = new String(Rfc8572Codec.encodeBootstrappingData(new BootstrappingData(null, conveyed,
        Cms.degenerate(PKI.ownerChain()), voucher), Encoding.XML), StandardCharsets.UTF_8);
    foreign.script(r -> Reply.of(200, XML, output));
  }
}
