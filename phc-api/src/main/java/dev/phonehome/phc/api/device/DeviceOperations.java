package dev.phonehome.phc.api.device;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.SshHostKey;
import dev.phonehome.phc.api.model.VcMember;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the phone-home engine needs from a device or Virtual Chassis. {@code phc-junos} implements it over
 * NETCONF/SSH; the test kit's {@code FakeVirtualChassis} implements it in memory. Every binding must pass the
 * test kit's {@code DeviceOperationsCompatibilityKit}.
 *
 * <p>Every method may throw {@link PhcDeviceException}; one whose {@link PhcDeviceException#sessionLost()} is
 * true means the connection dropped (a reboot, a primary change) and the outcome is unknown. A binding
 * reconnects on the next call. Implementations must bound every blocking call with a timeout.
 */
public interface DeviceOperations {

  /** Facts for the bootstrap request: the VC's (primary's) serial, model and software. */
  DeviceInfo deviceInfo();

  /**
   * The members of the VC as the device reports them now, present or not, with role, model and software
   * version (never assume the primary is member 0). A standalone device reports one member.
   */
  List<VcMember> members();

  /** Who downloads the image: the device itself, or the agent that pushes verified bytes to it. */
  ImageStaging imageStaging();

  /**
   * {@link ImageStaging#DEVICE_FETCHES}: makes the device download {@code fetch.source()} and verify every
   * digest with its own checksum command. One attempt; the engine retries and tries mirrors.
   *
   * @throws PhcDeviceException when the copy fails or a checksum does not match (the file is then deleted)
   */
  StagedImage fetchImage(ImageFetch fetch);

  /**
   * {@link ImageStaging#AGENT_PUSHES}: opens a destination on the device for the image. The engine writes
   * bytes it verifies while they flow, then calls {@link ImageUpload#complete()} only if every digest
   * matched, or {@link ImageUpload#abort()} otherwise.
   */
  ImageUpload beginImageUpload(String fileName);

  /** Installs a staged image on one member (Junos {@code request system software add ... member N}). */
  void installImage(int memberId, StagedImage image);

  /**
   * Reboots the given members, all at the same time; returns once the reboots are initiated. Rebooting the
   * member the session runs on may end the session ({@link PhcDeviceException#sessionLost()}).
   */
  void reboot(Collection<Integer> memberIds);

  /**
   * Temporary VC configuration so that primary and backup roles cannot change while images are upgraded
   * (SPEC 4.1 step 5), for example mastership priorities.
   */
  void pinRoles(int primaryMemberId, int backupMemberId);

  /** Undoes {@link #pinRoles}; a no-op when nothing is pinned. */
  void unpinRoles();

  /** Loads configuration into the candidate (Junos XML in the Juniper dialect). */
  void loadConfiguration(Bytes configuration, ConfigurationHandling handling);

  /** Commits the candidate on every member. */
  void commitConfiguration();

  /** Runs a pre- or post-configuration script (Python or shell) and returns its outcome. */
  ScriptResult runScript(ScriptPhase phase, Bytes script);

  /** Writes a line to the device's system log ({@code /var/log/messages} on Junos). */
  void syslog(SyslogSeverity severity, String message);

  /**
   * Stores the engine's state on a member, so that the PHC on a new primary can resume (SPEC 4.2 step 3.3:
   * "sync the PHC bootstrap state to the backup"). <b>Atomic</b>: write the bytes to a new file next to the
   * state file, then rename it over the state file, so that a crash or a power loss at any moment leaves the
   * member with either its previous state or this one, never a truncated or mixed file.
   */
  void persistState(int memberId, Bytes state);

  /** The engine state stored on the current primary, if any. */
  default Optional<Bytes> loadState() {
    for (VcMember m : members()) {
      if (m.isPresent() && m.role() == dev.phonehome.phc.api.model.MemberRole.PRIMARY) {
        return loadState(m.memberId());
      }
    }
    throw new PhcDeviceException("load-state", null, "no present member reports the primary role", true, null);
  }

  /**
   * The engine state stored on one member, if any. The engine reads the copies on every present member (saves go
   * to the primary and the backup, but a VC that lost power may re-elect its roles) and resumes from the newest
   * one that verifies. Must work for any present member, linecards included.
   */
  Optional<Bytes> loadState(int memberId);

  /**
   * Moves the state stored on a member out of the way, so that it is not loaded again, and keeps it for
   * inspection: never deletes it (for example, renames {@code /var/tmp/phc-state} to
   * {@code /var/tmp/phc-state.corrupt-<time>}). The engine calls it for a state that does not verify.
   *
   * @return where the state went, for the operator
   */
  String moveStateAside(int memberId);

  /** Removes stored engine state from every member. */
  void clearState();

  /**
   * The facts behind SPEC 4.1 step 1's start conditions: is the configuration the factory default, is the VC
   * in mixed mode, how are the members cabled (every Virtual Chassis port of every present member). The engine
   * checks them before a fresh run.
   */
  StartConditions startConditions();

  /**
   * The device's SSH host keys, sent with RFC 8572 {@code bootstrap-complete} ({@code ssh-host-keys}) so the
   * owner can pin them. Empty (the default) when the binding cannot read them.
   */
  default List<SshHostKey> sshHostKeys() {
    return List.of();
  }

  /**
   * The trust anchors the device is configured to trust, each a CMS degenerate SignedData of X.509 certificates,
   * sent with RFC 8572 {@code bootstrap-complete} ({@code trust-anchor-certs}). Empty (the default) when the
   * binding cannot read them.
   */
  default List<Bytes> trustAnchorCerts() {
    return List.of();
  }
}
