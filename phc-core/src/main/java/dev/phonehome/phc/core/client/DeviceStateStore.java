package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.VcMember;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link StateStore}: the state lives on the device, on the primary and on the backup (SPEC 4.2
 * step 3.3), through {@link DeviceOperations#persistState} (atomic per member) and
 * {@link DeviceOperations#loadState(int)}, read back from every present member. Whoever is primary after a
 * failover or a power loss finds a copy.
 */
final class DeviceStateStore implements StateStore {
  private static final Logger log = LoggerFactory.getLogger(DeviceStateStore.class);
  private static final String MEMBER = "member ";

  private final DeviceOperations device;

  DeviceStateStore(DeviceOperations device) {
    this.device = Objects.requireNonNull(device, "device");
  }

  /**
   * The copies on every present member: the primary and the backup first, then the others. Saves go to the
   * primary and the backup of their moment, but a VC that lost power re-elects its roles, and the member that
   * held the newest copy may come back as a linecard (or another member, say one that was rebooting into its new
   * image, may be back first and take the primary role): reading only today's primary and backup would then miss
   * the run in progress. A copy the device cannot read (an error other than a lost session) is left out and
   * logged: it may well be fine, and the other copies decide.
   */
  @Override
  public List<Copy> load() {
    List<Copy> out = new ArrayList<>();
    List<VcMember> members = device.members();
    List<Integer> ids = targets(members, MemberRole.PRIMARY, MemberRole.BACKUP);
    for (VcMember m : members) {
      if (m.isPresent() && !ids.contains(m.memberId())) {
        ids.add(m.memberId());
      }
    }
    for (int id : ids) {
      try {
        Optional<Bytes> b = device.loadState(id);
        b.ifPresent(bytes -> out.add(new Copy(MEMBER + id, bytes)));
      } catch (PhcDeviceException e) {
        if (e.sessionLost()) {
          throw e;
        }
        log.warn("the state on member {} cannot be read: {}", id, e.getMessage());
      }
    }
    return out;
  }

  /**
   * Writes the backup first, then the primary. The primary is the member that reboots last (SPEC 4.2 step
   * 3.3); if it dies between the two writes, the backup, which takes over, already holds the newer state, and
   * an engine that finds both reads both and takes the newer.
   */
  @Override
  public void save(Bytes state) {
    List<Integer> targets = targets(device.members(), MemberRole.BACKUP, MemberRole.PRIMARY);
    if (targets.isEmpty()) {
      throw new PhcDeviceException("persist-state", null, "no primary or backup member is present", true, null);
    }
    for (int id : targets) {
      device.persistState(id, state);
    }
  }

  @Override
  public String moveAside(Copy copy) {
    if (!copy.location().startsWith(MEMBER)) {
      throw new IllegalArgumentException("not a copy of this store: " + copy.location());
    }
    int id = Integer.parseInt(copy.location().substring(MEMBER.length()));
    return MEMBER + id + ":" + device.moveStateAside(id);
  }

  private static List<Integer> targets(List<VcMember> members, MemberRole first, MemberRole second) {
    List<Integer> out = new ArrayList<>();
    for (MemberRole role : List.of(first, second)) {
      for (VcMember m : members) {
        if (m.isPresent() && m.role() == role && !out.contains(m.memberId())) {
          out.add(m.memberId());
        }
      }
    }
    return out;
  }
}
