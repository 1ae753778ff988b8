package dev.phonehome.phc.core.internal.server;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed EC P-256 server certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}: the
 * zero-setup default when no SSLContext is given. Devices will not trust it; production brings its own.
 */
public record SelfSignedCertificate(X509Certificate certificate, KeyManagerFactory keyManagerFactory, SSLContext sslContext) {
  public static SelfSignedCertificate generate(Clock clock, String... extraHostNames) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      Instant now = clock.instant();
      X500Name name = new X500Name("CN=phc phone-home server (self-signed)");
      GeneralName[] names = new GeneralName[3 + extraHostNames.length];
      names[0] = new GeneralName(GeneralName.dNSName, "localhost");
      names[1] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
      names[2] = new GeneralName(GeneralName.iPAddress, "::1");
      for (int i = 0; i < extraHostNames.length; i++) {
        names[3 + i] = new GeneralName(GeneralName.dNSName, extraHostNames[i]);
      }
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
          new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(365))), name, kp.getPublic());
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] pw = "phc".toCharArray();
      ks.setKeyEntry("server", kp.getPrivate(), pw, new X509Certificate[] {cert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return new SelfSignedCertificate(cert, kmf, ctx);
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate a self-signed server certificate: " + e.getMessage(), e);
    }
  }
}
