package dev.phonehome.phc.api.device;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What a device says about itself: the inputs of a bootstrap request. */
public record DeviceInfo(String serialNumber, @Nullable String hwModel, @Nullable String osName, @Nullable String osVersion) {
  public DeviceInfo {
    Objects.requireNonNull(serialNumber, "serialNumber");
  }
}
