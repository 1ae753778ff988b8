package dev.phonehome.phc.core.internal.trust;

import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.api.server.DeviceCredentials;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.jspecify.annotations.Nullable;

/**
 * The device's identity as TLS and HTTP present it: an IDevID-style client certificate whose subject carries
 * the serial number in the {@code serialNumber} attribute (OID 2.5.4.5, as IEEE 802.1AR recommends), and/or
 * an HTTP Basic username that is the serial number. When both are present they must name the same serial.
 */
public final class DeviceIdentity {
  /** The X.520 serialNumber attribute type. */
  public static final String SERIAL_NUMBER_OID = "2.5.4.5";

  private DeviceIdentity() {}

  /**
   * The serial number in {@code certificate}'s subject (the serialNumber attribute), or empty when there is
   * none.
   *
   * @throws PhcTrustException {@link Reason#DEVICE_IDENTITY_MISMATCH} when the subject names two different
   *     serial numbers
   */
  public static Optional<String> serialNumberOf(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    List<String> found = new ArrayList<>();
    for (RDN rdn : subject.getRDNs(BCStyle.SERIALNUMBER)) {
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        if (atv.getType().getId().equals(SERIAL_NUMBER_OID)) {
          ASN1Encodable v = atv.getValue();
          found.add(v instanceof ASN1String s ? s.getString() : v.toString());
        }
      }
    }
    if (found.isEmpty()) {
      return Optional.empty();
    }
    String first = found.get(0);
    for (String s : found) {
      if (!s.equals(first)) {
        throw new PhcTrustException(Reason.DEVICE_IDENTITY_MISMATCH,
            "client certificate subject " + certificate.getSubjectX500Principal() + " names serial numbers "
                + found);
      }
    }
    return Optional.of(first);
  }

  /**
   * The serial number the request identifies: the client certificate's and/or the Basic username, which must
   * agree.
   *
   * @param clientCertificate the TLS client certificate (leaf), or null
   * @param basicUsername the HTTP Basic username, or null
   * @throws PhcTrustException {@link Reason#DEVICE_IDENTITY_MISMATCH} when they disagree, when a presented
   *     certificate has no serialNumber attribute, or when neither is present
   */
  public static String serialNumber(@Nullable X509Certificate clientCertificate, @Nullable String basicUsername) {
    String fromCert = null;
    if (clientCertificate != null) {
      fromCert = serialNumberOf(clientCertificate).orElseThrow(() -> new PhcTrustException(
          Reason.DEVICE_IDENTITY_MISMATCH, "client certificate subject "
              + clientCertificate.getSubjectX500Principal() + " has no serialNumber (2.5.4.5) attribute"));
    }
    if (fromCert != null && basicUsername != null && !fromCert.equals(basicUsername)) {
      throw new PhcTrustException(Reason.DEVICE_IDENTITY_MISMATCH, "client certificate names serial \""
          + fromCert + "\" but the Basic username is \"" + basicUsername + "\"");
    }
    if (fromCert != null) {
      return fromCert;
    }
    if (basicUsername != null && !basicUsername.isEmpty()) {
      return basicUsername;
    }
    throw new PhcTrustException(Reason.DEVICE_IDENTITY_MISMATCH,
        "the request presented neither a client certificate nor a Basic username");
  }

  /**
   * {@link #serialNumber(X509Certificate, String)} over a request's credentials; additionally, a serial in
   * the URL (Juniper dialect) must be the same one.
   */
  public static String serialNumber(DeviceCredentials credentials) {
    X509Certificate leaf = credentials.clientCertificates().isEmpty() ? null
        : credentials.clientCertificates().get(0);
    String serial = serialNumber(leaf, credentials.basicUsername());
    if (credentials.requestedSerial() != null && !credentials.requestedSerial().equals(serial)) {
      throw new PhcTrustException(Reason.DEVICE_IDENTITY_MISMATCH, "request names serial \""
          + credentials.requestedSerial() + "\" but the device authenticated as \"" + serial + "\"");
    }
    return serial;
  }
}
