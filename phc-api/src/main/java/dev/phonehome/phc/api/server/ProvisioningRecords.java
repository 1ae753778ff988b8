package dev.phonehome.phc.api.server;

import java.util.Optional;

/**
 * Where a phone-home server finds provisioning records. Vendors implement it over their database; phc ships
 * an in-memory and a file-backed store. Must be thread-safe and should answer fast (it is called per
 * request).
 */
@FunctionalInterface
public interface ProvisioningRecords {
  /** The record for {@code serialNumber}, or empty when the serial is not claimed (the device gets 404). */
  Optional<ProvisioningRecord> find(String serialNumber);
}
