package dev.phonehome.phc.core.internal.trust;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Certification path validation with the JDK's PKIX (RFC 5280) implementation. Path building does not check
 * revocation: a zero-touch device has no reachable CRL distribution point or OCSP responder before it is
 * provisioned, and RFC 8572 makes revocation checks of the owner certificate conditional on the voucher's
 * {@code domain-cert-revocation-checks}; {@link #checkRevocation} then checks a built path against the CRLs
 * the caller has (carried in CMS, or configured), never fetching any.
 */
public final class Pkix {
  private Pkix() {}

  /**
   * Validates that {@code leaf} chains to one of {@code anchors} at instant {@code at}, using
   * {@code intermediates} as needed. A leaf that is itself an anchor is accepted when valid at {@code at}.
   *
   * @throws GeneralSecurityException with the JDK's reason when no valid path exists
   */
  public static void validate(X509Certificate leaf, Collection<X509Certificate> intermediates,
      Collection<X509Certificate> anchors, Instant at) throws GeneralSecurityException {
    path(leaf, intermediates, anchors, at);
  }

  /**
   * As {@link #validate}, returning the path found: its certificates from {@code leaf} up to (not including)
   * the anchor, and the anchor. Empty certificates when the leaf is itself an anchor.
   */
  public static java.security.cert.PKIXCertPathBuilderResult path(X509Certificate leaf,
      Collection<X509Certificate> intermediates, Collection<X509Certificate> anchors, Instant at)
      throws GeneralSecurityException {
    if (anchors.isEmpty()) {
      throw new GeneralSecurityException("no trust anchor configured");
    }
    if (anchors.contains(leaf)) {
      leaf.checkValidity(Date.from(at));
      return new java.security.cert.PKIXCertPathBuilderResult(
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertPath(List.of()),
          new TrustAnchor(leaf, null), null, leaf.getPublicKey());
    }
    Set<TrustAnchor> tas = new HashSet<>();
    for (X509Certificate a : anchors) {
      tas.add(new TrustAnchor(a, null));
    }
    X509CertSelector target = new X509CertSelector();
    target.setCertificate(leaf);
    PKIXBuilderParameters params = new PKIXBuilderParameters(tas, target);
    params.setRevocationEnabled(false);
    params.setDate(Date.from(at));
    List<X509Certificate> all = new ArrayList<>(intermediates);
    all.add(leaf);
    params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(all)));
    return (java.security.cert.PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
  }

  /**
   * Checks the revocation status of every certificate of {@code path} (not the anchor) against {@code crls}
   * only: no OCSP, no CRL distribution point fetched (a zero-touch device has no network for that). Each CRL
   * must be signed by the certificate's issuer and current at {@code at}.
   *
   * @throws java.security.cert.CertPathValidatorException with reason {@code REVOKED} or
   *     {@code UNDETERMINED_REVOCATION_STATUS} (no usable CRL from an issuer)
   */
  public static void checkRevocation(java.security.cert.PKIXCertPathBuilderResult path,
      Collection<java.security.cert.X509CRL> crls, Instant at) throws GeneralSecurityException {
    if (path.getCertPath().getCertificates().isEmpty()) {
      return;
    }
    java.security.cert.CertPathValidator v = java.security.cert.CertPathValidator.getInstance("PKIX");
    java.security.cert.PKIXRevocationChecker rc = (java.security.cert.PKIXRevocationChecker) v.getRevocationChecker();
    rc.setOptions(java.util.EnumSet.of(java.security.cert.PKIXRevocationChecker.Option.PREFER_CRLS,
        java.security.cert.PKIXRevocationChecker.Option.NO_FALLBACK));
    java.security.cert.PKIXParameters params =
        new java.security.cert.PKIXParameters(Set.of(path.getTrustAnchor()));
    params.setDate(Date.from(at));
    params.setRevocationEnabled(true);
    params.addCertPathChecker(rc);
    params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(new ArrayList<>(crls))));
    v.validate(path.getCertPath(), params);
  }

  /**
   * Whether some anchor is the issuer (by name) of the top of the chain that starts at {@code leaf} and
   * climbs through {@code bag}: used to tell "a manufacturer nobody knows" from "a known manufacturer whose
   * chain is broken".
   */
  public static boolean anyAnchorNamesIssuerOfChain(X509Certificate leaf, Collection<X509Certificate> bag,
      Collection<X509Certificate> anchors) {
    X509Certificate top = leaf;
    Set<X509Certificate> visited = new HashSet<>();
    while (visited.add(top)) {
      if (matchesAnchor(top, anchors)) {
        return true;
      }
      X509Certificate next = null;
      for (X509Certificate c : bag) {
        if (!c.equals(top) && c.getSubjectX500Principal().equals(top.getIssuerX500Principal())) {
          next = c;
          break;
        }
      }
      if (next == null) {
        break;
      }
      top = next;
    }
    return matchesAnchor(top, anchors);
  }

  private static boolean matchesAnchor(X509Certificate c, Collection<X509Certificate> anchors) {
    for (X509Certificate a : anchors) {
      if (a.equals(c) || a.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The certificates of {@code bag} that issued no other certificate of it: the bottom of each chain (the
   * end entity, or the last intermediate CA of a CA-only chain).
   */
  public static List<X509Certificate> bottoms(List<X509Certificate> bag) {
    List<X509Certificate> out = new ArrayList<>();
    for (X509Certificate c : bag) {
      boolean issuedSomething = false;
      for (X509Certificate other : bag) {
        if (!other.equals(c) && other.getIssuerX500Principal().equals(c.getSubjectX500Principal())) {
          issuedSomething = true;
          break;
        }
      }
      if (!issuedSomething) {
        out.add(c);
      }
    }
    return out.isEmpty() ? List.copyOf(bag) : out;
  }
}
