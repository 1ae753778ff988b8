package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Records.DEVICE;
import static dev.phonehome.phc.conformance.Wire.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.conformance.ScriptedHttpsServer.Reply;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.internal.engine.BootstrapTransport;
import dev.phonehome.phc.core.internal.trust.Cms;
import dev.phonehome.phc.core.trust.DefaultConveyedInformationVerifier;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.pki.TestVoucher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 8572 section 5.4, processing bootstrapping data: which data a device may act on and how signed data is
 * verified, including the voucher's {@code idevid-issuer} (RFC 8366) and {@code domain-cert-revocation-checks}.
 * phc's client against a server that is not phc (scripted answers over HTTPS).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Rfc8572Section5_4Test {
  private static final TestPki PKI = TestPki.create();
  private static final TestPki STRANGER = TestPki.builder().name("Stranger").build();
  private static final byte[] ONBOARDING = ("{\"ietf-sztp-conveyed-info:onboarding-information\":{"
      + "\"configuration-handling\":\"merge\",\"configuration\":\"PGNvbmZpZ3VyYXRpb24vPg==\"}}")
      .getBytes(StandardCharsets.UTF_8);
  private ScriptedHttpsServer server;

  @BeforeEach
  void start() throws IOException {
    server = new ScriptedHttpsServer(PKI.serverSslContext());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void answerSigned(TestVoucher voucher, List<X509CRL> carriedCrls) {
    Bytes conveyed = Cms.sign(ONBOARDING, "1.2.840.113549.1.9.16.1.43", PKI.ownerKey(), PKI.ownerChain());
    BootstrappingData data = new BootstrappingData(null, conveyed, Cms.degenerate(PKI.ownerChain(), carriedCrls),
        voucher.build());
    String out = new String(Rfc8572Codec.encodeBootstrappingData(data, Encoding.JSON), StandardCharsets.UTF_8);
    server.script(r -> Reply.of(200, JSON, out));
  }

  private BootstrapTransport.Answer fetch(DefaultConveyedInformationVerifier verifier) {
    try (Device device = Device.builder(PKI).verifier(verifier).build()) {
      return device.fetch(server.url());
    }
  }

  private static void assertReason(Runnable r, Reason reason) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(PhcTrustException.class,
        e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void unsignedOnboardingInformationFromAnUntrustedServerIsRefused() throws IOException {
    // A server the device cannot authenticate that ignores signed-data-preferred and answers unsigned data.
    try (ScriptedHttpsServer untrusted = new ScriptedHttpsServer(STRANGER.serverSslContext());
        Device device = Device.builder(PKI).verifier(PKI.verifier()).provisional().build()) {
      untrusted.script(r -> Reply.of(200, JSON, Device.unsignedOutput(new String(ONBOARDING, StandardCharsets.UTF_8),
          Encoding.JSON, Encoding.JSON)));
      assertReason(() -> device.fetch(untrusted.url()), Reason.UNSIGNED_FROM_UNTRUSTED_SERVER);
    }
  }

  @Test
  void unsignedRedirectFromAnUntrustedServerIsFollowedButNotTrusted() throws IOException {
    try (ScriptedHttpsServer untrusted = new ScriptedHttpsServer(STRANGER.serverSslContext());
        Device device = Device.builder(PKI).verifier(PKI.verifier()).provisional().build()) {
      untrusted.script(r -> Reply.of(200, JSON, Device.unsignedOutput("{\"ietf-sztp-conveyed-info:redirect-information"
          + "\":{\"bootstrap-server\":[{\"address\":\"phs.example.net\",\"port\":8443,\"trust-anchor\":\""
          + Cms.degenerate(List.of(STRANGER.tlsCa())).base64() + "\"}]}}", Encoding.JSON, Encoding.JSON)));
      BootstrapTransport.Answer a = device.fetch(untrusted.url());
      assertThat(a.information()).isInstanceOf(RedirectInformation.class);
      assertThat(a.trusted()).as("its trust anchors are not honoured").isFalse();
    }
  }

  @Test
  void signedDataFromAnUntrustedServerIsAcceptedWhenVoucherAndOwnerChainVerify() throws IOException {
    Bytes conveyed = Cms.sign(ONBOARDING, "1.2.840.113549.1.9.16.1.43", PKI.ownerKey(), PKI.ownerChain());
    try (ScriptedHttpsServer untrusted = new ScriptedHttpsServer(STRANGER.serverSslContext());
        Device device = Device.builder(PKI).verifier(PKI.verifier()).provisional().build()) {
      untrusted.script(r -> {
        BootstrapRequest req = Rfc8572Codec.decodeBootstrapRequest(new java.io.ByteArrayInputStream(r.body()),
            Encoding.JSON, DEVICE, dev.phonehome.phc.core.internal.codec.CodecLimits.DEFAULT);
        BootstrappingData data = new BootstrappingData(null, conveyed, Cms.degenerate(PKI.ownerChain()),
            PKI.voucher(DEVICE).nonce(req.nonce()).build());
        return Reply.of(200, JSON, new String(Rfc8572Codec.encodeBootstrappingData(data, Encoding.JSON),
            StandardCharsets.UTF_8));
      });
      BootstrapTransport.Answer a = device.fetch(untrusted.url());
      assertThat(a.trusted()).isTrue();
      assertThat(a.information()).isInstanceOf(OnboardingInformation.class);
    }
  }

  @Test
  void voucherIdevidIssuerMustBeThisDevicesIdevidAuthorityKeyIdentifier() {
    DefaultConveyedInformationVerifier verifier = PKI.verifier().toBuilder()
        .deviceIdevid(PKI.device(DEVICE).certificate()).build();
    answerSigned(PKI.voucher(DEVICE).idevidIssuerOf(DEVICE), List.of());
    assertThat(fetch(verifier).trusted()).isTrue();
    // A voucher minted for the same serial on another manufacturer's hardware names another issuer key.
    answerSigned(PKI.voucher(DEVICE).idevidIssuer(Bytes.fromHex("0102030405060708090a0b0c0d0e0f1011121314")),
        List.of());
    assertReason(() -> fetch(verifier), Reason.VOUCHER_IDEVID_ISSUER_MISMATCH);
  }

  @Test
  void voucherNamingAnIdevidIssuerIsRefusedWhenTheDeviceIdevidIsUnknown() {
    answerSigned(PKI.voucher(DEVICE).idevidIssuerOf(DEVICE), List.of());
    assertThatThrownBy(() -> fetch(PKI.verifier())).isInstanceOfSatisfying(PhcTrustException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.VOUCHER_IDEVID_ISSUER_MISMATCH);
      assertThat(e.getMessage()).contains("does not know the device's IDevID");
    });
  }

  @Test
  void revocationChecksWithoutObtainableStatusRefuseTheOwnerCertificate() {
    answerSigned(PKI.voucher(DEVICE).domainCertRevocationChecks(true), List.of());
    assertReason(() -> fetch(PKI.verifier()), Reason.OWNER_CERTIFICATE_REVOCATION_UNKNOWN);
  }

  @Test
  void revocationChecksPassWithACrlCarriedInTheOwnerCertificateCms() {
    answerSigned(PKI.voucher(DEVICE).domainCertRevocationChecks(true), List.of(PKI.ownerCaCrl()));
    assertThat(fetch(PKI.verifier()).trusted()).isTrue();
  }

  @Test
  void revocationChecksPassWithACrlTheUserSupplies() {
    answerSigned(PKI.voucher(DEVICE).domainCertRevocationChecks(true), List.of());
    assertThat(fetch(PKI.verifier().toBuilder().crls(List.of(PKI.ownerCaCrl())).build()).trusted()).isTrue();
  }

  @Test
  void revokedOwnerCertificateIsRefused() {
    answerSigned(PKI.voucher(DEVICE).domainCertRevocationChecks(true), List.of(PKI.ownerCaCrl(PKI.ownerCertificate())));
    assertReason(() -> fetch(PKI.verifier()), Reason.OWNER_CERTIFICATE_REVOKED);
  }

  @Test
  void withoutTheRevocationFlagNothingIsCheckedEvenWhenACrlRevokesTheOwner() {
    // RFC 8366: absent means "normal PKIX behaviour"; a device has nothing to fetch with, so phc does not check.
    answerSigned(PKI.voucher(DEVICE), List.of(PKI.ownerCaCrl(PKI.ownerCertificate())));
    assertThat(fetch(PKI.verifier()).trusted()).isTrue();
    answerSigned(PKI.voucher(DEVICE).domainCertRevocationChecks(false), List.of());
    assertThat(fetch(PKI.verifier()).trusted()).isTrue();
  }
}
