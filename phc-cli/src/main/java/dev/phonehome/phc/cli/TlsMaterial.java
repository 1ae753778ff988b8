package dev.phonehome.phc.cli;

import dev.phonehome.phc.core.tls.TlsFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A server's TLS key and certificate chain: read from PEM files, or generated self-signed. */
final class TlsMaterial {
  private static final char[] KEYSTORE_PASSWORD = "phc".toCharArray();

  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final boolean selfSigned;

  private TlsMaterial(PrivateKey key, List<X509Certificate> chain, boolean selfSigned) {
    this.key = key;
    this.chain = List.copyOf(chain);
    this.selfSigned = selfSigned;
  }

  PrivateKey key() {
    return key;
  }

  /** Leaf first. */
  List<X509Certificate> chain() {
    return chain;
  }

  boolean selfSigned() {
    return selfSigned;
  }

  /** SHA-256 of the leaf certificate's DER, colon-separated upper-case hex (as browsers and openssl print it). */
  String sha256Fingerprint() {
    return fingerprint(chain.get(0));
  }

  static String fingerprint(X509Certificate cert) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Normalises a fingerprint as people paste it: any case, with or without colons, optional "SHA256:" prefix. */
  static String normaliseFingerprint(String text) {
    String t = text.strip();
    if (t.toLowerCase(Locale.ROOT).startsWith("sha256:") || t.toLowerCase(Locale.ROOT).startsWith("sha-256:")) {
      t = t.substring(t.indexOf(':') + 1);
    }
    return t.replace(":", "").replace(" ", "").toUpperCase(Locale.ROOT);
  }

  KeyStore keyStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("phc", key, KEYSTORE_PASSWORD, chain.toArray(new X509Certificate[0]));
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a key store: " + e, e);
    }
  }

  static char[] keyStorePassword() {
    return KEYSTORE_PASSWORD.clone();
  }

  SSLContext sslContext() {
    return sslContext(List.of());
  }

  /** The server's context; client certificates are accepted when they chain to one of {@code clientCas}. */
  SSLContext sslContext(List<X509Certificate> clientCas) {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore(), KEYSTORE_PASSWORD);
      javax.net.ssl.TrustManager[] tms = null;
      if (!clientCas.isEmpty()) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < clientCas.size(); i++) {
          trust.setCertificateEntry("client-ca-" + i, clientCas.get(i));
        }
        javax.net.ssl.TrustManagerFactory tmf =
            javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        tms = tmf.getTrustManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tms, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an SSLContext: " + e, e);
    }
  }

  /** Every certificate of a PEM file (CA certificates for client certificates). */
  static List<X509Certificate> readCertificates(String option, Path file) {
    Inputs.readableFile(option, file);
    List<X509Certificate> out = new ArrayList<>();
    try (java.io.InputStream in = Files.newInputStream(file)) {
      for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw CliException.badInput(option + " " + file + ": cannot read certificates: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw CliException.badInput(option + " " + file + ": no certificate found (expected PEM)");
    }
    return out;
  }

  /** A fresh EC P-256 key and a self-signed certificate for {@code hosts} (names or addresses), valid 1 year. */
  static TlsMaterial selfSigned(List<String> hosts, Instant now) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = g.generateKeyPair();
      X500Name name = new X500Name("CN=phc serve (self-signed)");
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          name,
          new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofMinutes(5))),
          Date.from(now.plus(Duration.ofDays(365))),
          name,
          kp.getPublic());
      List<GeneralName> sans = new ArrayList<>();
      for (String h : hosts) {
        sans.add(isAddress(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
      }
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      X509CertificateHolder h = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(h);
      return new TlsMaterial(kp.getPrivate(), List.of(cert), true);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate: " + e, e);
    }
  }

  private static boolean isAddress(String h) {
    return h.matches("[0-9.]+") || h.contains(":");
  }

  /**
   * Reads a PEM certificate chain (leaf first) and a PEM private key (PKCS#8 or traditional, encrypted when
   * {@code password} is given). Errors name the option, the file and what is wrong; a missing or wrong password
   * is a usage error naming the key file and {@code passwordSource} (where the password came from).
   */
  static TlsMaterial fromPem(Path certFile, Path keyFile, char[] password, String passwordSource) {
    Inputs.readableFile("--tls-cert", certFile);
    Inputs.readableFile("--tls-key", keyFile);
    boolean encrypted = encrypted(keyFile);
    if (encrypted && password == null) {
      throw new CliException(ExitCodes.USAGE, "--tls-key " + keyFile + ": the private key is encrypted; give its"
          + " password in a file (--key-password-file FILE) or in the environment variable "
          + ServeCommand.KEY_PASSWORD_ENV);
    }
    try {
      TlsFiles tls = TlsFiles.read(certFile, keyFile, encrypted ? password : null);
      return new TlsMaterial(tls.privateKey(), tls.certificateChain(), false);
    } catch (IllegalArgumentException e) {
      String m = e.getMessage() == null ? "" : e.getMessage();
      if (encrypted && m.startsWith(keyFile + ": the private key cannot be decrypted")) {
        throw new CliException(ExitCodes.USAGE, "--tls-key " + keyFile + ": wrong password for the encrypted"
            + " private key (the password from " + passwordSource + " does not decrypt it)", e);
      }
      String option = m.startsWith(keyFile.toString()) ? "--tls-key " : "--tls-cert ";
      throw CliException.badInput(option + m, e);
    }
  }

  /** Whether a PEM key file holds an encrypted key (PKCS#8 {@code ENCRYPTED PRIVATE KEY} or OpenSSL's Proc-Type). */
  private static boolean encrypted(Path keyFile) {
    try {
      String pem = Files.readString(keyFile, java.nio.charset.StandardCharsets.ISO_8859_1);
      return pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED");
    } catch (IOException e) {
      throw CliException.badInput("--tls-key " + keyFile + ": cannot read: " + e.getMessage(), e);
    }
  }

  static InetAddress loopback() {
    return InetAddress.getLoopbackAddress();
  }
}
