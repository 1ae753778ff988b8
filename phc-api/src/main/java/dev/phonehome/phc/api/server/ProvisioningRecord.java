package dev.phonehome.phc.api.server;

import dev.phonehome.phc.api.model.ConveyedInformation;
import java.util.Objects;

/**
 * What an administrator entered for one serial number: onboarding information (image, scripts,
 * configuration, VC topology) for a PHS, or redirect information for a redirect server.
 *
 * @param serialNumber the device (VC primary) serial
 * @param conveyedInformation what to answer with, in either dialect
 * @param version changes whenever the record's content changes (used to cache encodings and signatures)
 */
public record ProvisioningRecord(String serialNumber, ConveyedInformation conveyedInformation, String version) {
  public ProvisioningRecord {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(conveyedInformation, "conveyedInformation");
    Objects.requireNonNull(version, "version");
  }

  /** A record whose version is derived from its content. */
  public static ProvisioningRecord of(String serialNumber, ConveyedInformation conveyedInformation) {
    return new ProvisioningRecord(serialNumber, conveyedInformation,
        Integer.toHexString(Objects.hash(serialNumber, conveyedInformation)));
  }
}
