package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.model.MemberRole;
import java.util.Objects;

/**
 * What the process did to one member.
 *
 * @param memberId the member id
 * @param serialNumber its serial
 * @param initialRole its role when the process discovered it
 * @param status the outcome
 */
public record MemberOutcome(int memberId, String serialNumber, MemberRole initialRole, Status status) {
  public MemberOutcome {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(initialRole, "initialRole");
    Objects.requireNonNull(status, "status");
  }

  /** Member outcomes. */
  public enum Status {
    /** It already ran the target version, or no image was given. */
    NOT_REQUIRED,
    /** Installed, rebooted and detected on the target version. */
    UPGRADED,
    /** The install failed (default mode goes on). */
    INSTALL_FAILED,
    /** Detected after its reboot, but not on the target version. */
    UPGRADE_FAILED,
    /** Not detected within the member-detection timeout after its reboot. */
    DETECTION_FAILED,
    /** The process did not get to it. */
    NOT_DONE,
    /**
     * Listed by the VC but not present when the process discovered the members, so not provisioned (table 1,
     * default mode, provisions the members found). A failure: the VC does not run the target version everywhere.
     */
    NOT_PRESENT
  }

  public boolean succeeded() {
    return status == Status.NOT_REQUIRED || status == Status.UPGRADED;
  }
}
