package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.device.DeviceOperations;
import java.util.List;
import java.util.Objects;

/**
 * Where the engine keeps its state between steps, so that it resumes after a crash or on a new primary. The
 * default stores it on the VC's primary and backup through {@code DeviceOperations.persistState}, so that it
 * survives the primary's reboot (SPEC 4.2 step 3.3).
 *
 * <p>The bytes are opaque to a store: the engine seals each save with a generation counter, its length and a
 * SHA-256 checksum, reads every copy on resume, resumes from the newest that verifies and moves the others that
 * do not verify aside (reported once as {@code bootstrap-warning}); it never refuses to start because of a bad
 * copy.
 */
public interface StateStore {
  /** Every copy of the saved state the store can read now, each with where it is; empty when there is none. */
  List<Copy> load();

  /**
   * Saves the state to every place the store keeps a copy, each atomically (write new, then rename over the old
   * one), so that at every moment each copy is either the previous state or this one. Durable when it returns.
   *
   * @throws dev.phonehome.phc.api.PhcDeviceException when a copy could not be written; with {@code sessionLost}
   *     when the device could not be reached (the engine then waits, bounded, and saves again)
   */
  void save(Bytes state);

  /**
   * Moves a copy that does not verify out of the way, so that it is not loaded again, keeping it for the
   * operator: never deletes it.
   *
   * @return where it went
   */
  String moveAside(Copy copy);

  /** The default: saved on the device's primary and backup members, read back from every present member. */
  static StateStore onDevice(DeviceOperations device) {
    return new DeviceStateStore(device);
  }

  /**
   * One stored copy.
   *
   * @param location where it is, for messages (for example {@code member 2})
   * @param bytes what is stored there
   */
  record Copy(String location, Bytes bytes) {
    public Copy {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(bytes, "bytes");
    }
  }
}
