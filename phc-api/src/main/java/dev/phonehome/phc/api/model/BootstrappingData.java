package dev.phonehome.phc.api.model;

import dev.phonehome.phc.api.Bytes;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The output of RFC 8572 {@code get-bootstrapping-data}.
 *
 * @param reportingLevel the server's wish, or null (RFC default: minimal)
 * @param conveyedInformation a CMS ContentInfo (unsigned: the document wrapped in an OCTET STRING; signed:
 *     SignedData)
 * @param ownerCertificate a CMS degenerate SignedData with the owner certificate chain, or null
 * @param ownershipVoucher a CMS SignedData holding an RFC 8366 voucher, or null
 */
public record BootstrappingData(
    @Nullable ReportingLevel reportingLevel,
    Bytes conveyedInformation,
    @Nullable Bytes ownerCertificate,
    @Nullable Bytes ownershipVoucher) {
  public BootstrappingData {
    Objects.requireNonNull(conveyedInformation, "conveyedInformation");
    if ((ownerCertificate == null) != (ownershipVoucher == null)) {
      throw new IllegalArgumentException("owner-certificate and ownership-voucher come both or neither");
    }
  }

  public boolean isSigned() {
    return ownerCertificate != null;
  }
}
