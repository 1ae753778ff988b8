package dev.phonehome.phc.core.server;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/** A throwaway PKI for the server tests: one CA issuing the server certificate and device certificates. */
final class TestTls {
  private static final AtomicLong SERIALS = new AtomicLong(1000);
  final KeyPair caKey = ec();
  final X509Certificate ca = issue("CN=phc test CA", caKey, null, null, true, false);
  final KeyPair serverKey = ec();
  final X509Certificate server = issue("CN=localhost", serverKey, caKey, ca, false, true);

  /** The server's SSLContext: the server certificate, and the CA for client certificates. */
  SSLContext serverContext() {
    return context(serverKey, server);
  }

  /** The server's key material as a KeyManagerFactory (the BoringSSL path of the embedded engine). */
  javax.net.ssl.KeyManagerFactory serverKeyManagerFactory() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("k", serverKey.getPrivate(), "pw".toCharArray(), new X509Certificate[] {server, ca});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "pw".toCharArray());
      return kmf;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  TrustManagerFactory trustManagerFactory() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore());
      return tmf;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client trusting the CA, presenting no certificate. */
  SSLContext clientContext() {
    return context(null, null);
  }

  /** A client trusting the CA and presenting a device certificate whose subject serialNumber is {@code serial}. */
  SSLContext deviceContext(@Nullable String serialNumber) {
    KeyPair k = ec();
    String dn = serialNumber == null ? "CN=device" : "CN=device, SERIALNUMBER=" + serialNumber;
    return context(k, issue(dn, k, caKey, ca, false, false));
  }

  X509TrustManager trustManager() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore());
      return (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private KeyStore trustStore() throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", ca);
    return ts;
  }

  private SSLContext context(@Nullable KeyPair key, @Nullable X509Certificate cert) {
    try {
      KeyManagerFactory kmf = null;
      if (key != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", key.getPrivate(), "pw".toCharArray(), new X509Certificate[] {cert, ca});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {trustManager()}, null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate issue(String dn, KeyPair subject, @Nullable KeyPair issuerKey,
      @Nullable X509Certificate issuer, boolean ca, boolean serverNames) {
    try {
      Instant now = Instant.now();
      X500Name subjectName = new X500Name(dn);
      X500Name issuerName = issuer == null ? subjectName : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
          BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(1))), subjectName, subject.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (serverNames) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      }
      KeyPair signer = issuerKey == null ? subject : issuerKey;
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
