package dev.phonehome.phc.core.internal.trust;

import static dev.phonehome.phc.core.internal.trust.Fixture.ONBOARDING_JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder.KeyType;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CmsTest {
  private static final Fixture EC = new Fixture();
  private static final Fixture RSA = new Fixture(KeyType.RSA_2048, "Rsa");

  @Test
  void ecSignedDataCarriesContentTypeContentAndChainAndVerifies() {
    Bytes der = Cms.sign(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON, EC.ownerKeys.getPrivate(),
        EC.ownerChain());

    Cms.SignedContent sc = Cms.parse(der, "ci");

    assertThat(sc.eContentType()).isEqualTo(ConveyedInformationCms.OID_JSON);
    assertThat(sc.content()).isEqualTo(ONBOARDING_JSON);
    assertThat(sc.certificates()).containsExactlyInAnyOrder(EC.owner, EC.ownerCa);
    assertThat(sc.signerCount()).isEqualTo(1);
    assertThat(Cms.signerCertificate(sc, sc.certificates())).isEqualTo(EC.owner);
    assertThat(Cms.verifiedBy(sc, EC.owner)).isTrue();
    assertThat(Cms.verifiedBy(sc, EC.ownerCa)).isFalse();
    assertThat(sc.signedData().getSignerInfos().getSigners().iterator().next().getDigestAlgOID())
        .isEqualTo("2.16.840.1.101.3.4.2.1");
  }

  @Test
  void rsaSignedDataVerifies() {
    Bytes der = Cms.sign(ONBOARDING_JSON, ConveyedInformationCms.OID_XML, RSA.ownerKeys.getPrivate(),
        List.of(RSA.owner));
    Cms.SignedContent sc = Cms.parse(der, "ci");
    assertThat(Cms.verifiedBy(sc, RSA.owner)).isTrue();
    assertThat(Cms.signatureAlgorithm(RSA.ownerKeys.getPrivate())).isEqualTo("SHA256withRSA");
  }

  @Test
  void degenerateSignedDataRoundTripsCertificates() {
    Bytes bag = Cms.degenerate(List.of(EC.owner, EC.ownerCa));
    Cms.SignedContent sc = Cms.parse(bag, "bag");
    assertThat(sc.eContentType()).isEqualTo("1.2.840.113549.1.7.1");
    assertThat(sc.content()).isNull();
    assertThat(sc.signerCount()).isZero();
    assertThat(Cms.certificatesOf(bag, "owner-certificate")).containsExactlyInAnyOrder(EC.owner, EC.ownerCa);
  }

  @Test
  void signedDataIsNotADegenerateBag() {
    Bytes signed = Cms.sign(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON, EC.ownerKeys.getPrivate(),
        List.of(EC.owner));
    assertThatThrownBy(() -> Cms.certificatesOf(signed, "owner-certificate"))
        .isInstanceOfSatisfying(PhcTrustException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
          assertThat(e.getMessage()).contains("owner-certificate").contains("1 signer");
        });
  }

  @Test
  void unsignedContentInfoIsNotSignedData() {
    Bytes unsigned = Fixture.unsigned(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON);
    assertThatThrownBy(() -> Cms.parse(unsigned, "owner-certificate"))
        .isInstanceOfSatisfying(PhcTrustException.class, e -> assertThat(e.getMessage())
            .contains("owner-certificate").contains(ConveyedInformationCms.OID_JSON));
    Cms.Unsigned u = Cms.parseUnsigned(unsigned, "ci");
    assertThat(u.contentType()).isEqualTo(ConveyedInformationCms.OID_JSON);
    assertThat(u.content()).isEqualTo(ONBOARDING_JSON);
  }

  @Test
  void truncatedSignedDataIsMalformedAtEveryLength() {
    byte[] der = Cms.sign(ONBOARDING_JSON, ConveyedInformationCms.OID_JSON, EC.ownerKeys.getPrivate(),
        List.of(EC.owner)).toByteArray();
    for (int len = 0; len < der.length; len += 7) {
      Bytes cut = Bytes.of(Arrays.copyOf(der, len));
      assertThatThrownBy(() -> Cms.parse(cut, "ci")).as("length %d", len)
          .isInstanceOfSatisfying(PhcTrustException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }
  }

  @Test
  void hugeLengthClaimIsRefusedWithoutAllocating() {
    // SEQUENCE claiming 2^31-1 bytes of content
    Bytes lie = Bytes.fromHex("30847fffffff0609");
    assertThatThrownBy(() -> Cms.parse(lie, "ci")).isInstanceOf(PhcTrustException.class);
  }

  @Property(tries = 200)
  void arbitraryBytesNeverEscapeAsAnythingButMalformed(@ForAll @Size(max = 300) byte[] junk) {
    try {
      Cms.parse(Bytes.of(junk), "ci");
    } catch (PhcTrustException e) {
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    }
  }

  @Property(tries = 30)
  void signedContentRoundTrips(@ForAll @Size(max = 2000) byte[] content) {
    Bytes der = Cms.sign(content, ConveyedInformationCms.OID_JSON, EC.ownerKeys.getPrivate(), List.of(EC.owner));
    Cms.SignedContent sc = Cms.parse(der, "ci");
    assertThat(sc.content()).isEqualTo(content);
    assertThat(Cms.verifiedBy(sc, EC.owner)).isTrue();
  }
}
