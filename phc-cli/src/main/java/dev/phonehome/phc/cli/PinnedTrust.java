package dev.phonehome.phc.cli;

import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts exactly one server certificate, named by its SHA-256 fingerprint (what {@code phc serve} prints for a
 * self-signed certificate). Not a trust-all: any other certificate is refused with both fingerprints named.
 */
final class PinnedTrust implements X509TrustManager {
  private final String expected;

  PinnedTrust(String fingerprint) {
    this.expected = TlsMaterial.normaliseFingerprint(fingerprint);
    if (!expected.matches("[0-9A-F]{64}")) {
      throw CliException.badInput("--insecure-fingerprint " + fingerprint
          + ": not a SHA-256 fingerprint (64 hex digits, colons optional)");
    }
  }

  static SSLContext sslContext(String fingerprint) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {new PinnedTrust(fingerprint)}, new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server sent no certificate");
    }
    String actual = TlsMaterial.normaliseFingerprint(TlsMaterial.fingerprint(chain[0]));
    if (!actual.equals(expected)) {
      throw new CertificateException("server certificate fingerprint " + TlsMaterial.fingerprint(chain[0])
          + " is not the expected one");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("not a server");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
