package dev.phonehome.phc.core.internal.trust;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.api.PhcTrustException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.jspecify.annotations.Nullable;

/**
 * CMS (RFC 5652) as RFC 8572 uses it: SignedData around conveyed information and vouchers, and "degenerate"
 * SignedData (certificates only, no signers, eContentType {@code id-data}, no content) for the owner
 * certificate and trust anchors. Signing uses SHA-256 with the key's algorithm (ECDSA or RSA PKCS#1 v1.5);
 * the signed attributes carry the content type and message digest, as RFC 5652 requires when the
 * eContentType is not {@code id-data}. Thread-safe; no state.
 */
public final class Cms {
  /** The one Bouncy Castle provider instance phc uses; never registered globally. */
  public static final Provider BC = new BouncyCastleProvider();

  /** {@code id-ct-animaJSONVoucher} (RFC 8366 section 8.3). */
  public static final String OID_JSON_VOUCHER = "1.2.840.113549.1.9.16.1.40";

  private Cms() {}

  /**
   * The parts of a SignedData this package looks at.
   *
   * @param eContentType the encapsulated content type
   * @param content the encapsulated content, or null when absent (degenerate)
   * @param certificates the certificates field, in the order they appear
   * @param signedData the parsed structure (signers, for verification)
   */
  public record SignedContent(
      String eContentType, byte @Nullable [] content,
      List<X509Certificate> certificates, CMSSignedData signedData) {
    /** The number of signers. */
    public int signerCount() {
      return signedData.getSignerInfos().size();
    }
  }

  /**
   * Signs {@code content} as an encapsulated SignedData.
   *
   * @param content the bytes to sign (carried inside the structure)
   * @param eContentType the OID of what {@code content} is
   * @param key the signer's private key (EC or RSA)
   * @param chain the signer's certificate first, then any intermediates; all are put in the certificates field
   * @return the DER ContentInfo
   */
  public static Bytes sign(byte[] content, String eContentType, PrivateKey key, List<X509Certificate> chain) {
    Objects.requireNonNull(content, "content");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a signer needs its certificate (chain is empty)");
    }
    try {
      ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(key)).setProvider(BC).build(key);
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addSignerInfoGenerator(
          new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider(BC).build())
              .build(signer, chain.get(0)));
      gen.addCertificates(new JcaCertStore(chain));
      CMSTypedData typed = new CMSProcessableByteArray(new ASN1ObjectIdentifier(eContentType), content);
      return Bytes.of(gen.generate(typed, true).getEncoded("DER"));
    } catch (OperatorCreationException | CertificateEncodingException | CMSException | IOException e) {
      throw new IllegalStateException("cannot sign with " + key.getAlgorithm() + " key: " + e.getMessage(), e);
    }
  }

  /**
   * Parses one DER X.509 certificate with the JDK's provider (so that the JDK's PKIX and JSSE see their own
   * certificate objects).
   *
   * @throws CertificateException when {@code der} is not one DER certificate
   */
  public static X509Certificate certificate(byte[] der) throws CertificateException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    ByteArrayInputStream in = new ByteArrayInputStream(der);
    X509Certificate c = (X509Certificate) cf.generateCertificate(in);
    if (in.available() != 0) {
      throw new CertificateException(in.available() + " trailing bytes after the certificate");
    }
    return c;
  }

  /** The JCA signature algorithm phc uses for {@code key}: SHA-256 with ECDSA or RSA. */
  public static String signatureAlgorithm(PrivateKey key) {
    if (key instanceof ECPrivateKey || "EC".equals(key.getAlgorithm()) || "ECDSA".equals(key.getAlgorithm())) {
      return "SHA256withECDSA";
    }
    if (key instanceof RSAPrivateKey || "RSA".equals(key.getAlgorithm())) {
      return "SHA256withRSA";
    }
    throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm() + " (use EC or RSA)");
  }

  /**
   * A degenerate SignedData holding {@code certificates} and, in its revocation information field,
   * {@code crls} (revocation objects a device can check the owner chain against, RFC 8572 section 5.4).
   */
  public static Bytes degenerate(Collection<X509Certificate> certificates,
      Collection<java.security.cert.X509CRL> crls) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("a certificate bag needs at least one certificate");
    }
    try {
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addCertificates(new JcaCertStore(certificates));
      if (!crls.isEmpty()) {
        gen.addCRLs(new org.bouncycastle.cert.jcajce.JcaCRLStore(crls));
      }
      return Bytes.of(gen.generate(new CMSAbsentContent(), false).getEncoded("DER"));
    } catch (java.security.cert.CRLException | CertificateEncodingException | CMSException | IOException e) {
      throw new IllegalStateException("cannot encode certificate bag: " + e.getMessage(), e);
    }
  }

  /** The CRLs a SignedData carries in its revocation information (RFC 5652 {@code crls}). */
  public static List<java.security.cert.X509CRL> crlsOf(SignedContent parsed, String what) {
    List<java.security.cert.X509CRL> out = new ArrayList<>();
    for (org.bouncycastle.cert.X509CRLHolder h : parsed.signedData().getCRLs().getMatches(null)) {
      try {
        java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509");
        out.add((java.security.cert.X509CRL) cf.generateCRL(new ByteArrayInputStream(h.getEncoded())));
      } catch (java.security.cert.CRLException | CertificateException | IOException e) {
        throw new PhcTrustException(Reason.MALFORMED, what + ": unreadable CRL of " + h.getIssuer(), e);
      }
    }
    return out;
  }

  /** A degenerate SignedData holding {@code certificates} (RFC 8572 owner-certificate and trust-anchor). */
  public static Bytes degenerate(Collection<X509Certificate> certificates) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("a certificate bag needs at least one certificate");
    }
    try {
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addCertificates(new JcaCertStore(certificates));
      return Bytes.of(gen.generate(new CMSAbsentContent(), false).getEncoded("DER"));
    } catch (CertificateEncodingException | CMSException | IOException e) {
      throw new IllegalStateException("cannot encode certificate bag: " + e.getMessage(), e);
    }
  }

  /**
   * The certificates of a degenerate SignedData.
   *
   * @param what names the field in errors, e.g. {@code owner-certificate}
   * @throws PhcTrustException {@link Reason#MALFORMED} when it is not a SignedData, carries signers or
   *     content, or holds no certificate
   */
  public static List<X509Certificate> certificatesOf(Bytes degenerate, String what) {
    SignedContent parsed = parse(degenerate, what);
    if (parsed.signerCount() != 0 || parsed.content() != null) {
      throw new PhcTrustException(Reason.MALFORMED,
          what + ": expected a degenerate SignedData (certificates only), found " + parsed.signerCount()
              + " signer(s) and " + (parsed.content() == null ? "no" : "some") + " content");
    }
    if (parsed.certificates().isEmpty()) {
      throw new PhcTrustException(Reason.MALFORMED, what + ": the SignedData holds no certificate");
    }
    return parsed.certificates();
  }

  /**
   * Parses a DER ContentInfo holding SignedData. Nothing is verified here.
   *
   * @param what names the field in errors
   * @throws PhcTrustException {@link Reason#MALFORMED} when it is not DER SignedData
   */
  public static SignedContent parse(Bytes contentInfo, String what) {
    byte[] der = contentInfo.toByteArray();
    CMSSignedData sd;
    try {
      ASN1Primitive prim = ASN1Primitive.fromByteArray(der);
      ContentInfo ci = ContentInfo.getInstance(prim);
      if (!CMSObjectIdentifiers.signedData.equals(ci.getContentType())) {
        throw new PhcTrustException(Reason.MALFORMED,
            what + ": expected CMS SignedData (1.2.840.113549.1.7.2), found content type " + ci.getContentType());
      }
      sd = new CMSSignedData(ci);
    } catch (PhcTrustException e) {
      throw e;
    } catch (CMSException | IOException | RuntimeException e) {
      throw new PhcTrustException(Reason.MALFORMED,
          what + ": not a DER CMS SignedData (" + der.length + " bytes): " + e.getMessage(), e);
    }
    List<X509Certificate> certs = new ArrayList<>();
    for (X509CertificateHolder h : sd.getCertificates().getMatches(null)) {
      try {
        certs.add(certificate(h.getEncoded()));
      } catch (CertificateException | IOException e) {
        throw new PhcTrustException(Reason.MALFORMED, what + ": unreadable certificate " + h.getSubject(), e);
      }
    }
    byte[] content = null;
    if (sd.getSignedContent() != null) {
      Object c = sd.getSignedContent().getContent();
      if (c instanceof byte[] b) {
        content = b;
      }
    }
    return new SignedContent(sd.getSignedContentTypeOID(), content, List.copyOf(certs), sd);
  }

  /**
   * Whether some signer of {@code parsed} is {@code certificate} (by issuer and serial or subject key
   * identifier) and its signature over the content (and signed attributes, including the content type)
   * verifies with that certificate's public key. The certificate's validity period is not looked at here.
   */
  public static boolean verifiedBy(SignedContent parsed, X509Certificate certificate) {
    X509CertificateHolder holder;
    try {
      holder = new X509CertificateHolder(certificate.getEncoded());
    } catch (CertificateEncodingException | IOException e) {
      return false;
    }
    for (SignerInformation si : parsed.signedData().getSignerInfos().getSigners()) {
      if (!si.getSID().match(holder)) {
        continue;
      }
      try {
        if (si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(certificate.getPublicKey()))) {
          return true;
        }
      } catch (CMSException | OperatorCreationException | RuntimeException e) {
        // a signature that cannot be checked does not verify
      }
    }
    return false;
  }

  /** The certificate among {@code candidates} some signer of {@code parsed} names, or null. */
  public static @Nullable X509Certificate signerCertificate(
      SignedContent parsed, Collection<X509Certificate> candidates) {
    for (SignerInformation si : parsed.signedData().getSignerInfos().getSigners()) {
      for (X509Certificate c : candidates) {
        try {
          if (si.getSID().match(new X509CertificateHolder(c.getEncoded()))) {
            return c;
          }
        } catch (CertificateEncodingException | IOException e) {
          // skip
        }
      }
    }
    return null;
  }

  /**
   * Reads a ContentInfo whose content is an OCTET STRING (the unsigned conveyed-information form).
   *
   * @return the content type OID and the octets
   */
  public static Unsigned parseUnsigned(Bytes contentInfo, String what) {
    try {
      ContentInfo ci = ContentInfo.getInstance(ASN1Primitive.fromByteArray(contentInfo.toByteArray()));
      ASN1OctetString octets = ASN1OctetString.getInstance(ci.getContent());
      return new Unsigned(ci.getContentType().getId(), octets.getOctets());
    } catch (IOException | RuntimeException e) {
      throw new PhcTrustException(Reason.MALFORMED,
          what + ": not a DER CMS ContentInfo with an OCTET STRING content: " + e.getMessage(), e);
    }
  }

  /** The content type of a DER ContentInfo. */
  public static String contentTypeOf(Bytes contentInfo, String what) {
    try {
      return ContentInfo.getInstance(ASN1Primitive.fromByteArray(contentInfo.toByteArray())).getContentType().getId();
    } catch (IOException | RuntimeException e) {
      throw new PhcTrustException(Reason.MALFORMED,
          what + ": not a DER CMS ContentInfo (" + contentInfo.size() + " bytes): " + e.getMessage(), e);
    }
  }

  public record Unsigned(String contentType, byte[] content) {}
}
