package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.device.DeviceOperations;
import java.util.Optional;

/**
 * Where the engine keeps its state between steps, so that it resumes after a crash or on a new primary. The
 * default stores it on the VC's primary and backup through {@code DeviceOperations.persistState}, so that it
 * survives the primary's reboot (SPEC 4.2 step 3.3). The bytes are opaque and versioned by the engine.
 */
public interface StateStore {
  /** The state saved last, if any. */
  Optional<Bytes> load();

  /** Saves the state; called at every step boundary. Must be durable when it returns. */
  void save(Bytes state);

  /** The default: on the device's primary and backup members. */
  static StateStore onDevice(DeviceOperations device) {
    return new DeviceStateStore(device);
  }
}
