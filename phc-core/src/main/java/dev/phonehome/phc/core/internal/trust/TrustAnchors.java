package dev.phonehome.phc.core.internal.trust;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * An immutable set of TLS trust anchors (RFC 8572 section 5.3-5.4: the preconfigured anchors of well-known
 * bootstrap servers, plus anchors learned from trusted redirect information), and the JSSE objects made
 * from it. The trust manager is the JDK's PKIX one over exactly these anchors: no system CAs are added and
 * nothing is trusted blindly. An empty set trusts nothing.
 */
public final class TrustAnchors {
  private static final TrustAnchors NONE = new TrustAnchors(List.of());
  private final List<X509Certificate> anchors;

  /** The JDK's PKIX refuses to be built without anchors; this refuses every chain instead. */
  private static final X509TrustManager TRUST_NOTHING = new X509TrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("no trust anchors are configured: no client certificate is trusted");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("no trust anchors are configured: no server is trusted");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  };

  private TrustAnchors(Collection<X509Certificate> anchors) {
    this.anchors = List.copyOf(new LinkedHashSet<>(anchors));
  }

  /** No anchors: every server is untrusted. */
  public static TrustAnchors none() {
    return NONE;
  }

  public static TrustAnchors of(Collection<X509Certificate> anchors) {
    return new TrustAnchors(anchors);
  }

  public static TrustAnchors of(X509Certificate... anchors) {
    return new TrustAnchors(List.of(anchors));
  }

  /**
   * Reads PEM certificates ({@code -----BEGIN CERTIFICATE-----} blocks, any number).
   *
   * @throws IllegalArgumentException when the text holds no certificate or an unreadable one
   */
  public static TrustAnchors fromPem(String pem) {
    try {
      Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      List<X509Certificate> out = new ArrayList<>();
      for (java.security.cert.Certificate c : certs) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no certificate in PEM text");
      }
      return new TrustAnchors(out);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("unreadable PEM certificate: " + e.getMessage(), e);
    }
  }

  /** The anchors, in insertion order, without duplicates. */
  public List<X509Certificate> certificates() {
    return anchors;
  }

  public boolean isEmpty() {
    return anchors.isEmpty();
  }

  /** These anchors plus {@code more}. */
  public TrustAnchors plus(Collection<X509Certificate> more) {
    List<X509Certificate> all = new ArrayList<>(anchors);
    all.addAll(more);
    return new TrustAnchors(all);
  }

  public TrustAnchors plus(TrustAnchors more) {
    return plus(more.anchors);
  }

  /**
   * The anchors a redirect's {@code trust-anchor} leaf names.
   *
   * <ul>
   *   <li>RFC 8572: a CMS degenerate SignedData holding one chain of CA certificates, self-signed root
   *       included; the device "MUST only authenticate to the last intermediate CA certificate listed", so
   *       the anchor is the bottom of the chain (the certificate that issued no other one in the bag).
   *   <li>Juniper dialect: one DER X.509 certificate (already base64-decoded by the codec), which is the
   *       anchor.
   * </ul>
   *
   * @throws PhcTrustException {@link Reason#MALFORMED} when the leaf is unreadable
   */
  public static TrustAnchors fromRedirectTrustAnchor(Bytes trustAnchor, Dialect dialect) {
    Objects.requireNonNull(trustAnchor, "trustAnchor");
    if (dialect == Dialect.RFC8572) {
      List<X509Certificate> bag = Cms.certificatesOf(trustAnchor, "trust-anchor");
      return new TrustAnchors(Pkix.bottoms(bag));
    }
    try {
      return new TrustAnchors(List.of(Cms.certificate(trustAnchor.toByteArray())));
    } catch (CertificateException e) {
      throw new PhcTrustException(Reason.MALFORMED,
          "trust-anchor (" + trustAnchor.size() + " bytes) is not one DER X.509 certificate: " + e.getMessage(), e);
    }
  }

  /**
   * The RFC 8572 {@code trust-anchor} value for a server whose TLS certificate is issued under
   * {@code chain} (CA certificates, root last): a degenerate SignedData holding the chain.
   */
  public static Bytes rfc8572TrustAnchor(List<X509Certificate> chain) {
    return Cms.degenerate(chain);
  }

  /** The Juniper-dialect {@code trust-anchor} value: the DER certificate (the codec base64-encodes it). */
  public static Bytes juniperTrustAnchor(X509Certificate anchor) {
    try {
      return Bytes.of(anchor.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalArgumentException("cannot encode certificate: " + e.getMessage(), e);
    }
  }

  /**
   * A PKIX trust manager over exactly these anchors (no system CAs; with no anchors, one that refuses every
   * chain). Host names are checked by the HTTP client (OkHttp's HostnameVerifier), not here.
   */
  public X509TrustManager trustManager() {
    if (anchors.isEmpty()) {
      return TRUST_NOTHING;
    }
    for (TrustManager tm : trustManagerFactory().getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("the JDK PKIX TrustManagerFactory returned no X509TrustManager");
  }

  /**
   * A PKIX TrustManagerFactory over exactly these anchors, for APIs that take a factory (e.g. the server's
   * judge of client certificates).
   *
   * @throws IllegalStateException when there are no anchors (the JDK's PKIX needs at least one)
   */
  public TrustManagerFactory trustManagerFactory() {
    if (anchors.isEmpty()) {
      throw new IllegalStateException("a TrustManagerFactory needs at least one trust anchor");
    }
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (X509Certificate a : anchors) {
        ks.setCertificateEntry("anchor-" + i++, a);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      return tmf;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager factory: " + e.getMessage(), e);
    }
  }

  /**
   * A TLS context trusting these anchors, presenting {@code keyManagers}' identity (the device's client
   * certificate; null for none).
   */
  public SSLContext sslContext(KeyManager @Nullable [] keyManagers) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers, new TrustManager[] {trustManager()}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build an SSLContext: " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code serverChain} (leaf first, as the TLS handshake presented it) chains to these anchors.
   * Used to decide {@code serverTrusted} when the client connected provisionally.
   */
  public boolean trusts(List<X509Certificate> serverChain) {
    if (anchors.isEmpty() || serverChain.isEmpty()) {
      return false;
    }
    try {
      // "UNKNOWN" is what JSSE passes for TLS 1.3 (signature-based key exchange): digitalSignature key usage.
      trustManager().checkServerTrusted(serverChain.toArray(new X509Certificate[0]), "UNKNOWN");
      return true;
    } catch (CertificateException e) {
      return false;
    }
  }

  /**
   * The trust manager of an RFC 8572 <em>provisional</em> connection (section 5.3: "the device MAY establish
   * a provisional connection ... not authenticating the bootstrap server"): the handshake proceeds whatever
   * certificate the server presents, and the caller MUST then decide with {@link #trusts(List)} on the
   * handshake's peer certificates whether the connection is trusted. Data from a connection that is not
   * trusted must go through {@link dev.phonehome.phc.core.trust.ConveyedInformationVerifier} with {@code serverTrusted=false}, which only
   * accepts signed data (or unsigned redirect information, whose anchors are then ignored). Never use this
   * manager for anything else (image downloads, notifications of a trusted session).
   */
  public X509TrustManager provisionalTrustManager() {
    X509TrustManager pkix = trustManager();
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a provisional trust manager is for clients only");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
          throw new CertificateException("the server presented no certificate");
        }
        // Provisional: accepted untrusted; the caller decides trust afterwards with trusts(peerChain).
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
      }
    };
  }

  @Override
  public String toString() {
    Set<String> names = new LinkedHashSet<>();
    for (X509Certificate a : anchors) {
      names.add(a.getSubjectX500Principal().getName());
    }
    return "TrustAnchors" + names;
  }
}
