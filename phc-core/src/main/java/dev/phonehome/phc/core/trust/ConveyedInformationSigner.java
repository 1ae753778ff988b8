package dev.phonehome.phc.core.trust;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import org.jspecify.annotations.Nullable;

/**
 * The server-side seam of the trust layer: produces the {@code get-bootstrapping-data} output for a record,
 * signed (owner key, owner certificate, ownership voucher) or unsigned. Implementations cache per record
 * version so that a signed answer costs no more than an unsigned one at steady state. Thread-safe.
 */
public interface ConveyedInformationSigner {
  /**
   * @param record the device's record
   * @param document the encoded conveyed-information document
   * @param encoding its encoding (selects the CMS content type)
   * @param nonce the request's nonce, or null (a nonce asks for a voucher bound to it)
   */
  BootstrappingData bootstrappingData(
      ProvisioningRecord record, byte[] document, Encoding encoding, @Nullable ReportingLevel reportingLevel,
      @Nullable byte[] nonce);
}
