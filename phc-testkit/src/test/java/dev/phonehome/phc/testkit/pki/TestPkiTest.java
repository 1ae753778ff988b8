package dev.phonehome.phc.testkit.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.testkit.pki.CertificateBuilder.KeyType;
import dev.phonehome.phc.core.internal.trust.DeviceIdentity;
import dev.phonehome.phc.core.internal.trust.TrustAnchors;
import dev.phonehome.phc.core.trust.ConveyedInformationVerifier.Verified;
import dev.phonehome.phc.core.trust.Voucher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestPkiTest {
  private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  private static final TestPki PKI = TestPki.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  private static final TestPki STRANGER = TestPki.builder().name("Stranger").clock(Clock.fixed(NOW, ZoneOffset.UTC))
      .build();
  private static final String SERIAL = "VJ3724AK0012";
  private static final Bytes NONCE = Bytes.fromHex("000102030405060708090a0b0c0d0e0f");
  private static final byte[] DOC = "{\"ietf-sztp-conveyed-info:onboarding-information\":{}}"
      .getBytes(StandardCharsets.UTF_8);
  private static final ProvisioningRecord RECORD = new ProvisioningRecord(SERIAL,
      RedirectInformation.of(new BootstrapServer("127.0.0.1", null, null)), "1");

  private static BootstrappingData signedWith(Bytes voucher) {
    return PKI.signer(Map.of(SERIAL, voucher)).bootstrappingData(RECORD, DOC, Encoding.JSON, null, null);
  }

  private static void assertReason(BootstrappingData data, Bytes nonce, Reason reason) {
    assertThatThrownBy(() -> PKI.verifier().verify(data, false, nonce, SERIAL, NOW))
        .isInstanceOfSatisfying(PhcTrustException.class, e -> assertThat(e.reason()).as(e.getMessage())
            .isEqualTo(reason));
  }

  @Test
  void signerAndVerifierOfOnePkiAgree() {
    BootstrappingData data = PKI.signer().bootstrappingData(RECORD, DOC, Encoding.JSON, null, NONCE.toByteArray());
    Verified v = PKI.verifier().verify(data, false, NONCE, SERIAL, NOW);
    assertThat(v.trusted()).isTrue();
    assertThat(v.document().document()).isEqualTo(DOC);
  }

  @Test
  void rsaOwnerPkiSignsWithRsa() {
    TestPki rsa = TestPki.builder().ownerKeyType(KeyType.RSA_2048).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    assertThat(rsa.ownerCertificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    BootstrappingData data = rsa.signer().bootstrappingData(RECORD, DOC, Encoding.JSON, null, null);
    assertThat(rsa.verifier().verify(data, false, null, SERIAL, NOW).trusted()).isTrue();
  }

  @Test
  void goodVoucherVariantsVerify() {
    assertThat(PKI.verifier().verify(signedWith(PKI.voucher(SERIAL).build()), false, null, SERIAL, NOW).trusted())
        .isTrue();
    assertThat(PKI.verifier().verify(signedWith(PKI.voucher(SERIAL).nonce(NONCE).build()), false, NONCE, SERIAL,
        NOW).trusted()).isTrue();
    assertThat(PKI.verifier().verify(signedWith(PKI.voucher(SERIAL).expiresOn(NOW.plus(Duration.ofDays(1)))
        .build()), false, null, SERIAL, NOW).trusted()).isTrue();
  }

  @Test
  void brokenVoucherVariantsFailWithTheirOwnReason() {
    assertReason(signedWith(PKI.voucher(SERIAL).corruptSignature().build()), null, Reason.VOUCHER_SIGNATURE_INVALID);
    assertReason(signedWith(PKI.voucher(SERIAL).signedByManufacturerOf(STRANGER).build()), null,
        Reason.VOUCHER_UNKNOWN_MANUFACTURER);
    assertReason(signedWith(PKI.voucher(SERIAL).createdOn(NOW.plusSeconds(60)).build()), null,
        Reason.VOUCHER_NOT_YET_VALID);
    assertReason(signedWith(PKI.voucher(SERIAL).expiresOn(NOW.minusSeconds(1)).build()), null,
        Reason.VOUCHER_EXPIRED);
    assertReason(signedWith(PKI.voucher(SERIAL).assertion(Voucher.Assertion.PROXIMITY).build()), null,
        Reason.VOUCHER_ASSERTION_UNACCEPTABLE);
    assertReason(signedWith(PKI.voucher(SERIAL).serialNumber("XX0000").build()), null,
        Reason.VOUCHER_SERIAL_MISMATCH);
    assertReason(signedWith(PKI.voucher(SERIAL).nonce(Bytes.fromHex("ffffffffffffffff")).build()), NONCE,
        Reason.VOUCHER_NONCE_MISMATCH);
    assertReason(signedWith(PKI.voucher(SERIAL).withoutPinnedDomainCert().build()), null,
        Reason.VOUCHER_PINNED_DOMAIN_CERT_MISSING);
    assertReason(signedWith(PKI.voucher(SERIAL).pinnedDomainCert(STRANGER.ownerCa()).build()), null,
        Reason.OWNER_CERTIFICATE_UNTRUSTED);
  }

  @Test
  void tamperedConveyedInformationFailsStep7() {
    BootstrappingData good = PKI.signer().bootstrappingData(RECORD, DOC, Encoding.JSON, null, null);
    BootstrappingData tampered = new BootstrappingData(null,
        CmsTampering.replaceContent(good.conveyedInformation(), "{}".getBytes(StandardCharsets.UTF_8)),
        good.ownerCertificate(), good.ownershipVoucher());
    assertReason(tampered, null, Reason.CONVEYED_INFORMATION_SIGNATURE_INVALID);
  }

  @Test
  void devicesCarryTheirSerialAndChainToTheManufacturer() throws Exception {
    TestPki.Device d = PKI.device(SERIAL);
    assertThat(PKI.device(SERIAL)).isSameAs(d);
    assertThat(DeviceIdentity.serialNumberOf(d.certificate())).contains(SERIAL);
    d.certificate().verify(PKI.manufacturerCa().getPublicKey());
    PKI.deviceCertificateTrustManager().checkClientTrusted(d.chain().toArray(new java.security.cert.X509Certificate[0]),
        "UNKNOWN");
    assertThatThrownBy(() -> STRANGER.deviceCertificateTrustManager().checkClientTrusted(
        d.chain().toArray(new java.security.cert.X509Certificate[0]), "UNKNOWN"))
        .isInstanceOf(java.security.cert.CertificateException.class);
  }

  @Test
  void serverCertificateNamesLocalhostAndLoopback() throws Exception {
    java.util.List<Object> names = new java.util.ArrayList<>();
    for (java.util.List<?> san : PKI.serverCertificate().getSubjectAlternativeNames()) {
      names.add(san.get(1));
    }
    assertThat(names).containsExactlyInAnyOrder("localhost", "127.0.0.1");
    java.security.cert.X509Certificate[] chain = {PKI.serverCertificate(), PKI.tlsCa()};
    assertThat(PKI.tlsAnchors()).containsExactly(PKI.tlsCa());
    PKI.clientTrustManager().checkServerTrusted(chain, "ECDHE_ECDSA");
    assertThatThrownBy(() -> STRANGER.clientTrustManager().checkServerTrusted(chain, "ECDHE_ECDSA"))
        .isInstanceOf(java.security.cert.CertificateException.class);
  }

  @Test
  void pemStringsReadBack() {
    assertThat(TrustAnchors.fromPem(PKI.serverCertificateChainPem()).certificates())
        .containsExactly(PKI.serverCertificate(), PKI.tlsCa());
    assertThat(TrustAnchors.fromPem(PKI.tlsCaPem()).certificates()).containsExactly(PKI.tlsCa());
    assertThat(PKI.serverKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PKI.deviceKeyPem(SERIAL)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(TrustAnchors.fromPem(PKI.deviceCertificateChainPem(SERIAL)).certificates().get(0))
        .isEqualTo(PKI.device(SERIAL).certificate());
  }

  @Test
  void redirectTrustAnchorsNameTheTlsCaInBothDialects() {
    for (Dialect d : Dialect.values()) {
      assertThat(TrustAnchors.fromRedirectTrustAnchor(PKI.redirectTrustAnchor(d), d).certificates())
          .containsExactly(PKI.tlsCa());
    }
  }
}
