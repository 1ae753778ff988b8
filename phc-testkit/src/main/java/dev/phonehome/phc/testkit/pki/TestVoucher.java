package dev.phonehome.phc.testkit.pki;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.core.trust.Voucher;
import dev.phonehome.phc.core.trust.VoucherCodec;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds an ownership voucher (RFC 8366 JSON in CMS SignedData) for tests: good by default (signed by the
 * PKI's MASA, assertion {@code verified}, pinning the owner CA, created a minute before the PKI's clock, no
 * expiry, no nonce), with knobs for each field and for deliberately broken variants.
 */
public final class TestVoucher {
  private final TestPki pki;
  private String serialNumber;
  private Instant createdOn;
  private @Nullable Instant expiresOn;
  private Voucher.Assertion assertion = Voucher.Assertion.VERIFIED;
  private @Nullable Bytes nonce;
  private @Nullable Bytes pinnedDomainCert;
  private boolean pinnedDomainCertOmitted;
  private @Nullable PrivateKey signerKey;
  private @Nullable List<X509Certificate> signerChain;
  private boolean corruptSignature;
  private @Nullable Bytes idevidIssuer;
  private @Nullable Boolean domainCertRevocationChecks;

  TestVoucher(TestPki pki, String serialNumber, Instant createdOn) {
    this.pki = pki;
    this.serialNumber = Objects.requireNonNull(serialNumber, "serialNumber");
    this.createdOn = createdOn;
  }

  /** A different serial number than the one the voucher was started for. */
  public TestVoucher serialNumber(String serialNumber) {
    this.serialNumber = Objects.requireNonNull(serialNumber, "serialNumber");
    return this;
  }

  public TestVoucher createdOn(Instant createdOn) {
    this.createdOn = Objects.requireNonNull(createdOn, "createdOn");
    return this;
  }

  public TestVoucher expiresOn(@Nullable Instant expiresOn) {
    this.expiresOn = expiresOn;
    return this;
  }

  public TestVoucher assertion(Voucher.Assertion assertion) {
    this.assertion = Objects.requireNonNull(assertion, "assertion");
    return this;
  }

  /** Binds the voucher to the nonce a device sent (8 to 32 bytes). */
  public TestVoucher nonce(@Nullable Bytes nonce) {
    this.nonce = nonce;
    return this;
  }

  /** Pins {@code certificate} instead of the PKI's owner CA. */
  public TestVoucher pinnedDomainCert(X509Certificate certificate) {
    try {
      this.pinnedDomainCert = Bytes.of(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException(e);
    }
    return this;
  }

  /** Pins arbitrary bytes (e.g. something that is not a certificate). */
  public TestVoucher pinnedDomainCertBytes(Bytes der) {
    this.pinnedDomainCert = Objects.requireNonNull(der, "der");
    return this;
  }

  /** Sets {@code idevid-issuer}: the authority key identifier of the device's IDevID (RFC 8366). */
  public TestVoucher idevidIssuer(@Nullable Bytes keyIdentifier) {
    this.idevidIssuer = keyIdentifier;
    return this;
  }

  /**
   * Sets {@code idevid-issuer} to the keyIdentifier of {@code serialNumber}'s device certificate (its authority
   * key identifier, as a MASA writes it).
   */
  public TestVoucher idevidIssuerOf(String serialNumber) {
    return idevidIssuer(pki.authorityKeyIdentifier(pki.device(serialNumber).certificate()));
  }

  /** Sets {@code domain-cert-revocation-checks} (null: absent). */
  public TestVoucher domainCertRevocationChecks(@Nullable Boolean checks) {
    this.domainCertRevocationChecks = checks;
    return this;
  }

  /** Leaves pinned-domain-cert out (an invalid voucher: RFC 8572 step 5 fails). */
  public TestVoucher withoutPinnedDomainCert() {
    this.pinnedDomainCertOmitted = true;
    return this;
  }

  /** Signs with another key and chain (e.g. another {@link TestPki}'s MASA: an unknown manufacturer). */
  public TestVoucher signedBy(PrivateKey key, List<X509Certificate> chain) {
    this.signerKey = Objects.requireNonNull(key, "key");
    this.signerChain = List.copyOf(chain);
    return this;
  }

  /** Signs with {@code other}'s MASA: a manufacturer this PKI's devices do not know. */
  public TestVoucher signedByManufacturerOf(TestPki other) {
    return signedBy(other.masaKey(), List.of(other.masaCertificate()));
  }

  /** Flips a bit of the signature value so that the signature no longer verifies. */
  public TestVoucher corruptSignature() {
    this.corruptSignature = true;
    return this;
  }

  /** The voucher value (what goes into the JSON). */
  public Voucher voucher() {
    Bytes pinned = pinnedDomainCertOmitted ? null : pinnedDomainCert;
    if (pinned == null && !pinnedDomainCertOmitted) {
      try {
        pinned = Bytes.of(pki.ownerCa().getEncoded());
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
    return new Voucher(createdOn, expiresOn, assertion, serialNumber, idevidIssuer, pinned,
        domainCertRevocationChecks, nonce, null);
  }

  /** The signed voucher: the value of the {@code ownership-voucher} leaf. */
  public Bytes build() {
    PrivateKey key = signerKey != null ? signerKey : pki.masaKey();
    List<X509Certificate> chain = signerChain != null ? signerChain : List.of(pki.masaCertificate());
    Bytes signed = VoucherCodec.sign(voucher(), key, chain);
    return corruptSignature ? CmsTampering.flipLastSignatureBit(signed) : signed;
  }

  /** The JSON, unsigned (for codec tests). */
  public byte[] json() {
    return VoucherCodec.encodeJson(voucher());
  }

  /** The content type of a voucher CMS, for readers of tests. */
  public static String contentType() {
    return VoucherCodec.CMS_CONTENT_TYPE;
  }
}
