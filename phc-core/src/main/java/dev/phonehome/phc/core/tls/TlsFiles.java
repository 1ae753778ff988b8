package dev.phonehome.phc.core.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.jspecify.annotations.Nullable;

/**
 * A TLS identity from PEM files, as servers keep them: a certificate chain (leaf first, then intermediates) and a
 * private key: PKCS#8 ({@code BEGIN PRIVATE KEY}), encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}, with
 * a password), or traditional RSA/EC ({@code BEGIN RSA PRIVATE KEY}, also OpenSSL-encrypted). The key must
 * belong to the leaf certificate. Turns them into what {@code PhoneHomeServer.builder()} (or any JSSE server or
 * client) takes:
 *
 * <pre>{@code
 * TlsFiles tls = TlsFiles.read(Path.of("phs.pem"), Path.of("phs.key"), password);   // password: null if none
 * PhoneHomeServer.builder().keyManagerFactory(tls.keyManagerFactory())...            // BoringSSL when present
 * }</pre>
 *
 * <p>Errors are {@link IllegalArgumentException}s naming the file and what is wrong with it. Immutable.
 */
public final class TlsFiles {
  private static final char[] STORE_PASSWORD = "phc".toCharArray();
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;

  private TlsFiles(PrivateKey privateKey, List<X509Certificate> chain) {
    this.privateKey = privateKey;
    this.chain = List.copyOf(chain);
  }

  /** The chain and an unencrypted key from two PEM files (they may be the same file). */
  public static TlsFiles read(Path certificateChain, Path privateKey) {
    return read(certificateChain, privateKey, null);
  }

  /**
   * The chain and a key from two PEM files (they may be the same file).
   *
   * @param keyPassword the password of an encrypted key, or null for an unencrypted one
   * @throws IllegalArgumentException naming the file when a file is unreadable, holds no certificate or key,
   *     the key is encrypted and no (or a wrong) password is given, or the key does not belong to the leaf
   */
  public static TlsFiles read(Path certificateChain, Path privateKey, char @Nullable [] keyPassword) {
    return of(readFile(certificateChain), certificateChain.toString(), readFile(privateKey), privateKey.toString(),
        keyPassword);
  }

  /** As {@link #read(Path, Path, char[])}, from PEM text. */
  public static TlsFiles fromPem(String certificateChainPem, String privateKeyPem, char @Nullable [] keyPassword) {
    return of(certificateChainPem, "certificate chain", privateKeyPem, "private key", keyPassword);
  }

  /** Every certificate of a PEM file, e.g. the CAs whose client certificates a server accepts. */
  public static List<X509Certificate> readCertificates(Path pem) {
    List<X509Certificate> certs = certificates(readFile(pem), pem.toString());
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(pem + ": no '-----BEGIN CERTIFICATE-----' block found");
    }
    return certs;
  }

  /** The private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The certificate chain, leaf first. */
  public List<X509Certificate> certificateChain() {
    return chain;
  }

  /** A KeyManagerFactory presenting this chain with this key. */
  public KeyManagerFactory keyManagerFactory() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("phc", privateKey, STORE_PASSWORD, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, STORE_PASSWORD);
      return kmf;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a KeyManagerFactory: " + e.getMessage(), e);
    }
  }

  /** A TLS context presenting this identity, with the JDK's default trust (for a server: no client certificates). */
  public SSLContext sslContext() {
    return sslContext(List.of());
  }

  /**
   * A TLS context presenting this identity and trusting exactly {@code trustAnchors} (for a server: the CAs of
   * acceptable client certificates; for a client: the CAs of the server). Empty: the JDK's default trust.
   */
  public SSLContext sslContext(List<X509Certificate> trustAnchors) {
    try {
      TrustManager[] tms = null;
      if (!trustAnchors.isEmpty()) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < trustAnchors.size(); i++) {
          trust.setCertificateEntry("anchor-" + i, trustAnchors.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        tms = tmf.getTrustManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagerFactory().getKeyManagers(), tms, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an SSLContext: " + e.getMessage(), e);
    }
  }

  // ---- reading ---------------------------------------------------------------------------------------------

  private static TlsFiles of(String chainPem, String chainName, String keyPem, String keyName,
      char @Nullable [] password) {
    List<X509Certificate> chain = certificates(chainPem, chainName);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(chainName
          + ": no '-----BEGIN CERTIFICATE-----' block found (expected a PEM certificate chain, leaf first)");
    }
    PrivateKey key = key(keyPem, keyName, password);
    if (!belongsTo(key, chain.get(0))) {
      throw new IllegalArgumentException(keyName + ": the private key does not belong to the certificate "
          + chain.get(0).getSubjectX500Principal().getName() + " of " + chainName);
    }
    return new TlsFiles(key, chain);
  }

  private static List<X509Certificate> certificates(String pem, String name) {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
    for (Object o : pemObjects(pem, name)) {
      if (o instanceof X509CertificateHolder h) {
        try {
          out.add(conv.getCertificate(h));
        } catch (CertificateException e) {
          throw new IllegalArgumentException(name + ": a CERTIFICATE block is not a valid X.509 certificate: "
              + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  private static PrivateKey key(String pem, String name, char @Nullable [] password) {
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    for (Object o : pemObjects(pem, name)) {
      try {
        if (o instanceof PrivateKeyInfo info) {
          return conv.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return conv.getKeyPair(pair).getPrivate();
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
          requirePassword(password, name);
          return conv.getPrivateKey(encrypted.decryptPrivateKeyInfo(
              new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password)));
        }
        if (o instanceof PEMEncryptedKeyPair encrypted) {
          requirePassword(password, name);
          return conv.getKeyPair(encrypted.decryptKeyPair(
              new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password))).getPrivate();
        }
      } catch (PKCSException | IOException | OperatorCreationException e) {
        throw new IllegalArgumentException(name + ": the private key cannot be decrypted or read"
            + (password != null ? " (wrong password?)" : "") + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(name + ": no private key block found (expected '-----BEGIN PRIVATE KEY-----', "
        + "'-----BEGIN ENCRYPTED PRIVATE KEY-----', or an RSA/EC PRIVATE KEY)");
  }

  private static void requirePassword(char @Nullable [] password, String name) {
    if (password == null) {
      throw new IllegalArgumentException(name + ": the private key is encrypted; give its password");
    }
  }

  private static List<Object> pemObjects(String pem, String name) {
    List<Object> objects = new ArrayList<>();
    try (Reader r = new StringReader(pem); PEMParser p = new PEMParser(r)) {
      Object o;
      while ((o = p.readObject()) != null) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(name + ": not valid PEM: " + e.getMessage(), e);
    }
    if (objects.isEmpty()) {
      throw new IllegalArgumentException(name + ": no PEM block found (is it DER, or empty?)");
    }
    return objects;
  }

  private static String readFile(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e, e);
    }
  }

  /** Signs a probe with the key and verifies it with the certificate's public key. */
  private static boolean belongsTo(PrivateKey key, X509Certificate cert) {
    String k = key.getAlgorithm().toUpperCase(Locale.ROOT);
    String alg = k.startsWith("EC") ? "SHA256withECDSA" : k.equals("RSA") ? "SHA256withRSA"
        : k.equals("ED25519") || k.equals("EDDSA") ? "Ed25519" : null;
    if (alg == null) {
      return true;
    }
    try {
      byte[] probe = "phc key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
