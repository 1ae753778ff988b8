package dev.phonehome.phc.core.trust;

import static dev.phonehome.phc.core.internal.trust.Fixture.NOW;
import static dev.phonehome.phc.core.internal.trust.Fixture.ONBOARDING_JSON;
import static dev.phonehome.phc.core.internal.trust.Fixture.SERIAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder.KeyType;
import dev.phonehome.phc.core.internal.trust.Cms;
import dev.phonehome.phc.core.internal.trust.Fixture;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefaultConveyedInformationSignerTest {
  private static final Fixture F = new Fixture();
  private static final Bytes NONCE = Bytes.fromHex("0102030405060708090a0b0c0d0e0f10");
  private static final ProvisioningRecord RECORD = new ProvisioningRecord(SERIAL,
      RedirectInformation.of(new BootstrapServer("127.0.0.1", 8443, null)), "v1");

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private DefaultConveyedInformationSigner minting() {
    return DefaultConveyedInformationSigner.builder()
        .ownerKey(F.ownerKeys.getPrivate(), F.ownerChain())
        .manufacturerKey(F.masaKeys.getPrivate(), List.of(F.masa))
        .pinnedDomainCert(F.ownerCa)
        .clock(clock)
        .build();
  }

  @Test
  void signedAnswerVerifiesInTheClientWithMintedVoucher() {
    BootstrappingData data = minting().bootstrappingData(RECORD, ONBOARDING_JSON, Encoding.JSON,
        ReportingLevel.VERBOSE, null);

    assertThat(data.isSigned()).isTrue();
    assertThat(data.reportingLevel()).isEqualTo(ReportingLevel.VERBOSE);
    var v = F.verifier().verify(data, false, null, SERIAL, NOW);
    assertThat(v.trusted()).isTrue();
    assertThat(v.document().document()).isEqualTo(ONBOARDING_JSON);
    Voucher voucher = VoucherCodec.decodeJson(Cms.parse(data.ownershipVoucher(), "v").content());
    assertThat(voucher.expiresOn()).isEqualTo(NOW.plus(Duration.ofDays(14)));
    assertThat(voucher.nonce()).isNull();
  }

  @Test
  void nonceInRequestGetsAFreshVoucherBoundToIt() {
    BootstrappingData data = minting().bootstrappingData(RECORD, ONBOARDING_JSON, Encoding.JSON, null,
        NONCE.toByteArray());

    Voucher voucher = VoucherCodec.decodeJson(Cms.parse(data.ownershipVoucher(), "v").content());
    assertThat(voucher.nonce()).isEqualTo(NONCE);
    assertThat(voucher.expiresOn()).isNull();
    assertThat(F.verifier().verify(data, false, NONCE, SERIAL, NOW).trusted()).isTrue();
  }

  @Test
  void premadeVoucherIsServedAsIs() {
    Bytes premade = F.sign(F.voucher());
    DefaultConveyedInformationSigner signer = DefaultConveyedInformationSigner.builder()
        .ownerKey(F.ownerKeys.getPrivate(), F.ownerChain()).vouchers(Map.of(SERIAL, premade)).build();

    BootstrappingData data = signer.bootstrappingData(RECORD, ONBOARDING_JSON, Encoding.JSON, null,
        NONCE.toByteArray());

    assertThat(data.ownershipVoucher()).isEqualTo(premade);
    assertThat(data.ownerCertificate()).isEqualTo(signer.ownerCertificate());
    assertThat(Cms.certificatesOf(data.ownerCertificate(), "owner-certificate")).containsExactlyInAnyOrder(F.owner, F.ownerCa);
    assertThat(F.verifier().verify(data, false, NONCE, SERIAL, NOW).trusted()).isTrue();
  }

  @Test
  void serialWithoutVoucherAndNoManufacturerKeyIsAConfigurationError() {
    DefaultConveyedInformationSigner signer = DefaultConveyedInformationSigner.builder()
        .ownerKey(F.ownerKeys.getPrivate(), F.ownerChain()).build();
    assertThatThrownBy(() -> signer.bootstrappingData(RECORD, ONBOARDING_JSON, Encoding.JSON, null, null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(SERIAL);
  }

  @Test
  void rsaOwnerKeySignsXml() {
    Fixture rsa = new Fixture(KeyType.RSA_2048, "Rsa");
    byte[] xml = "<redirect-information xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info\"/>"
        .getBytes(StandardCharsets.UTF_8);
    DefaultConveyedInformationSigner signer = DefaultConveyedInformationSigner.builder()
        .ownerKey(rsa.ownerKeys.getPrivate(), rsa.ownerChain())
        .manufacturerKey(rsa.masaKeys.getPrivate(), List.of(rsa.masa)).pinnedDomainCert(rsa.ownerCa).clock(clock)
        .build();

    BootstrappingData data = signer.bootstrappingData(RECORD, xml, Encoding.XML, null, null);

    Cms.SignedContent sc = Cms.parse(data.conveyedInformation(), "ci");
    assertThat(sc.eContentType()).isEqualTo(ConveyedInformationCms.OID_XML);
    assertThat(sc.signedData().getSignerInfos().getSigners().iterator().next().getEncryptionAlgOID())
        .startsWith("1.2.840.113549.1.1.");
    var v = rsa.verifier().verify(data, false, null, SERIAL, NOW);
    assertThat(v.document().encoding()).isEqualTo(Encoding.XML);
    assertThat(v.document().document()).isEqualTo(xml);
  }

  @Test
  void signatureIsCachedPerRecordVersionAndEncoding() {
    DefaultConveyedInformationSigner signer = minting();
    Bytes first = signer.bootstrappingData(RECORD, ONBOARDING_JSON, Encoding.JSON, null, null).conveyedInformation();
    Bytes again = signer.bootstrappingData(RECORD, ONBOARDING_JSON.clone(), Encoding.JSON, null, null)
        .conveyedInformation();
    // ECDSA signatures are randomized: the same bytes mean the cached signature was reused.
    assertThat(again).isSameAs(first);

    ProvisioningRecord v2 = new ProvisioningRecord(SERIAL, RECORD.conveyedInformation(), "v2");
    Bytes afterVersion = signer.bootstrappingData(v2, ONBOARDING_JSON, Encoding.JSON, null, null)
        .conveyedInformation();
    assertThat(afterVersion).isNotEqualTo(first);

    byte[] xml = "<onboarding-information/>".getBytes(StandardCharsets.UTF_8);
    Bytes otherEncoding = signer.bootstrappingData(v2, xml, Encoding.XML, null, null).conveyedInformation();
    assertThat(Cms.parse(otherEncoding, "ci").eContentType()).isEqualTo(ConveyedInformationCms.OID_XML);
    assertThat(signer.bootstrappingData(v2, ONBOARDING_JSON, Encoding.JSON, null, null).conveyedInformation())
        .isSameAs(afterVersion);
  }

  @Test
  void changedDocumentUnderUnchangedVersionIsSignedAgain() {
    DefaultConveyedInformationSigner signer = minting();
    signer.bootstrappingData(RECORD, ONBOARDING_JSON, Encoding.JSON, null, null);
    byte[] changed = "{\"ietf-sztp-conveyed-info:onboarding-information\":{}}".getBytes(StandardCharsets.UTF_8);

    BootstrappingData data = signer.bootstrappingData(RECORD, changed, Encoding.JSON, null, null);

    assertThat(F.verifier().verify(data, false, null, SERIAL, NOW).document().document()).isEqualTo(changed);
  }

  @Test
  void mintedVoucherIsReusedUntilHalfItsLifetime() {
    DefaultConveyedInformationSigner signer = minting();
    Bytes v1 = signer.bootstrappingData(RECORD, ONBOARDING_JSON, Encoding.JSON, null, null).ownershipVoucher();
    Bytes v2 = signer.bootstrappingData(RECORD, ONBOARDING_JSON, Encoding.JSON, null, null).ownershipVoucher();
    assertThat(v2).isSameAs(v1);
  }

  @Test
  void mutatingTheCallersArrayDoesNotPoisonTheCache() {
    DefaultConveyedInformationSigner signer = minting();
    byte[] doc = ONBOARDING_JSON.clone();
    signer.bootstrappingData(RECORD, doc, Encoding.JSON, null, null);
    doc[5] ^= 1;
    BootstrappingData data = signer.bootstrappingData(RECORD, doc, Encoding.JSON, null, null);
    assertThat(F.verifier().verify(data, false, null, SERIAL, NOW).document().document()).isEqualTo(doc);
  }

  @Test
  void unsignedSignerWrapsWithTheCodec() {
    BootstrappingData data = DefaultConveyedInformationSigner.unsigned()
        .bootstrappingData(RECORD, ONBOARDING_JSON, Encoding.JSON, ReportingLevel.MINIMAL, null);
    assertThat(data.isSigned()).isFalse();
    assertThat(data.conveyedInformation()).isEqualTo(Fixture.unsigned(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON));
    assertThat(F.verifier().verify(data, true, null, SERIAL, NOW).document().document()).isEqualTo(ONBOARDING_JSON);
    assertThatThrownBy(() -> F.verifier().verify(data, false, null, SERIAL, NOW))
        .isInstanceOf(PhcTrustException.class);
  }

  @Test
  void builderRefusesMissingOwnerKey() {
    assertThatThrownBy(() -> DefaultConveyedInformationSigner.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ownerKey");
  }

}
