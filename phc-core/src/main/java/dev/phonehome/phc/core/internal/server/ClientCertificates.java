package dev.phonehome.phc.core.internal.server;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Reads the device serial from a client certificate: subject {@code serialNumber} (OID 2.5.4.5). */
public final class ClientCertificates {
  private ClientCertificates() {}

  /** The subject serialNumber attribute of {@code cert}, or empty when it has none. */
  public static Optional<String> subjectSerialNumber(X509Certificate cert) {
    X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    for (RDN rdn : name.getRDNs(BCStyle.SERIALNUMBER)) {
      if (rdn.getFirst() != null && rdn.getFirst().getValue() instanceof ASN1String s) {
        return Optional.of(s.getString());
      }
    }
    return Optional.empty();
  }
}
