package dev.phonehome.phc.api.model;

import dev.phonehome.phc.api.Bytes;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a device sends to ask for bootstrap data. In the RFC 8572 dialect this is the input of
 * {@code get-bootstrapping-data}; in the Juniper dialect only {@code serialNumber} travels (in the URL and
 * as the Basic username).
 *
 * @param serialNumber the device's serial number (the VC primary's)
 * @param hwModel RFC 8572 {@code hw-model}, or null
 * @param osName RFC 8572 {@code os-name}, or null
 * @param osVersion RFC 8572 {@code os-version}, or null
 * @param nonce RFC 8572 {@code nonce} (16 to 32 bytes) asking for a voucher bound to this request, or null
 * @param signedDataPreferred RFC 8572 {@code signed-data-preferred}: sent when the server is not trusted
 */
public record BootstrapRequest(
    String serialNumber,
    @Nullable String hwModel,
    @Nullable String osName,
    @Nullable String osVersion,
    @Nullable Bytes nonce,
    boolean signedDataPreferred) {

  public BootstrapRequest {
    Objects.requireNonNull(serialNumber, "serialNumber");
    if (serialNumber.isBlank()) {
      throw new IllegalArgumentException("serialNumber is blank");
    }
    if (nonce != null && (nonce.size() < 16 || nonce.size() > 32)) {
      throw new IllegalArgumentException("nonce must be 16 to 32 bytes, was " + nonce.size());
    }
  }

  public static BootstrapRequest of(String serialNumber) {
    return new BootstrapRequest(serialNumber, null, null, null, null, false);
  }
}
