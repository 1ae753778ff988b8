package dev.phonehome.phc.testkit.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Issues X.509 v3 certificates with Bouncy Castle for tests and labs: CAs, TLS servers, devices (IDevID-style,
 * serial number in the subject), owners. {@link TestPki} is built with it; use it directly for a certificate
 * {@code TestPki} does not make (an expired one, another key usage, a longer chain). Not thread-safe (a builder).
 *
 * <pre>{@code
 * KeyPair caKeys = CertificateBuilder.newKeyPair(CertificateBuilder.KeyType.EC_P256);
 * X509Certificate ca = CertificateBuilder.builder().subject("CN=Lab CA").ca(null).build(caKeys);
 * KeyPair keys = CertificateBuilder.newKeyPair(CertificateBuilder.KeyType.EC_P256);
 * X509Certificate expired = CertificateBuilder.builder().subject("CN=localhost").issuer(ca, caKeys.getPrivate())
 *     .validity(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2021-01-01T00:00:00Z"))
 *     .dnsName("localhost").serverAuth().build(keys);
 * }</pre>
 */
public final class CertificateBuilder {
  /** Key types phc signs with. */
  public enum KeyType {
    /** ECDSA on NIST P-256 (secp256r1). */
    EC_P256,
    /** RSA with a 2048-bit modulus. */
    RSA_2048
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Provider BC = new BouncyCastleProvider();

  private X500Name subject = new X500Name("CN=phc");
  private @Nullable X509Certificate issuerCertificate;
  private @Nullable PrivateKey issuerKey;
  private Instant notBefore = Instant.now();
  private Instant notAfter = notBefore.plusSeconds(365L * 86400);
  private boolean ca;
  private @Nullable Integer pathLength;
  private final List<GeneralName> altNames = new ArrayList<>();
  private final List<KeyPurposeId> extendedKeyUsages = new ArrayList<>();

  private CertificateBuilder() {}

  public static CertificateBuilder builder() {
    return new CertificateBuilder();
  }

  /** A fresh key pair of {@code type}. */
  public static KeyPair newKeyPair(KeyType type) {
    try {
      if (type == KeyType.EC_P256) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate " + type + " key: " + e.getMessage(), e);
    }
  }

  /** The subject distinguished name, RFC 4514 style (e.g. {@code CN=device,SERIALNUMBER=ABC123}). */
  public CertificateBuilder subject(String dn) {
    this.subject = new X500Name(dn);
    return this;
  }

  /** Signs with {@code key}, naming {@code certificate}'s subject as issuer. Without it: self-signed. */
  public CertificateBuilder issuer(X509Certificate certificate, PrivateKey key) {
    this.issuerCertificate = certificate;
    this.issuerKey = key;
    return this;
  }

  public CertificateBuilder validity(Instant notBefore, Instant notAfter) {
    this.notBefore = notBefore;
    this.notAfter = notAfter;
    return this;
  }

  /** Makes it a CA (basicConstraints cA=true, keyCertSign), with an optional path length. */
  public CertificateBuilder ca(@Nullable Integer pathLength) {
    this.ca = true;
    this.pathLength = pathLength;
    return this;
  }

  /** Adds a subjectAltName dNSName. */
  public CertificateBuilder dnsName(String name) {
    altNames.add(new GeneralName(GeneralName.dNSName, name));
    return this;
  }

  /** Adds a subjectAltName iPAddress. */
  public CertificateBuilder ipAddress(InetAddress address) {
    altNames.add(new GeneralName(GeneralName.iPAddress, address.getHostAddress()));
    return this;
  }

  /** Adds the TLS server authentication extended key usage. */
  public CertificateBuilder serverAuth() {
    extendedKeyUsages.add(KeyPurposeId.id_kp_serverAuth);
    return this;
  }

  /** Adds the TLS client authentication extended key usage. */
  public CertificateBuilder clientAuth() {
    extendedKeyUsages.add(KeyPurposeId.id_kp_clientAuth);
    return this;
  }

  /** Issues the certificate for {@code publicKeyOf}'s public key. */
  public X509Certificate build(KeyPair publicKeyOf) {
    Objects.requireNonNull(publicKeyOf, "publicKeyOf");
    boolean selfSigned = issuerCertificate == null;
    PrivateKey signingKey = selfSigned ? publicKeyOf.getPrivate() : issuerKey;
    X500Name issuerName = selfSigned ? subject : X500Name.getInstance(
        issuerCertificate.getSubjectX500Principal().getEncoded());
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          issuerName, new BigInteger(64, RANDOM).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
          subject, publicKeyOf.getPublic());
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKeyOf.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, selfSigned
          ? ext.createAuthorityKeyIdentifier(publicKeyOf.getPublic())
          : ext.createAuthorityKeyIdentifier(issuerCertificate));
      if (ca) {
        b.addExtension(Extension.basicConstraints, true,
            pathLength == null ? new BasicConstraints(true) : new BasicConstraints(pathLength));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign
            | KeyUsage.digitalSignature));
      } else {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
            | (publicKeyOf.getPublic().getAlgorithm().equals("RSA") ? KeyUsage.keyEncipherment : 0)));
      }
      if (!altNames.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(altNames.toArray(new GeneralName[0])));
      }
      if (!extendedKeyUsages.isEmpty()) {
        b.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(extendedKeyUsages.toArray(new KeyPurposeId[0])));
      }
      byte[] der = b.build(new JcaContentSignerBuilder(signatureAlgorithm(signingKey))
          .setProvider(BC).build(signingKey)).getEncoded();
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot issue certificate for " + subject + ": " + e.getMessage(), e);
    }
  }

  static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm()
          + " (EC P-256 and RSA are supported)");
    };
  }

  /** PEM ({@code -----BEGIN CERTIFICATE-----} or {@code -----BEGIN PRIVATE KEY-----} etc.) of {@code object}. */
  public static String pem(Object object) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      if (object instanceof PrivateKey key) {
        w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
      } else {
        w.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }
}
