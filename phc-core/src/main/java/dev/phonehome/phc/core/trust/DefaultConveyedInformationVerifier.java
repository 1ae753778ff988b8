package dev.phonehome.phc.core.trust;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.trust.Cms;
import dev.phonehome.phc.core.internal.trust.ConveyedKind;
import dev.phonehome.phc.core.internal.trust.Pkix;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFC 8572 section 5.3 validation of signed data, and the section 5.2/5.4 rules for unsigned data.
 *
 * <p>Signed data (owner-certificate and ownership-voucher present) goes through these steps, in order; the
 * first that fails throws {@link PhcTrustException} with its own {@link Reason}:
 *
 * <ol>
 *   <li>the voucher's CMS signature verifies with its signer's certificate, and that certificate chains to
 *       a manufacturer trust anchor ({@link Reason#VOUCHER_SIGNATURE_INVALID}; a signer whose chain names no
 *       known manufacturer: {@link Reason#VOUCHER_UNKNOWN_MANUFACTURER});
 *   <li>{@code created-on} is not after now and {@code expires-on}, when present, is not before now
 *       ({@link Reason#VOUCHER_NOT_YET_VALID}, {@link Reason#VOUCHER_EXPIRED}), with an optional
 *       clock-skew allowance (default zero);
 *   <li>the {@code assertion} is acceptable ({@link Reason#VOUCHER_ASSERTION_UNACCEPTABLE}; default
 *       {@code verified} and {@code logged}: {@code proximity} means the device proved proximity to a
 *       registrar, which never happens in zero touch);
 *   <li>{@code serial-number} is this device's ({@link Reason#VOUCHER_SERIAL_MISMATCH}), and a voucher that
 *       carries a {@code nonce} carries the one this request sent ({@link Reason#VOUCHER_NONCE_MISMATCH}); a
 *       voucher without a nonce is accepted when a nonce was sent (the server may hold only pre-made
 *       vouchers, RFC 8572 section 3.2; its dates still bound it) unless {@link
 *       Builder#requireNonceWhenSent()}; a voucher that names an {@code idevid-issuer} names the authority key
 *       identifier of this device's IDevID ({@link Builder#deviceIdevid}; unknown IDevID: refused,
 *       {@link Reason#VOUCHER_IDEVID_ISSUER_MISMATCH});
 *   <li>{@code pinned-domain-cert} is present and is a DER certificate
 *       ({@link Reason#VOUCHER_PINNED_DOMAIN_CERT_MISSING});
 *   <li>the owner certificate (the certificate of the owner-certificate bag that signed the conveyed
 *       information, or the bottom of the bag's chain) chains to the pinned-domain-cert by PKIX at now
 *       ({@link Reason#OWNER_CERTIFICATE_UNTRUSTED}); when the voucher says
 *       {@code domain-cert-revocation-checks: true}, every certificate of that chain below the pinned-domain-cert
 *       is checked against the CRLs the CMS structures carry and those configured ({@link Builder#crls}):
 *       revoked is {@link Reason#OWNER_CERTIFICATE_REVOKED}, no obtainable status
 *       {@link Reason#OWNER_CERTIFICATE_REVOCATION_UNKNOWN} (RFC 8572 section 5.4: not accepted); false or absent:
 *       not checked (a device has no network to fetch revocation information before it is provisioned);
 *   <li>the conveyed information's CMS signature verifies with the owner certificate
 *       ({@link Reason#CONVEYED_INFORMATION_SIGNATURE_INVALID}).
 * </ol>
 *
 * <p>Unsigned data: accepted as trusted from a trusted server; from an untrusted server only redirect
 * information is accepted, untrusted ({@code Verified.trusted=false}: the engine must not honour its trust
 * anchors), anything else is {@link Reason#UNSIGNED_FROM_UNTRUSTED_SERVER}. Structural problems (not CMS,
 * bad voucher JSON, wrong content types) are {@link Reason#MALFORMED}.
 *
 * <p><b>Lab mode</b> ({@link Builder#labModeInsecure()}): additionally accepts unsigned onboarding
 * information from an untrusted server, returned with {@code trusted=false}; every such acceptance logs a
 * WARN, and {@link #labModeInsecure()} tells the engine to stamp its progress reports. Signed data is still
 * checked in full in lab mode. Immutable and thread-safe.
 */
public final class DefaultConveyedInformationVerifier implements ConveyedInformationVerifier {
  private static final String ENVELOPED_DATA = "1.2.840.113549.1.7.3";
  private static final Logger LOG = LoggerFactory.getLogger(DefaultConveyedInformationVerifier.class);

  private final List<X509Certificate> manufacturerAnchors;
  private final Set<Voucher.Assertion> acceptableAssertions;
  private final Duration clockSkew;
  private final boolean requireNonceWhenSent;
  private final boolean labModeInsecure;
  private final Predicate<ConveyedDocument> isRedirect;
  private final @Nullable X509Certificate deviceIdevid;
  private final List<java.security.cert.X509CRL> crls;

  private DefaultConveyedInformationVerifier(Builder b) {
    this.deviceIdevid = b.deviceIdevid;
    this.crls = List.copyOf(b.crls);
    this.manufacturerAnchors = List.copyOf(b.manufacturerAnchors);
    this.acceptableAssertions = Set.copyOf(b.acceptableAssertions);
    this.clockSkew = b.clockSkew;
    this.requireNonceWhenSent = b.requireNonceWhenSent;
    this.labModeInsecure = b.labModeInsecure;
    this.isRedirect = b.isRedirect;
    if (labModeInsecure) {
      LOG.warn("INSECURE LAB MODE: unsigned onboarding information from untrusted servers will be accepted;"
          + " never use this in production");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.manufacturerAnchors.addAll(manufacturerAnchors);
    b.acceptableAssertions = EnumSet.noneOf(Voucher.Assertion.class);
    b.acceptableAssertions.addAll(acceptableAssertions);
    b.clockSkew = clockSkew;
    b.requireNonceWhenSent = requireNonceWhenSent;
    b.labModeInsecure = labModeInsecure;
    b.isRedirect = isRedirect;
    b.deviceIdevid = deviceIdevid;
    b.crls.addAll(crls);
    return b;
  }

  @Override
  public boolean labModeInsecure() {
    return labModeInsecure;
  }

  /** The manufacturer trust anchors vouchers must chain to. */
  public List<X509Certificate> manufacturerAnchors() {
    return manufacturerAnchors;
  }

  @Override
  public Verified verify(
      BootstrappingData data, boolean serverTrusted, @Nullable Bytes nonceSent, String serialNumber, Instant now) {
    return verify(data.conveyedInformation(), data.ownerCertificate(), data.ownershipVoucher(), serverTrusted,
        nonceSent, serialNumber, now);
  }

  /**
   * The same as {@link #verify(BootstrappingData, boolean, Bytes, String, Instant)} on the three leaves as
   * they came off the wire (a decoder that kept an owner-certificate without a voucher lands here and gets
   * {@link Reason#OWNER_CERTIFICATE_AND_VOUCHER_INCOMPLETE}).
   */
  public Verified verify(Bytes conveyedInformation, @Nullable Bytes ownerCertificate,
      @Nullable Bytes ownershipVoucher, boolean serverTrusted, @Nullable Bytes nonceSent, String serialNumber,
      Instant now) {
    Objects.requireNonNull(conveyedInformation, "conveyedInformation");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(now, "now");
    requireBothOrNeither(ownerCertificate, ownershipVoucher);
    if (ownerCertificate == null) {
      return verifyUnsigned(conveyedInformation, serverTrusted);
    }
    return verifySigned(conveyedInformation, ownerCertificate, ownershipVoucher, nonceSent, serialNumber, now);
  }

  /**
   * Throws {@link Reason#OWNER_CERTIFICATE_AND_VOUCHER_INCOMPLETE} when exactly one of the two is present
   * (RFC 8572 section 3.1: they come together).
   */
  static void requireBothOrNeither(@Nullable Bytes ownerCertificate, @Nullable Bytes ownershipVoucher) {
    if ((ownerCertificate == null) != (ownershipVoucher == null)) {
      throw new PhcTrustException(Reason.OWNER_CERTIFICATE_AND_VOUCHER_INCOMPLETE,
          (ownerCertificate == null ? "ownership-voucher present without owner-certificate"
              : "owner-certificate present without ownership-voucher")
              + " (RFC 8572 section 3.1: both or neither)");
    }
  }

  private Verified verifyUnsigned(Bytes conveyedInformation, boolean serverTrusted) {
    String type = Cms.contentTypeOf(conveyedInformation, "conveyed-information");
    if (type.equals(ENVELOPED_DATA)) {
      throw new PhcTrustException(Reason.MALFORMED, "conveyed-information is encrypted (CMS EnvelopedData,"
          + " RFC 8572 section 3.1); phc does not implement encrypted conveyed information");
    }
    if (type.equals("1.2.840.113549.1.7.2")) {
      throw new PhcTrustException(Reason.OWNER_CERTIFICATE_AND_VOUCHER_INCOMPLETE,
          "conveyed-information is signed but neither owner-certificate nor ownership-voucher was sent");
    }
    Cms.Unsigned u = Cms.parseUnsigned(conveyedInformation, "conveyed-information");
    ConveyedDocument doc = new ConveyedDocument(encodingOf(u.contentType(), u.content()), u.content(), false);
    if (serverTrusted) {
      return new Verified(doc, true);
    }
    if (isRedirect.test(doc)) {
      // RFC 8572 section 5.4: unsigned redirect information from an untrusted server may be followed, but
      // its trust anchors are not honoured (the engine connects to the next server untrusted).
      return new Verified(doc, false);
    }
    if (labModeInsecure) {
      LOG.warn("INSECURE LAB MODE: accepting UNSIGNED onboarding information from an UNTRUSTED server"
          + " (production would refuse it with {})", Reason.UNSIGNED_FROM_UNTRUSTED_SERVER);
      return new Verified(doc, false);
    }
    throw new PhcTrustException(Reason.UNSIGNED_FROM_UNTRUSTED_SERVER,
        "onboarding information was not signed and the server's TLS certificate is not trusted"
            + " (RFC 8572 section 5.2)");
  }

  private Verified verifySigned(Bytes conveyedInformation, Bytes ownerCertificate, Bytes ownershipVoucher,
      @Nullable Bytes nonceSent, String serialNumber, Instant now) {
    // Step 1: the voucher's signature, chained to a manufacturer anchor.
    Cms.SignedContent voucherCms = Cms.parse(ownershipVoucher, "ownership-voucher");
    // RFC 8572 section 3.3: id-ct-animaJSONVoucher, or id-data with the encoding given elsewhere (JSON here,
    // the one voucher encoding phc reads).
    boolean voucherType = Cms.OID_JSON_VOUCHER.equals(voucherCms.eContentType())
        || ConveyedInformationCms.OID_DATA.equals(voucherCms.eContentType());
    if (!voucherType || voucherCms.content() == null) {
      throw new PhcTrustException(Reason.MALFORMED, "ownership-voucher: expected eContentType "
          + Cms.OID_JSON_VOUCHER + " (id-ct-animaJSONVoucher) or id-data with content, found "
          + voucherCms.eContentType() + (voucherCms.content() == null ? " without content" : ""));
    }
    verifyVoucherSignature(voucherCms, now);
    Voucher voucher = VoucherCodec.decodeJson(voucherCms.content());

    // Step 2: validity dates.
    if (voucher.createdOn().isAfter(now.plus(clockSkew))) {
      throw new PhcTrustException(Reason.VOUCHER_NOT_YET_VALID,
          "voucher created-on " + voucher.createdOn() + " is after now (" + now + ")");
    }
    if (voucher.expiresOn() != null && now.minus(clockSkew).isAfter(voucher.expiresOn())) {
      throw new PhcTrustException(Reason.VOUCHER_EXPIRED,
          "voucher expires-on " + voucher.expiresOn() + " has passed (now " + now + ")");
    }

    // Step 3: assertion.
    if (!acceptableAssertions.contains(voucher.assertion())) {
      throw new PhcTrustException(Reason.VOUCHER_ASSERTION_UNACCEPTABLE, "voucher assertion \""
          + voucher.assertion().yangName() + "\" is not one of " + yangNames(acceptableAssertions));
    }

    // Step 4: serial number and nonce.
    if (!voucher.serialNumber().equals(serialNumber)) {
      throw new PhcTrustException(Reason.VOUCHER_SERIAL_MISMATCH,
          "voucher serial-number \"" + voucher.serialNumber() + "\" is not this device's \"" + serialNumber + "\"");
    }
    if (voucher.nonce() != null) {
      if (nonceSent == null) {
        throw new PhcTrustException(Reason.VOUCHER_NONCE_MISMATCH,
            "voucher carries nonce " + voucher.nonce().base64() + " but this request sent none");
      }
      if (!voucher.nonce().equals(nonceSent)) {
        throw new PhcTrustException(Reason.VOUCHER_NONCE_MISMATCH,
            "voucher nonce " + voucher.nonce().base64() + " is not the nonce sent (" + nonceSent.base64() + ")");
      }
    } else if (nonceSent != null && requireNonceWhenSent) {
      throw new PhcTrustException(Reason.VOUCHER_NONCE_MISMATCH,
          "a nonce was sent (" + nonceSent.base64() + ") but the voucher carries none");
    }
    checkIdevidIssuer(voucher);

    // Step 5: pinned-domain-cert.
    if (voucher.pinnedDomainCert() == null) {
      throw new PhcTrustException(Reason.VOUCHER_PINNED_DOMAIN_CERT_MISSING,
          "voucher $.ietf-voucher:voucher.pinned-domain-cert is missing");
    }
    X509Certificate pinned;
    try {
      pinned = Cms.certificate(voucher.pinnedDomainCert().toByteArray());
    } catch (CertificateException e) {
      throw new PhcTrustException(Reason.VOUCHER_PINNED_DOMAIN_CERT_MISSING,
          "voucher pinned-domain-cert (" + voucher.pinnedDomainCert().size() + " bytes) is not a DER X.509"
              + " certificate: " + e.getMessage(), e);
    }

    // Step 6: the owner certificate chains to the pinned-domain-cert.
    List<X509Certificate> ownerBag = Cms.certificatesOf(ownerCertificate, "owner-certificate");
    Cms.SignedContent conveyed = Cms.parse(conveyedInformation, "conveyed-information");
    X509Certificate signer = Cms.signerCertificate(conveyed, ownerBag);
    X509Certificate owner = signer != null ? signer : Pkix.bottoms(ownerBag).get(0);
    java.security.cert.PKIXCertPathBuilderResult ownerPath;
    try {
      ownerPath = Pkix.path(owner, ownerBag, List.of(pinned), now);
    } catch (GeneralSecurityException e) {
      throw new PhcTrustException(Reason.OWNER_CERTIFICATE_UNTRUSTED, "owner certificate "
          + owner.getSubjectX500Principal() + " does not chain to the voucher's pinned-domain-cert "
          + pinned.getSubjectX500Principal() + ": " + e.getMessage(), e);
    }
    if (Boolean.TRUE.equals(voucher.domainCertRevocationChecks())) {
      checkRevocation(ownerPath, ownerCertificate, conveyed, voucherCms, now);
    }

    // Step 7: the conveyed information's signature.
    if (conveyed.content() == null) {
      throw new PhcTrustException(Reason.MALFORMED, "conveyed-information: SignedData without content");
    }
    Encoding encoding = encodingOf(conveyed.eContentType(), conveyed.content());
    if (signer == null) {
      throw new PhcTrustException(Reason.CONVEYED_INFORMATION_SIGNATURE_INVALID,
          "conveyed-information is not signed by the owner certificate " + owner.getSubjectX500Principal()
              + " (no signer names a certificate of owner-certificate)");
    }
    if (!Cms.verifiedBy(conveyed, signer)) {
      throw new PhcTrustException(Reason.CONVEYED_INFORMATION_SIGNATURE_INVALID,
          "conveyed-information signature does not verify with owner certificate "
              + signer.getSubjectX500Principal());
    }
    return new Verified(new ConveyedDocument(encoding, conveyed.content(), true), true);
  }

  /**
   * RFC 8366 {@code idevid-issuer}: the authority key identifier of the device's IDevID certificate. When the
   * voucher names one it must be this device's (the keyIdentifier octets, or the whole AuthorityKeyIdentifier
   * extension value); a verifier that does not know the device's IDevID cannot tell, and refuses (fail closed).
   */
  private void checkIdevidIssuer(Voucher voucher) {
    Bytes issuer = voucher.idevidIssuer();
    if (issuer == null) {
      return;
    }
    if (deviceIdevid == null) {
      throw new PhcTrustException(Reason.VOUCHER_IDEVID_ISSUER_MISMATCH, "voucher names idevid-issuer "
          + issuer.hex() + " but this verifier does not know the device's IDevID certificate to compare it with"
          + " (DefaultConveyedInformationVerifier.Builder.deviceIdevid)");
    }
    byte[] extension = deviceIdevid.getExtensionValue("2.5.29.35");
    if (extension == null) {
      throw new PhcTrustException(Reason.VOUCHER_IDEVID_ISSUER_MISMATCH, "voucher names idevid-issuer "
          + issuer.hex() + " but the device's IDevID certificate has no authority key identifier");
    }
    byte[] akiDer = org.bouncycastle.asn1.ASN1OctetString.getInstance(extension).getOctets();
    byte[] keyId = org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.getInstance(akiDer).getKeyIdentifier();
    byte[] given = issuer.toByteArray();
    if (!java.util.Arrays.equals(given, keyId) && !java.util.Arrays.equals(given, akiDer)) {
      throw new PhcTrustException(Reason.VOUCHER_IDEVID_ISSUER_MISMATCH, "voucher idevid-issuer " + issuer.hex()
          + " is not the authority key identifier of this device's IDevID ("
          + (keyId == null ? "none" : Bytes.of(keyId).hex()) + ")");
    }
  }

  /**
   * RFC 8572 section 5.4 with {@code domain-cert-revocation-checks: true}: every certificate of the owner
   * certificate's chain below the pinned-domain-cert is checked against CRLs: those the owner-certificate,
   * conveyed-information and voucher CMS structures carry, and those configured ({@link Builder#crls}). When a
   * certificate's status cannot be obtained, the owner certificate is not accepted.
   */
  private void checkRevocation(java.security.cert.PKIXCertPathBuilderResult ownerPath, Bytes ownerCertificate,
      Cms.SignedContent conveyed, Cms.SignedContent voucherCms, Instant now) {
    List<java.security.cert.X509CRL> all = new ArrayList<>(crls);
    all.addAll(Cms.crlsOf(Cms.parse(ownerCertificate, "owner-certificate"), "owner-certificate"));
    all.addAll(Cms.crlsOf(conveyed, "conveyed-information"));
    all.addAll(Cms.crlsOf(voucherCms, "ownership-voucher"));
    try {
      Pkix.checkRevocation(ownerPath, all, now);
    } catch (java.security.cert.CertPathValidatorException e) {
      boolean revoked = e.getReason() == java.security.cert.CertPathValidatorException.BasicReason.REVOKED;
      int index = e.getIndex();
      String which = index >= 0 && index < ownerPath.getCertPath().getCertificates().size()
          ? ((X509Certificate) ownerPath.getCertPath().getCertificates().get(index)).getSubjectX500Principal()
              .toString() : "the owner certificate chain";
      throw new PhcTrustException(revoked ? Reason.OWNER_CERTIFICATE_REVOKED
          : Reason.OWNER_CERTIFICATE_REVOCATION_UNKNOWN, "the voucher asks for revocation checks"
          + " (domain-cert-revocation-checks) and " + which + (revoked ? " is revoked"
          : " has no obtainable revocation status (" + all.size() + " CRL(s) carried or configured)") + ": "
          + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new PhcTrustException(Reason.OWNER_CERTIFICATE_REVOCATION_UNKNOWN,
          "revocation of the owner certificate chain could not be checked: " + e.getMessage(), e);
    }
  }

  private void verifyVoucherSignature(Cms.SignedContent voucherCms, Instant now) {
    if (voucherCms.signerCount() == 0) {
      throw new PhcTrustException(Reason.VOUCHER_SIGNATURE_INVALID, "ownership-voucher has no signer");
    }
    List<X509Certificate> candidates = new ArrayList<>(voucherCms.certificates());
    candidates.addAll(manufacturerAnchors);
    X509Certificate masa = Cms.signerCertificate(voucherCms, candidates);
    if (masa == null) {
      throw new PhcTrustException(Reason.VOUCHER_UNKNOWN_MANUFACTURER,
          "ownership-voucher signer is neither a manufacturer anchor nor a certificate it carries");
    }
    if (!Cms.verifiedBy(voucherCms, masa)) {
      throw new PhcTrustException(Reason.VOUCHER_SIGNATURE_INVALID,
          "ownership-voucher signature does not verify with " + masa.getSubjectX500Principal());
    }
    try {
      Pkix.validate(masa, voucherCms.certificates(), manufacturerAnchors, now);
    } catch (GeneralSecurityException e) {
      boolean known = Pkix.anyAnchorNamesIssuerOfChain(masa, voucherCms.certificates(), manufacturerAnchors);
      throw new PhcTrustException(known ? Reason.VOUCHER_SIGNATURE_INVALID : Reason.VOUCHER_UNKNOWN_MANUFACTURER,
          "ownership-voucher signer " + masa.getSubjectX500Principal() + " (issuer "
              + masa.getIssuerX500Principal() + ") does not chain to "
              + (known ? "its manufacturer anchor: " + e.getMessage() : "any of the "
                  + manufacturerAnchors.size() + " manufacturer anchor(s)"), e);
    }
  }

  /**
   * id-ct-sztpConveyedInfoXML, id-ct-sztpConveyedInfoJSON, or id-data (RFC 8572 section 3.1) whose encoding the
   * document shows.
   */
  private static Encoding encodingOf(String contentType, byte[] content) {
    if (ConveyedInformationCms.OID_JSON.equals(contentType)) {
      return Encoding.JSON;
    }
    if (ConveyedInformationCms.OID_XML.equals(contentType)) {
      return Encoding.XML;
    }
    if (ConveyedInformationCms.OID_DATA.equals(contentType)) {
      return ConveyedInformationCms.sniff(content).orElseThrow(() -> new PhcTrustException(Reason.MALFORMED,
          "conveyed-information: content type id-data (" + ConveyedInformationCms.OID_DATA
              + ") holds neither JSON nor XML"));
    }
    throw new PhcTrustException(Reason.MALFORMED, "conveyed-information: content type " + contentType
        + " is neither id-ct-sztpConveyedInfoXML (" + ConveyedInformationCms.OID_XML
        + "), id-ct-sztpConveyedInfoJSON (" + ConveyedInformationCms.OID_JSON + ") nor id-data ("
        + ConveyedInformationCms.OID_DATA + ")");
  }

  private static List<String> yangNames(Set<Voucher.Assertion> set) {
    List<String> out = new ArrayList<>();
    for (Voucher.Assertion a : Voucher.Assertion.values()) {
      if (set.contains(a)) {
        out.add(a.yangName());
      }
    }
    return out;
  }

  /** Configures a {@link DefaultConveyedInformationVerifier}. */
  public static final class Builder {
    private final List<X509Certificate> manufacturerAnchors = new ArrayList<>();
    private EnumSet<Voucher.Assertion> acceptableAssertions =
        EnumSet.of(Voucher.Assertion.VERIFIED, Voucher.Assertion.LOGGED);
    private Duration clockSkew = Duration.ZERO;
    private boolean requireNonceWhenSent;
    private boolean labModeInsecure;
    private Predicate<ConveyedDocument> isRedirect = ConveyedKind::isRedirect;
    private @Nullable X509Certificate deviceIdevid;
    private final List<java.security.cert.X509CRL> crls = new ArrayList<>();

    private Builder() {}

    /**
     * This device's IDevID certificate: a voucher that names an {@code idevid-issuer} (RFC 8366) is accepted
     * only when that is this certificate's authority key identifier. Without it such a voucher is refused.
     */
    public Builder deviceIdevid(X509Certificate idevid) {
      this.deviceIdevid = Objects.requireNonNull(idevid, "idevid");
      return this;
    }

    /**
     * CRLs to check the owner certificate chain against when a voucher asks for revocation checks
     * ({@code domain-cert-revocation-checks: true}), besides those the CMS structures carry. A device has no
     * network to fetch CRLs or ask OCSP before it is provisioned, so nothing is fetched.
     */
    public Builder crls(java.util.Collection<java.security.cert.X509CRL> crls) {
      for (java.security.cert.X509CRL c : crls) {
        this.crls.add(Objects.requireNonNull(c, "crl"));
      }
      return this;
    }

    /** Adds manufacturer (MASA) trust anchors: ownership vouchers must chain to one of them. */
    public Builder manufacturerAnchors(List<X509Certificate> anchors) {
      manufacturerAnchors.addAll(anchors);
      return this;
    }

    /** Adds one manufacturer trust anchor. */
    public Builder manufacturerAnchor(X509Certificate anchor) {
      manufacturerAnchors.add(Objects.requireNonNull(anchor, "anchor"));
      return this;
    }

    /** The voucher assertions accepted (default {@code verified} and {@code logged}). */
    public Builder acceptableAssertions(Set<Voucher.Assertion> assertions) {
      if (assertions.isEmpty()) {
        throw new IllegalArgumentException("at least one assertion must be acceptable");
      }
      this.acceptableAssertions = EnumSet.copyOf(assertions);
      return this;
    }

    /** Tolerance for the device clock when checking created-on and expires-on (default zero). */
    public Builder clockSkew(Duration skew) {
      if (skew.isNegative()) {
        throw new IllegalArgumentException("clock skew is negative: " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /** Refuses a voucher without a nonce when the request sent one (default: accepted, dates still apply). */
    public Builder requireNonceWhenSent() {
      this.requireNonceWhenSent = true;
      return this;
    }

    /**
     * INSECURE: accepts unsigned onboarding information from untrusted servers (returned untrusted). Logs a
     * WARN on build and on every use; {@link #labModeInsecure()} reports it so the engine stamps progress
     * reports. For labs only.
     */
    public Builder labModeInsecure() {
      this.labModeInsecure = true;
      return this;
    }

    /**
     * How unsigned documents are classified as redirect information (default: {@link ConveyedKind#isRedirect},
     * which looks at the top element's name).
     */
    public Builder redirectDetector(Predicate<ConveyedDocument> isRedirect) {
      this.isRedirect = Objects.requireNonNull(isRedirect, "isRedirect");
      return this;
    }

    public DefaultConveyedInformationVerifier build() {
      return new DefaultConveyedInformationVerifier(this);
    }
  }
}
