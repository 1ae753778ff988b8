package dev.phonehome.phc.api.server;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.ConveyedInformation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an administrator entered for one serial number: onboarding information (image, scripts,
 * configuration, VC topology) for a PHS, or redirect information for a redirect server.
 *
 * @param serialNumber the device (VC primary) serial
 * @param conveyedInformation what to answer with, in either dialect
 * @param version changes whenever the record's content changes (used to cache encodings and signatures)
 * @param juniperDocument the record's own Juniper dialect {@code <device>} document (UTF-8 or as its XML
 *     declaration says), when the administrator wrote one; the server then answers Juniper requests with it
 *     as written, so that every element survives, also those the model does not know (an operator's
 *     {@code <boot-image><signature/>}). Its {@code unique-id} must be {@code serialNumber}. Null: Juniper
 *     answers are encoded from {@code conveyedInformation}.
 */
public record ProvisioningRecord(
    String serialNumber, ConveyedInformation conveyedInformation, String version, @Nullable Bytes juniperDocument) {
  public ProvisioningRecord {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(conveyedInformation, "conveyedInformation");
    Objects.requireNonNull(version, "version");
  }

  /** A record without a Juniper document of its own. */
  public ProvisioningRecord(String serialNumber, ConveyedInformation conveyedInformation, String version) {
    this(serialNumber, conveyedInformation, version, null);
  }

  /** A record whose version is derived from its content. */
  public static ProvisioningRecord of(String serialNumber, ConveyedInformation conveyedInformation) {
    return new ProvisioningRecord(serialNumber, conveyedInformation,
        Integer.toHexString(Objects.hash(serialNumber, conveyedInformation)));
  }

  /**
   * This record with the Juniper {@code <device>} document it was read from (see {@link #juniperDocument()});
   * the version then also covers the document.
   */
  public ProvisioningRecord withJuniperDocument(Bytes document) {
    Objects.requireNonNull(document, "document");
    return new ProvisioningRecord(serialNumber, conveyedInformation,
        Integer.toHexString(Objects.hash(version, document)), document);
  }
}
