package dev.phonehome.phc.api.model;

import java.util.Objects;

/**
 * The Juniper dialect's {@code <device>} document (SPEC 2.1): the serial ({@code unique-id}) and either
 * redirect information or onboarding information.
 */
public record JuniperDevice(String uniqueId, ConveyedInformation conveyedInformation) {
  public JuniperDevice {
    Objects.requireNonNull(uniqueId, "uniqueId");
    Objects.requireNonNull(conveyedInformation, "conveyedInformation");
  }
}
