package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.VcMember;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The default {@link StateStore}: the state lives on the device, on the primary and on the backup (SPEC 4.2
 * step 3.3), through {@link DeviceOperations#persistState} and {@link DeviceOperations#loadState}. Whoever is
 * primary after a failover finds it.
 */
final class DeviceStateStore implements StateStore {
  private final DeviceOperations device;

  DeviceStateStore(DeviceOperations device) {
    this.device = Objects.requireNonNull(device, "device");
  }

  @Override
  public Optional<Bytes> load() {
    return device.loadState();
  }

  /**
   * Writes the primary first, then the backup: {@link #load()} reads the primary, so a crash between the two
   * writes never makes an older state win.
   */
  @Override
  public void save(Bytes state) {
    List<VcMember> members = device.members();
    boolean saved = false;
    for (MemberRole role : List.of(MemberRole.PRIMARY, MemberRole.BACKUP)) {
      for (VcMember m : members) {
        if (m.isPresent() && m.role() == role) {
          device.persistState(m.memberId(), state);
          saved = true;
        }
      }
    }
    if (!saved) {
      throw new PhcDeviceException("persist-state", null, "no primary or backup member is present", true, null);
    }
  }
}
