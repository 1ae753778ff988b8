package dev.phonehome.phc.core.trust;

import static dev.phonehome.phc.core.internal.trust.Fixture.NOW;
import static dev.phonehome.phc.core.internal.trust.Fixture.ONBOARDING_JSON;
import static dev.phonehome.phc.core.internal.trust.Fixture.REDIRECT_JSON;
import static dev.phonehome.phc.core.internal.trust.Fixture.REDIRECT_XML;
import static dev.phonehome.phc.core.internal.trust.Fixture.SERIAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder.KeyType;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder;
import dev.phonehome.phc.core.internal.trust.Cms;
import dev.phonehome.phc.core.internal.trust.Fixture;
import dev.phonehome.phc.core.internal.trust.TrustAnchors;
import dev.phonehome.phc.core.trust.ConveyedInformationVerifier.Verified;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.junit.jupiter.api.Test;

class DefaultConveyedInformationVerifierTest {
  private static final Fixture F = new Fixture();
  private static final Fixture OTHER = new Fixture(KeyType.EC_P256, "Other");
  private static final Bytes NONCE = Bytes.fromHex("00112233445566778899aabbccddeeff");

  private final DefaultConveyedInformationVerifier verifier = F.verifier();

  private BootstrappingData signed(Bytes voucher) {
    return new BootstrappingData(null, F.signJson(ONBOARDING_JSON), F.ownerBag(), voucher);
  }

  private Verified verify(BootstrappingData data) {
    return verifier.verify(data, false, null, SERIAL, NOW);
  }

  private static void assertReason(ThrowingCallable call, Reason reason) {
    assertThatThrownBy(call).isInstanceOfSatisfying(PhcTrustException.class,
        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
  }

  // ----- happy paths -----

  @Test
  void signedOnboardingFromUntrustedServerVerifiesAndIsTrusted() {
    Verified v = verify(signed(F.sign(F.voucher())));

    assertThat(v.trusted()).isTrue();
    assertThat(v.document().signed()).isTrue();
    assertThat(v.document().encoding()).isEqualTo(Encoding.JSON);
    assertThat(v.document().document()).isEqualTo(ONBOARDING_JSON);
  }

  @Test
  void signedRedirectCarryingTrustAnchorVerifiesAndItsAnchorIsUsable() {
    Bytes anchor = TrustAnchors.rfc8572TrustAnchor(List.of(F.tlsCa));
    String redirect = "{\"ietf-sztp-conveyed-info:redirect-information\":{\"bootstrap-server\":[{\"address\":"
        + "\"127.0.0.1\",\"port\":8443,\"trust-anchor\":\"" + anchor.base64() + "\"}]}}";
    byte[] doc = redirect.getBytes(StandardCharsets.UTF_8);
    BootstrappingData data = new BootstrappingData(null, F.signJson(doc), F.ownerBag(), F.sign(F.voucher()));

    Verified v = verify(data);

    assertThat(v.trusted()).isTrue();
    assertThat(v.document().document()).isEqualTo(doc);
    assertThat(TrustAnchors.fromRedirectTrustAnchor(anchor, dev.phonehome.phc.api.Dialect.RFC8572).certificates())
        .containsExactly(F.tlsCa);
  }

  @Test
  void signedXmlWithRsaOwnerVerifies() {
    Fixture rsa = new Fixture(KeyType.RSA_2048, "Rsa");
    byte[] xml = "<onboarding-information xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info\"/>"
        .getBytes(StandardCharsets.UTF_8);
    Bytes ci = Cms.sign(xml, ConveyedInformationCms.OID_XML, rsa.ownerKeys.getPrivate(), rsa.ownerChain());
    BootstrappingData data = new BootstrappingData(null, ci, rsa.ownerBag(), rsa.sign(rsa.voucher()));

    Verified v = rsa.verifier().verify(data, false, null, SERIAL, NOW);

    assertThat(v.trusted()).isTrue();
    assertThat(v.document().encoding()).isEqualTo(Encoding.XML);
    assertThat(v.document().document()).isEqualTo(xml);
  }

  @Test
  void voucherWithTheSentNonceVerifies() {
    Verified v = verifier.verify(signed(F.sign(F.voucher().withNonce(NONCE))), false, NONCE, SERIAL, NOW);
    assertThat(v.trusted()).isTrue();
  }

  @Test
  void voucherWithoutNonceIsAcceptedWhenNonceSentUnlessRequired() {
    BootstrappingData data = signed(F.sign(F.voucher()));
    assertThat(verifier.verify(data, false, NONCE, SERIAL, NOW).trusted()).isTrue();

    DefaultConveyedInformationVerifier strict = verifier.toBuilder().requireNonceWhenSent().build();
    assertReason(() -> strict.verify(data, false, NONCE, SERIAL, NOW), Reason.VOUCHER_NONCE_MISMATCH);
  }

  @Test
  void ownerCertificateItselfPinnedVerifies() {
    Voucher v = Voucher.of(SERIAL, Fixture.der(F.owner), NOW.minusSeconds(60));
    BootstrappingData data = new BootstrappingData(null, F.signJson(ONBOARDING_JSON),
        Cms.degenerate(List.of(F.owner)), F.sign(v));
    assertThat(verify(data).trusted()).isTrue();
  }

  @Test
  void voucherSignedDirectlyByManufacturerAnchorVerifies() {
    Bytes voucher = VoucherCodec.sign(F.voucher(), F.manufacturerCaKeys.getPrivate(), List.of(F.manufacturerCa));
    assertThat(verify(signed(voucher)).trusted()).isTrue();
  }

  // ----- step 1 -----

  @Test
  void step1VoucherWithCorruptedSignatureIsRefused() {
    Bytes voucher = F.sign(F.voucher());
    Bytes tampered = replaceEncapsulatedContent(voucher,
        VoucherCodec.encodeJson(F.voucher().withAssertion(Voucher.Assertion.LOGGED)));
    assertReason(() -> verify(signed(tampered)), Reason.VOUCHER_SIGNATURE_INVALID);
  }

  @Test
  void step1VoucherFromUnknownManufacturerIsRefused() {
    Bytes voucher = VoucherCodec.sign(F.voucher(), OTHER.masaKeys.getPrivate(), List.of(OTHER.masa));
    assertReason(() -> verify(signed(voucher)), Reason.VOUCHER_UNKNOWN_MANUFACTURER);
  }

  @Test
  void step1VoucherSignerNotCarriedAndNotAnAnchorIsUnknownManufacturer() {
    Bytes voucher = VoucherCodec.sign(F.voucher(), OTHER.manufacturerCaKeys.getPrivate(),
        List.of(OTHER.manufacturerCa));
    Bytes stripped = stripCertificates(voucher);
    assertReason(() -> verify(signed(stripped)), Reason.VOUCHER_UNKNOWN_MANUFACTURER);
  }

  @Test
  void step1KnownManufacturerWithExpiredMasaCertificateIsSignatureInvalid() {
    KeyPair kp = CertificateBuilder.newKeyPair(KeyType.EC_P256);
    var expiredMasa = CertificateBuilder.builder().subject("CN=Expired MASA")
        .issuer(F.manufacturerCa, F.manufacturerCaKeys.getPrivate())
        .validity(NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(1))).build(kp);
    Bytes voucher = VoucherCodec.sign(F.voucher(), kp.getPrivate(), List.of(expiredMasa));
    assertReason(() -> verify(signed(voucher)), Reason.VOUCHER_SIGNATURE_INVALID);
  }

  // ----- step 2 -----

  @Test
  void step2VoucherCreatedInTheFutureIsNotYetValid() {
    Voucher v = Voucher.of(SERIAL, Fixture.der(F.ownerCa), NOW.plus(Duration.ofHours(1)));
    assertReason(() -> verify(signed(F.sign(v))), Reason.VOUCHER_NOT_YET_VALID);
  }

  @Test
  void step2ExpiredVoucherIsRefused() {
    Voucher v = F.voucher().withExpiresOn(NOW.minusSeconds(1));
    assertReason(() -> verify(signed(F.sign(v))), Reason.VOUCHER_EXPIRED);
  }

  @Test
  void step2ClockSkewToleranceAcceptsSlightlyExpiredVoucher() {
    Voucher v = F.voucher().withExpiresOn(NOW.minusSeconds(30));
    DefaultConveyedInformationVerifier lenient = verifier.toBuilder().clockSkew(Duration.ofMinutes(1)).build();
    assertThat(lenient.verify(signed(F.sign(v)), false, null, SERIAL, NOW).trusted()).isTrue();
  }

  // ----- step 3 -----

  @Test
  void step3ProximityAssertionIsUnacceptableByDefault() {
    Voucher v = F.voucher().withAssertion(Voucher.Assertion.PROXIMITY);
    assertReason(() -> verify(signed(F.sign(v))), Reason.VOUCHER_ASSERTION_UNACCEPTABLE);
  }

  @Test
  void step3AcceptableAssertionsAreConfigurable() {
    DefaultConveyedInformationVerifier onlyVerified =
        verifier.toBuilder().acceptableAssertions(Set.of(Voucher.Assertion.VERIFIED)).build();
    Bytes logged = F.sign(F.voucher().withAssertion(Voucher.Assertion.LOGGED));
    assertReason(() -> onlyVerified.verify(signed(logged), false, null, SERIAL, NOW),
        Reason.VOUCHER_ASSERTION_UNACCEPTABLE);
    assertThat(verifier.verify(signed(logged), false, null, SERIAL, NOW).trusted()).isTrue();
  }

  // ----- step 4 -----

  @Test
  void step4VoucherForAnotherSerialIsRefused() {
    Voucher v = Voucher.of("OTHER0001", Fixture.der(F.ownerCa), NOW.minusSeconds(60));
    assertReason(() -> verify(signed(F.sign(v))), Reason.VOUCHER_SERIAL_MISMATCH);
  }

  @Test
  void step4VoucherWithAnotherNonceIsRefused() {
    Bytes voucher = F.sign(F.voucher().withNonce(Bytes.fromHex("ffeeddccbbaa99887766554433221100")));
    assertReason(() -> verifier.verify(signed(voucher), false, NONCE, SERIAL, NOW), Reason.VOUCHER_NONCE_MISMATCH);
  }

  @Test
  void step4VoucherWithNonceWhenNoneWasSentIsRefused() {
    Bytes voucher = F.sign(F.voucher().withNonce(NONCE));
    assertReason(() -> verifier.verify(signed(voucher), false, null, SERIAL, NOW), Reason.VOUCHER_NONCE_MISMATCH);
  }

  // ----- step 5 -----

  @Test
  void step5VoucherWithoutPinnedDomainCertIsRefused() {
    Voucher v = new Voucher(NOW.minusSeconds(60), null, Voucher.Assertion.VERIFIED, SERIAL, null, null, null,
        null, null);
    assertReason(() -> verify(signed(F.sign(v))), Reason.VOUCHER_PINNED_DOMAIN_CERT_MISSING);
  }

  @Test
  void step5PinnedDomainCertThatIsNotACertificateIsRefused() {
    Voucher v = Voucher.of(SERIAL, Bytes.utf8("not a certificate"), NOW.minusSeconds(60));
    assertReason(() -> verify(signed(F.sign(v))), Reason.VOUCHER_PINNED_DOMAIN_CERT_MISSING);
  }

  // ----- step 6 -----

  @Test
  void step6OwnerCertificateNotUnderPinnedDomainCertIsRefused() {
    Voucher v = Voucher.of(SERIAL, Fixture.der(OTHER.ownerCa), NOW.minusSeconds(60));
    assertReason(() -> verify(signed(F.sign(v))), Reason.OWNER_CERTIFICATE_UNTRUSTED);
  }

  @Test
  void step6ExpiredOwnerCertificateIsRefused() {
    KeyPair kp = CertificateBuilder.newKeyPair(KeyType.EC_P256);
    var expired = CertificateBuilder.builder().subject("CN=Expired Owner").issuer(F.ownerCa,
        F.ownerCaKeys.getPrivate()).validity(NOW.minus(Duration.ofDays(10)), NOW.minusSeconds(1)).build(kp);
    Bytes ci = Cms.sign(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON, kp.getPrivate(), List.of(expired));
    BootstrappingData data = new BootstrappingData(null, ci, Cms.degenerate(List.of(expired, F.ownerCa)),
        F.sign(F.voucher()));
    assertReason(() -> verify(data), Reason.OWNER_CERTIFICATE_UNTRUSTED);
  }

  // ----- step 7 -----

  @Test
  void step7TamperedConveyedInformationIsRefused() {
    Bytes tampered = replaceEncapsulatedContent(F.signJson(ONBOARDING_JSON),
        "{\"ietf-sztp-conveyed-info:onboarding-information\":{}}".getBytes(StandardCharsets.UTF_8));
    BootstrappingData data = new BootstrappingData(null, tampered, F.ownerBag(), F.sign(F.voucher()));
    assertReason(() -> verify(data), Reason.CONVEYED_INFORMATION_SIGNATURE_INVALID);
  }

  @Test
  void step7ConveyedInformationSignedByAnotherOwnerKeyIsRefused() {
    Bytes ci = Cms.sign(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON, OTHER.ownerKeys.getPrivate(),
        List.of(OTHER.owner));
    BootstrappingData data = new BootstrappingData(null, ci, F.ownerBag(), F.sign(F.voucher()));
    assertReason(() -> verify(data), Reason.CONVEYED_INFORMATION_SIGNATURE_INVALID);
  }

  @Test
  void step7WrongKeyClaimingTheOwnerCertificateIsRefused() {
    // signed by another key but naming the legitimate owner certificate as signer
    Bytes ci = Cms.sign(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON, OTHER.ownerKeys.getPrivate(),
        List.of(F.owner));
    BootstrappingData data = new BootstrappingData(null, ci, F.ownerBag(), F.sign(F.voucher()));
    assertReason(() -> verify(data), Reason.CONVEYED_INFORMATION_SIGNATURE_INVALID);
  }

  @Test
  void step7UnsignedConveyedInformationWithOwnerDataIsRefused() {
    BootstrappingData data = new BootstrappingData(null,
        Fixture.unsigned(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON), F.ownerBag(), F.sign(F.voucher()));
    assertReason(() -> verify(data), Reason.MALFORMED);
  }

  // ----- unsigned and incomplete -----

  @Test
  void unsignedOnboardingFromUntrustedServerIsRefused() {
    BootstrappingData data = new BootstrappingData(null,
        Fixture.unsigned(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON), null, null);
    assertReason(() -> verify(data), Reason.UNSIGNED_FROM_UNTRUSTED_SERVER);
  }

  @Test
  void unsignedOnboardingFromTrustedServerIsTrusted() {
    BootstrappingData data = new BootstrappingData(null,
        Fixture.unsigned(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON), null, null);
    Verified v = verifier.verify(data, true, null, SERIAL, NOW);
    assertThat(v.trusted()).isTrue();
    assertThat(v.document().signed()).isFalse();
    assertThat(v.document().document()).isEqualTo(ONBOARDING_JSON);
  }

  @Test
  void unsignedRedirectFromUntrustedServerIsUsableButUntrusted() {
    Verified json = verify(new BootstrappingData(null,
        Fixture.unsigned(REDIRECT_JSON, ConveyedInformationCms.OID_JSON), null, null));
    Verified xml = verify(new BootstrappingData(null,
        Fixture.unsigned(REDIRECT_XML, ConveyedInformationCms.OID_XML), null, null));

    assertThat(json.trusted()).isFalse();
    assertThat(json.document().document()).isEqualTo(REDIRECT_JSON);
    assertThat(xml.trusted()).isFalse();
    assertThat(xml.document().encoding()).isEqualTo(Encoding.XML);
  }

  @Test
  void unsignedXmlWithDoctypeIsNotMistakenForRedirect() {
    byte[] xxe = ("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<redirect-information>&x;</redirect-information>").getBytes(StandardCharsets.UTF_8);
    BootstrappingData data = new BootstrappingData(null, Fixture.unsigned(xxe, ConveyedInformationCms.OID_XML),
        null, null);
    assertReason(() -> verify(data), Reason.UNSIGNED_FROM_UNTRUSTED_SERVER);
  }

  @Test
  void labModeAcceptsUnsignedOnboardingUntrustedAndSaysSo() {
    DefaultConveyedInformationVerifier lab = verifier.toBuilder().labModeInsecure().build();
    BootstrappingData data = new BootstrappingData(null,
        Fixture.unsigned(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON), null, null);

    Verified v = lab.verify(data, false, null, SERIAL, NOW);

    assertThat(lab.labModeInsecure()).isTrue();
    assertThat(verifier.labModeInsecure()).isFalse();
    assertThat(v.trusted()).isFalse();
    assertThat(v.document().document()).isEqualTo(ONBOARDING_JSON);
  }

  @Test
  void labModeStillRefusesBadSignedData() {
    DefaultConveyedInformationVerifier lab = verifier.toBuilder().labModeInsecure().build();
    Bytes voucher = F.sign(F.voucher().withExpiresOn(NOW.minusSeconds(1)));
    assertReason(() -> lab.verify(signed(voucher), false, null, SERIAL, NOW), Reason.VOUCHER_EXPIRED);
  }

  @Test
  void ownerCertificateWithoutVoucherIsIncomplete() {
    assertReason(() -> verifier.verify(F.signJson(ONBOARDING_JSON), F.ownerBag(), null, false, null, SERIAL, NOW),
        Reason.OWNER_CERTIFICATE_AND_VOUCHER_INCOMPLETE);
    assertReason(() -> verifier.verify(F.signJson(ONBOARDING_JSON), null, F.sign(F.voucher()), false, null,
        SERIAL, NOW), Reason.OWNER_CERTIFICATE_AND_VOUCHER_INCOMPLETE);
  }

  @Test
  void signedConveyedInformationWithoutOwnerDataIsIncomplete() {
    BootstrappingData data = new BootstrappingData(null, F.signJson(ONBOARDING_JSON), null, null);
    assertReason(() -> verifier.verify(data, true, null, SERIAL, NOW), Reason.OWNER_CERTIFICATE_AND_VOUCHER_INCOMPLETE);
  }

  // ----- malformed -----

  @Test
  void garbageInAnyLeafIsMalformed() {
    Bytes junk = Bytes.utf8("this is not DER");
    assertReason(() -> verify(new BootstrappingData(null, junk, null, null)), Reason.MALFORMED);
    assertReason(() -> verify(signed(junk)), Reason.MALFORMED);
    assertReason(() -> verify(new BootstrappingData(null, F.signJson(ONBOARDING_JSON), junk, F.sign(F.voucher()))),
        Reason.MALFORMED);
    assertReason(() -> verify(new BootstrappingData(null, junk, F.ownerBag(), F.sign(F.voucher()))),
        Reason.MALFORMED);
  }

  @Test
  void encryptedConveyedInformationIsRefusedAsUnsupported() {
    // ContentInfo { id-envelopedData, [0] SEQUENCE {} }: the shape is enough to be recognised and refused
    Bytes enveloped = Bytes.fromHex("300f06092a864886f70d010703a0023000");
    assertThatThrownBy(() -> verifier.verify(new BootstrappingData(null, enveloped, null, null), true, null, SERIAL,
        NOW)).isInstanceOfSatisfying(PhcTrustException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
          assertThat(e.getMessage()).contains("encrypted");
        });
  }

  @Test
  void voucherWithWrongContentTypeIsMalformed() {
    Bytes notVoucher = Cms.sign(VoucherCodec.encodeJson(F.voucher()), ConveyedInformationCms.OID_JSON,
        F.masaKeys.getPrivate(), List.of(F.masa));
    assertReason(() -> verify(signed(notVoucher)), Reason.MALFORMED);
  }

  @Test
  void conveyedInformationWithWrongContentTypeIsMalformed() {
    Bytes ci = Cms.sign(ONBOARDING_JSON, "1.2.840.113549.1.7.5", F.ownerKeys.getPrivate(), List.of(F.owner));
    assertReason(() -> verify(new BootstrappingData(null, ci, F.ownerBag(), F.sign(F.voucher()))), Reason.MALFORMED);
  }

  @Test
  void conveyedInformationSignedAsIdDataIsReadWithTheEncodingItShows() {
    Bytes ci = Cms.sign(ONBOARDING_JSON, "1.2.840.113549.1.7.1", F.ownerKeys.getPrivate(), List.of(F.owner));
    Verified v = verify(new BootstrappingData(null, ci, F.ownerBag(), F.sign(F.voucher())));
    assertThat(v.trusted()).isTrue();
    assertThat(v.document().encoding()).isEqualTo(dev.phonehome.phc.api.Encoding.JSON);
    assertThat(v.document().document()).isEqualTo(ONBOARDING_JSON);
  }

  @Test
  void signedVoucherWithBadJsonIsMalformedNamingThePath() {
    byte[] json = "{\"ietf-voucher:voucher\":{\"created-on\":\"yesterday\"}}".getBytes(StandardCharsets.UTF_8);
    Bytes voucher = Cms.sign(json, Cms.OID_JSON_VOUCHER, F.masaKeys.getPrivate(), List.of(F.masa));
    assertThatThrownBy(() -> verify(signed(voucher))).isInstanceOfSatisfying(PhcTrustException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
      assertThat(e.getMessage()).contains("$.ietf-voucher:voucher.created-on").contains("yesterday");
    });
  }

  /** Replaces the encapsulated content of a SignedData, leaving the signer infos untouched. */
  static Bytes replaceEncapsulatedContent(Bytes signedData, byte[] content) {
    try {
      ContentInfo ci = ContentInfo.getInstance(ASN1Primitive.fromByteArray(signedData.toByteArray()));
      SignedData sd = SignedData.getInstance(ci.getContent());
      ContentInfo encap = new ContentInfo(sd.getEncapContentInfo().getContentType(), new DEROctetString(content));
      SignedData changed = new SignedData(sd.getDigestAlgorithms(), encap, sd.getCertificates(), sd.getCRLs(),
          sd.getSignerInfos());
      return Bytes.of(new ContentInfo(ci.getContentType(), changed).getEncoded(ASN1Encoding.DER));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Bytes stripCertificates(Bytes signedData) {
    try {
      ContentInfo ci = ContentInfo.getInstance(ASN1Primitive.fromByteArray(signedData.toByteArray()));
      SignedData sd = SignedData.getInstance(ci.getContent());
      SignedData changed = new SignedData(sd.getDigestAlgorithms(), sd.getEncapContentInfo(), null, sd.getCRLs(),
          sd.getSignerInfos());
      return Bytes.of(new ContentInfo(ci.getContentType(), changed).getEncoded(ASN1Encoding.DER));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
