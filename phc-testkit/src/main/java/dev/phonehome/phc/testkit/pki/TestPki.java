package dev.phonehome.phc.testkit.pki;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.core.trust.DefaultConveyedInformationSigner;
import dev.phonehome.phc.core.trust.DefaultConveyedInformationVerifier;
import dev.phonehome.phc.core.trust.RedirectTrustAnchor;
import dev.phonehome.phc.testkit.pki.CertificateBuilder.KeyType;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * A complete, in-memory test PKI for phone-home provisioning, generated with Bouncy Castle on creation (a few
 * milliseconds with EC keys): so that tests run real TLS and real RFC 8572 signed data, and nobody writes a
 * trust-all manager.
 *
 * <ul>
 *   <li><b>Manufacturer</b>: a manufacturer root CA (the device's manufacturer trust anchor), a MASA
 *       certificate issued by it (signs ownership vouchers), and IDevID-style device certificates with the
 *       serial number in the subject's {@code serialNumber} attribute ({@link #device(String)}).
 *   <li><b>Owner</b>: an owner CA (the certificate vouchers pin) and an owner end-entity certificate (signs
 *       conveyed information), EC P-256 or RSA-2048 ({@link Builder#ownerKeyType}).
 *   <li><b>TLS</b>: a TLS root CA and a server certificate for {@code localhost} and {@code 127.0.0.1}
 *       ({@link #serverSslContext()}, {@link #clientSslContext(String)}).
 *   <li><b>Vouchers</b>: {@link #voucher(String)} builds good ones (with nonce or expiry) and deliberately
 *       broken ones (wrong signer, unknown manufacturer, no pinned-domain-cert, ...).
 * </ul>
 *
 * <p>Two {@code TestPki} instances share nothing: use a second one as "some other manufacturer/owner".
 * Thread-safe after creation.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create();
 * PhoneHomeServer server = PhoneHomeServer.builder()
 *     .sslContext(pki.serverSslContext())          // or keyManagerFactory(pki.serverKeyManagerFactory())
 *     .clientAuth(ClientAuth.NEED)                 // device certificates judged against the manufacturer CA
 *     .signer(pki.signer())
 *     ...;
 * PhoneHomeClient client = PhoneHomeClient.builder()
 *     .sslContext(pki.clientSslContext("SN123"), pki.clientTrustManager())
 *     .keyManagers(pki.deviceKeyManagers("SN123"))
 *     .conveyedInformationVerifier(pki.verifier())
 *     ...;
 * }</pre>
 */
public final class TestPki {
  /** The password of every in-memory key store this class builds (never written anywhere). */
  private static final char[] PASSWORD = "phc-test".toCharArray();

  private final Clock clock;
  private final Instant notBefore;
  private final Instant notAfter;
  private final String name;

  private final KeyPair manufacturerCaKeys;
  private final X509Certificate manufacturerCa;
  private final KeyPair masaKeys;
  private final X509Certificate masa;
  private final KeyPair ownerCaKeys;
  private final X509Certificate ownerCa;
  private final KeyPair ownerKeys;
  private final X509Certificate owner;
  private final KeyPair tlsCaKeys;
  private final X509Certificate tlsCa;
  private final KeyPair serverKeys;
  private final X509Certificate server;
  private final Map<String, Device> devices = new ConcurrentHashMap<>();

  /**
   * One device's identity.
   *
   * @param serialNumber the serial number in the certificate's subject
   * @param certificate the IDevID-style certificate, issued by the manufacturer CA
   * @param key its private key
   * @param manufacturerCa the certificate that issued it
   */
  public record Device(String serialNumber, X509Certificate certificate, PrivateKey key,
      X509Certificate manufacturerCa) {
    /** The certificate chain to present in TLS: the device certificate, then the manufacturer CA. */
    public List<X509Certificate> chain() {
      return List.of(certificate, manufacturerCa);
    }
  }

  private TestPki(Builder b) {
    this.clock = b.clock;
    this.name = b.name;
    Instant now = clock.instant();
    this.notBefore = now.minus(Duration.ofDays(1));
    this.notAfter = now.plus(Duration.ofDays(3650));
    manufacturerCaKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
    manufacturerCa = ca("CN=" + name + " Manufacturer Root CA,O=" + name + " Manufacturer", null, null,
        manufacturerCaKeys);
    masaKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
    masa = CertificateBuilder.builder().subject("CN=" + name + " MASA,O=" + name + " Manufacturer")
        .issuer(manufacturerCa, manufacturerCaKeys.getPrivate()).validity(notBefore, notAfter).build(masaKeys);
    ownerCaKeys = CertificateBuilder.newKeyPair(b.ownerKeyType);
    ownerCa = ca("CN=" + name + " Owner CA,O=" + name + " Owner", null, null, ownerCaKeys);
    ownerKeys = CertificateBuilder.newKeyPair(b.ownerKeyType);
    owner = CertificateBuilder.builder().subject("CN=" + name + " Owner Signer,O=" + name + " Owner")
        .issuer(ownerCa, ownerCaKeys.getPrivate()).validity(notBefore, notAfter).build(ownerKeys);
    tlsCaKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
    tlsCa = ca("CN=" + name + " TLS Root CA,O=" + name + " Operator", null, null, tlsCaKeys);
    serverKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
    try {
      server = CertificateBuilder.builder().subject("CN=localhost,O=" + name + " Operator")
          .issuer(tlsCa, tlsCaKeys.getPrivate()).validity(notBefore, notAfter)
          .dnsName("localhost").ipAddress(InetAddress.getByName("127.0.0.1")).serverAuth().build(serverKeys);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh PKI: all keys EC P-256, certificates valid from a day ago for ten years (system clock). */
  public static TestPki create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  private X509Certificate ca(String dn, @Nullable X509Certificate issuer, @Nullable PrivateKey issuerKey,
      KeyPair keys) {
    CertificateBuilder b = CertificateBuilder.builder().subject(dn).validity(notBefore, notAfter).ca(null);
    if (issuer != null && issuerKey != null) {
      b.issuer(issuer, issuerKey);
    }
    return b.build(keys);
  }

  // ----- manufacturer -----

  /** The manufacturer root CA: the device's manufacturer trust anchor for vouchers and IDevIDs. */
  public X509Certificate manufacturerCa() {
    return manufacturerCa;
  }

  public PrivateKey manufacturerCaKey() {
    return manufacturerCaKeys.getPrivate();
  }

  /** The MASA certificate (issued by the manufacturer CA) that signs vouchers. */
  public X509Certificate masaCertificate() {
    return masa;
  }

  public PrivateKey masaKey() {
    return masaKeys.getPrivate();
  }

  /** The device with {@code serialNumber}, issued on first use and then remembered. */
  public Device device(String serialNumber) {
    return devices.computeIfAbsent(serialNumber, s -> {
      KeyPair kp = CertificateBuilder.newKeyPair(KeyType.EC_P256);
      X509Certificate c = CertificateBuilder.builder()
          .subject("CN=" + s + ",SERIALNUMBER=" + s + ",O=" + name + " Manufacturer")
          .issuer(manufacturerCa, manufacturerCaKeys.getPrivate()).validity(notBefore, notAfter).clientAuth()
          .build(kp);
      return new Device(s, c, kp.getPrivate(), manufacturerCa);
    });
  }

  // ----- owner -----

  /** The owner CA: what vouchers pin ({@code pinned-domain-cert}). */
  public X509Certificate ownerCa() {
    return ownerCa;
  }

  public PrivateKey ownerCaKey() {
    return ownerCaKeys.getPrivate();
  }

  /** The owner end-entity certificate that signs conveyed information. */
  public X509Certificate ownerCertificate() {
    return owner;
  }

  public PrivateKey ownerKey() {
    return ownerKeys.getPrivate();
  }

  /** The owner chain as the owner-certificate bag carries it: owner certificate, then owner CA. */
  public List<X509Certificate> ownerChain() {
    return List.of(owner, ownerCa);
  }

  // ----- TLS -----

  /** The TLS root CA: the client's trust anchor for the server. */
  public X509Certificate tlsCa() {
    return tlsCa;
  }

  /** The server certificate for {@code localhost} and {@code 127.0.0.1}. */
  public X509Certificate serverCertificate() {
    return server;
  }

  public PrivateKey serverKey() {
    return serverKeys.getPrivate();
  }

  /** The client's TLS anchors: the TLS root CA only. */
  public List<X509Certificate> tlsAnchors() {
    return List.of(tlsCa);
  }

  /** The redirect {@code trust-anchor} value naming this PKI's TLS CA, in {@code dialect}'s form. */
  public Bytes redirectTrustAnchor(Dialect dialect) {
    return dialect == Dialect.RFC8572 ? RedirectTrustAnchor.rfc8572(List.of(tlsCa))
        : RedirectTrustAnchor.juniper(tlsCa);
  }

  /** Trusts the TLS root CA (for clients). */
  public X509TrustManager clientTrustManager() {
    return (X509TrustManager) trustManagerFactory(tlsCa).getTrustManagers()[0];
  }

  /** Trusts the manufacturer CA (for servers checking device client certificates). */
  public X509TrustManager deviceCertificateTrustManager() {
    return (X509TrustManager) deviceCertificateTrustManagerFactory().getTrustManagers()[0];
  }

  /** The server's key managers (server certificate and TLS CA). */
  public KeyManager[] serverKeyManagers() {
    return serverKeyManagerFactory().getKeyManagers();
  }

  /** For {@code PhoneHomeServer.builder().keyManagerFactory(...)}: the server certificate and TLS CA. */
  public KeyManagerFactory serverKeyManagerFactory() {
    return keyManagerFactory(serverKeys.getPrivate(), List.of(server, tlsCa));
  }

  /**
   * For {@code PhoneHomeServer.builder().trustManagerFactory(...)}: accepts device certificates issued by the
   * manufacturer CA.
   */
  public TrustManagerFactory deviceCertificateTrustManagerFactory() {
    return trustManagerFactory(manufacturerCa);
  }

  /** PKIX trust in exactly {@code anchor} (no revocation checks: test certificates name no CRL or OCSP). */
  private static TrustManagerFactory trustManagerFactory(X509Certificate anchor) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("anchor", anchor);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      return tmf;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager: " + e.getMessage(), e);
    }
  }

  /** The server's X509 key manager. */
  public X509KeyManager serverKeyManager() {
    return (X509KeyManager) serverKeyManagers()[0];
  }

  /** The key managers presenting {@code serialNumber}'s device certificate. */
  public KeyManager[] deviceKeyManagers(String serialNumber) {
    Device d = device(serialNumber);
    return keyManagers(d.key(), d.chain());
  }

  /** The X509 key manager presenting {@code serialNumber}'s device certificate. */
  public X509KeyManager deviceKeyManager(String serialNumber) {
    return (X509KeyManager) deviceKeyManagers(serialNumber)[0];
  }

  /**
   * A server TLS context: presents the server certificate and accepts client certificates issued by the
   * manufacturer CA (whether it requires them is the server socket's setting).
   */
  public SSLContext serverSslContext() {
    return sslContext(serverKeyManagers(), deviceCertificateTrustManager());
  }

  /**
   * A client TLS context trusting the TLS root CA, presenting the device certificate of
   * {@code serialNumber} (null: no client certificate).
   */
  public SSLContext clientSslContext(@Nullable String serialNumber) {
    return sslContext(serialNumber == null ? null : deviceKeyManagers(serialNumber), clientTrustManager());
  }

  private static SSLContext sslContext(KeyManager @Nullable [] kms, X509TrustManager tm) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kms, new TrustManager[] {tm}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain) {
    return keyManagerFactory(key, chain).getKeyManagers();
  }

  private static KeyManagerFactory keyManagerFactory(PrivateKey key, List<X509Certificate> chain) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("key", key, PASSWORD, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD);
      return kmf;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build key managers: " + e.getMessage(), e);
    }
  }

  // ----- PEM -----

  /** PEM of a certificate or a private key (PKCS#8). */
  public static String pem(Object certificateOrKey) {
    return CertificateBuilder.pem(Objects.requireNonNull(certificateOrKey, "certificateOrKey"));
  }

  /** The server certificate chain (server certificate, TLS CA) in PEM. */
  public String serverCertificateChainPem() {
    return pem(server) + pem(tlsCa);
  }

  public String serverKeyPem() {
    return pem(serverKeys.getPrivate());
  }

  public String tlsCaPem() {
    return pem(tlsCa);
  }

  public String manufacturerCaPem() {
    return pem(manufacturerCa);
  }

  public String ownerCaPem() {
    return pem(ownerCa);
  }

  /** The device certificate chain (device certificate, manufacturer CA) in PEM. */
  public String deviceCertificateChainPem(String serialNumber) {
    Device d = device(serialNumber);
    return pem(d.certificate()) + pem(manufacturerCa);
  }

  public String deviceKeyPem(String serialNumber) {
    return pem(device(serialNumber).key());
  }

  // ----- vouchers and trust components -----

  /** A voucher for {@code serialNumber}: by default good (signed by the MASA, pins the owner CA). */
  /**
   * A CRL issued by the owner CA (the pinned-domain-cert of this PKI's vouchers) at the clock's time, valid
   * for a week, listing {@code revoked} (none: a CRL that revokes nothing, which lets a device establish that
   * the owner certificate is good).
   */
  public java.security.cert.X509CRL ownerCaCrl(X509Certificate... revoked) {
    try {
      Instant now = clock.instant();
      org.bouncycastle.cert.X509v2CRLBuilder b = new org.bouncycastle.cert.X509v2CRLBuilder(
          org.bouncycastle.asn1.x500.X500Name.getInstance(ownerCa.getSubjectX500Principal().getEncoded()),
          java.util.Date.from(now.minus(Duration.ofMinutes(5))));
      b.setNextUpdate(java.util.Date.from(now.plus(Duration.ofDays(7))));
      for (X509Certificate c : revoked) {
        b.addCRLEntry(c.getSerialNumber(), java.util.Date.from(now.minus(Duration.ofMinutes(1))),
            org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
      }
      org.bouncycastle.operator.ContentSigner signer = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(
          CertificateBuilder.signatureAlgorithm(ownerCaKeys.getPrivate())).build(ownerCaKeys.getPrivate());
      return new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(b.build(signer));
    } catch (java.security.cert.CRLException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a CRL: " + e.getMessage(), e);
    }
  }

  /** The keyIdentifier of {@code certificate}'s authority key identifier extension. */
  Bytes authorityKeyIdentifier(X509Certificate certificate) {
    byte[] ext = certificate.getExtensionValue("2.5.29.35");
    if (ext == null) {
      throw new IllegalArgumentException(certificate.getSubjectX500Principal() + " has no authority key identifier");
    }
    return Bytes.of(org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.getInstance(
        org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier());
  }

  public TestVoucher voucher(String serialNumber) {
    return new TestVoucher(this, serialNumber, clock.instant().minus(Duration.ofMinutes(1)));
  }

  /**
   * A verifier trusting this manufacturer, with {@code verified} and {@code logged} assertions accepted (the
   * production defaults).
   */
  public DefaultConveyedInformationVerifier verifier() {
    return DefaultConveyedInformationVerifier.builder().manufacturerAnchor(manufacturerCa).build();
  }

  /**
   * A signer with the owner key and chain that mints vouchers with the MASA key (nonceful when the device
   * sends a nonce, else valid for 14 days from the PKI's clock).
   */
  public DefaultConveyedInformationSigner signer() {
    return DefaultConveyedInformationSigner.builder()
        .ownerKey(ownerKeys.getPrivate(), ownerChain())
        .manufacturerKey(masaKeys.getPrivate(), List.of(masa))
        .pinnedDomainCert(ownerCa)
        .clock(clock)
        .build();
  }

  /** A signer with the owner key and chain that serves only the given pre-made vouchers (no MASA key). */
  public DefaultConveyedInformationSigner signer(Map<String, Bytes> vouchersBySerial) {
    return DefaultConveyedInformationSigner.builder()
        .ownerKey(ownerKeys.getPrivate(), ownerChain())
        .vouchers(vouchersBySerial)
        .clock(clock)
        .build();
  }

  Clock clock() {
    return clock;
  }

  /** Configures a {@link TestPki}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private KeyType ownerKeyType = KeyType.EC_P256;
    private String name = "phc Test";

    private Builder() {}

    /** The clock certificate validity and voucher dates start from (a virtual clock works). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The owner CA's and owner certificate's key type (default EC P-256). */
    public Builder ownerKeyType(KeyType type) {
      this.ownerKeyType = Objects.requireNonNull(type, "type");
      return this;
    }

    /** A name prefix for the subjects (to tell two PKIs apart in messages). */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public TestPki build() {
      return new TestPki(this);
    }
  }
}
