package dev.phonehome.phc.core.server;

import java.util.Map;
import java.util.Optional;

/**
 * Per-device secrets (RFC 8572 section 5.3's "HTTP authentication" of a device; sztpd calls it the activation
 * code): the HTTP Basic password a device must send with its serial number as username. Must be thread-safe and
 * fast (it is asked on every request; cache what comes from a database).
 */
@FunctionalInterface
public interface DeviceSecrets {
  /** The secret of {@code serialNumber}, or empty when that device has none. */
  Optional<String> secretFor(String serialNumber);

  /** No device has a secret. */
  static DeviceSecrets none() {
    return serial -> Optional.empty();
  }

  /** Secrets from a map (copied). */
  static DeviceSecrets of(Map<String, String> secretsBySerial) {
    Map<String, String> copy = Map.copyOf(secretsBySerial);
    return serial -> Optional.ofNullable(copy.get(serial));
  }
}
