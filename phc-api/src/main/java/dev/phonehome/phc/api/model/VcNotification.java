package dev.phonehome.phc.api.model;

/**
 * Every VC notification of SPEC section 5 table 2, each with its exact message text. The engine sends these
 * and nothing else for VC member events.
 */
public enum VcNotification {
  IMAGE_INSTALLED_NEXT_MEMBER(ProgressType.VC_MEMBER_IMAGE_INSTALLED,
      "Successfully installed downloaded image. Initiating image installation on next member."),
  IMAGE_INSTALLED_REBOOTING(ProgressType.VC_MEMBER_IMAGE_INSTALLED,
      "Successfully installed downloaded image. Initiating member reboot."),
  IMAGE_INSTALLATION_FAILED(ProgressType.VC_MEMBER_IMAGE_INSTALLATION_FAILED,
      "Image failed to install on the member. Giving up and trying a different phone-home-server."),
  LINECARD_REBOOT_INITIATED(ProgressType.VC_MEMBER_REBOOT_INITIATED,
      "Reboot initiated for Line Card members. Waiting for the members to come back up."),
  NO_UPGRADE_REQUIRED(ProgressType.VC_MEMBER_UPGRADE_SUCCESS, "No upgrade required."),
  UPGRADED(ProgressType.VC_MEMBER_UPGRADE_SUCCESS, "Successfully upgraded."),
  DETECTED_AND_UPGRADED(ProgressType.VC_MEMBER_UPGRADE_SUCCESS, "Member detected and successfully upgraded."),
  UPGRADE_FAILED(ProgressType.VC_MEMBER_UPGRADE_FAILED, "Upgrade failed !!!"),
  DETECTED_BUT_UPGRADE_FAILED(ProgressType.VC_MEMBER_UPGRADE_FAILED, "Member detected but upgrade failed !!!"),
  DETECTION_FAILED(ProgressType.VC_MEMBER_DETECTION_FAILED, "Did not come up post image upgrade"),
  STRICT_BOOTSTRAP_FAILURE(ProgressType.VC_BOOTSTRAP_FAILED,
      "VC member bootstrap failure detected with Strict provisioning set."),
  STRICT_DETECTION_FAILED_MEMBERS(ProgressType.VC_BOOTSTRAP_FAILED,
      "VC with detection failed members and Strict provisioning set.");

  private final ProgressType type;
  private final String message;

  VcNotification(ProgressType type, String message) {
    this.type = type;
    this.message = message;
  }

  public ProgressType type() {
    return type;
  }

  /** The exact text of table 2. */
  public String message() {
    return message;
  }

  /** This notification about {@code member}, message formatted as SPEC section 5 says. */
  public ProgressReport about(MemberRef member) {
    return ProgressReport.builder(type).message(member.describe() + ": " + message).member(member).build();
  }

  /** This notification about the VC as a whole (no member fields). */
  public ProgressReport aboutVc() {
    return ProgressReport.builder(type).message(message).build();
  }
}
