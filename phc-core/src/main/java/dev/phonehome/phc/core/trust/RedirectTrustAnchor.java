package dev.phonehome.phc.core.trust;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.core.internal.trust.TrustAnchors;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The {@code trust-anchor} value of a bootstrap server in redirect information: what a redirect server tells a
 * device to trust for the next server's TLS certificate. Use it to fill
 * {@link dev.phonehome.phc.api.model.BootstrapServer} in the redirect records you serve.
 *
 * <ul>
 *   <li>RFC 8572: a CMS degenerate SignedData holding the CA chain that issued the server's certificate; the
 *       device anchors at the last intermediate ("bottom") of that chain.
 *   <li>Juniper dialect: one DER X.509 certificate (the codec base64-encodes it on the wire).
 * </ul>
 */
public final class RedirectTrustAnchor {
  private RedirectTrustAnchor() {}

  /**
   * The RFC 8572 value for a server whose TLS certificate was issued under {@code chain} (CA certificates,
   * root last).
   */
  public static Bytes rfc8572(List<X509Certificate> chain) {
    Objects.requireNonNull(chain, "chain");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain: at least one CA certificate is needed");
    }
    return TrustAnchors.rfc8572TrustAnchor(List.copyOf(chain));
  }

  /** The Juniper dialect value: {@code anchor}'s DER encoding. */
  public static Bytes juniper(X509Certificate anchor) {
    return TrustAnchors.juniperTrustAnchor(Objects.requireNonNull(anchor, "anchor"));
  }

  /**
   * The certificates a device anchors at when it receives {@code trustAnchor} in {@code dialect}'s form.
   *
   * @throws PhcTrustException with reason {@code MALFORMED} when the value cannot be read
   */
  public static List<X509Certificate> anchors(Bytes trustAnchor, Dialect dialect) {
    return TrustAnchors.fromRedirectTrustAnchor(trustAnchor, Objects.requireNonNull(dialect, "dialect"))
        .certificates();
  }
}
