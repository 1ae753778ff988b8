package dev.phonehome.phc.api.model;

import java.util.List;
import java.util.Objects;

/**
 * A progress (notification) type. The 27 RFC 8572 {@code progress-type} values and the VC types of SPEC
 * section 5 table 2 are constants; any other name a peer sends is kept as it is (never dropped), and
 * {@link #isKnown()} says it is not one of ours.
 *
 * <p>The Juniper dialect's general notification types use the same names as RFC 8572 (our choice: Junos PHC
 * follows the SZTP drafts); the VC types exist only there, and the RFC dialect sends them as
 * {@link #INFORMATIONAL} with the VC type as the message prefix.
 */
public record ProgressType(String name) {
  public static final ProgressType BOOTSTRAP_INITIATED = new ProgressType("bootstrap-initiated");
  public static final ProgressType PARSING_INITIATED = new ProgressType("parsing-initiated");
  public static final ProgressType PARSING_WARNING = new ProgressType("parsing-warning");
  public static final ProgressType PARSING_ERROR = new ProgressType("parsing-error");
  public static final ProgressType PARSING_COMPLETE = new ProgressType("parsing-complete");
  public static final ProgressType BOOT_IMAGE_INITIATED = new ProgressType("boot-image-initiated");
  public static final ProgressType BOOT_IMAGE_WARNING = new ProgressType("boot-image-warning");
  public static final ProgressType BOOT_IMAGE_ERROR = new ProgressType("boot-image-error");
  public static final ProgressType BOOT_IMAGE_MISMATCH = new ProgressType("boot-image-mismatch");
  public static final ProgressType BOOT_IMAGE_INSTALLED_REBOOTING = new ProgressType("boot-image-installed-rebooting");
  public static final ProgressType BOOT_IMAGE_COMPLETE = new ProgressType("boot-image-complete");
  public static final ProgressType PRE_SCRIPT_INITIATED = new ProgressType("pre-script-initiated");
  public static final ProgressType PRE_SCRIPT_WARNING = new ProgressType("pre-script-warning");
  public static final ProgressType PRE_SCRIPT_ERROR = new ProgressType("pre-script-error");
  public static final ProgressType PRE_SCRIPT_COMPLETE = new ProgressType("pre-script-complete");
  public static final ProgressType CONFIG_INITIATED = new ProgressType("config-initiated");
  public static final ProgressType CONFIG_WARNING = new ProgressType("config-warning");
  public static final ProgressType CONFIG_ERROR = new ProgressType("config-error");
  public static final ProgressType CONFIG_COMPLETE = new ProgressType("config-complete");
  public static final ProgressType POST_SCRIPT_INITIATED = new ProgressType("post-script-initiated");
  public static final ProgressType POST_SCRIPT_WARNING = new ProgressType("post-script-warning");
  public static final ProgressType POST_SCRIPT_ERROR = new ProgressType("post-script-error");
  public static final ProgressType POST_SCRIPT_COMPLETE = new ProgressType("post-script-complete");
  public static final ProgressType BOOTSTRAP_WARNING = new ProgressType("bootstrap-warning");
  public static final ProgressType BOOTSTRAP_ERROR = new ProgressType("bootstrap-error");
  public static final ProgressType BOOTSTRAP_COMPLETE = new ProgressType("bootstrap-complete");
  public static final ProgressType INFORMATIONAL = new ProgressType("informational");

  public static final ProgressType VC_MEMBER_IMAGE_INSTALLED = new ProgressType("vc-member-image-installed");
  public static final ProgressType VC_MEMBER_IMAGE_INSTALLATION_FAILED = new ProgressType("vc-member-image-installation-failed");
  public static final ProgressType VC_MEMBER_REBOOT_INITIATED = new ProgressType("vc-member-reboot-initiated");
  public static final ProgressType VC_MEMBER_UPGRADE_SUCCESS = new ProgressType("vc-member-upgrade-success");
  public static final ProgressType VC_MEMBER_UPGRADE_FAILED = new ProgressType("vc-member-upgrade-failed");
  public static final ProgressType VC_MEMBER_DETECTION_FAILED = new ProgressType("vc-member-detection-failed");
  public static final ProgressType VC_BOOTSTRAP_FAILED = new ProgressType("vc-bootstrap-failed");

  /** The 27 RFC 8572 types, in the RFC's order. */
  public static final List<ProgressType> RFC8572 =
      List.of(
          BOOTSTRAP_INITIATED,
          PARSING_INITIATED,
          PARSING_WARNING,
          PARSING_ERROR,
          PARSING_COMPLETE,
          BOOT_IMAGE_INITIATED,
          BOOT_IMAGE_WARNING,
          BOOT_IMAGE_ERROR,
          BOOT_IMAGE_MISMATCH,
          BOOT_IMAGE_INSTALLED_REBOOTING,
          BOOT_IMAGE_COMPLETE,
          PRE_SCRIPT_INITIATED,
          PRE_SCRIPT_WARNING,
          PRE_SCRIPT_ERROR,
          PRE_SCRIPT_COMPLETE,
          CONFIG_INITIATED,
          CONFIG_WARNING,
          CONFIG_ERROR,
          CONFIG_COMPLETE,
          POST_SCRIPT_INITIATED,
          POST_SCRIPT_WARNING,
          POST_SCRIPT_ERROR,
          POST_SCRIPT_COMPLETE,
          BOOTSTRAP_WARNING,
          BOOTSTRAP_ERROR,
          BOOTSTRAP_COMPLETE,
          INFORMATIONAL);

  /** The VC types of SPEC section 5 table 2. */
  public static final List<ProgressType> VIRTUAL_CHASSIS =
      List.of(
          VC_MEMBER_IMAGE_INSTALLED,
          VC_MEMBER_IMAGE_INSTALLATION_FAILED,
          VC_MEMBER_REBOOT_INITIATED,
          VC_MEMBER_UPGRADE_SUCCESS,
          VC_MEMBER_UPGRADE_FAILED,
          VC_MEMBER_DETECTION_FAILED,
          VC_BOOTSTRAP_FAILED);

  public ProgressType {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("progress type is blank");
    }
  }

  /** The constant for {@code name} if there is one, else a new preserved value. */
  public static ProgressType of(String name) {
    for (ProgressType t : RFC8572) {
      if (t.name.equals(name)) {
        return t;
      }
    }
    for (ProgressType t : VIRTUAL_CHASSIS) {
      if (t.name.equals(name)) {
        return t;
      }
    }
    return new ProgressType(name);
  }

  public boolean isRfc8572() {
    return RFC8572.contains(this);
  }

  public boolean isVirtualChassis() {
    return VIRTUAL_CHASSIS.contains(this);
  }

  /** True for the RFC 8572 and VC types; false for a name only a peer knows. */
  public boolean isKnown() {
    return isRfc8572() || isVirtualChassis();
  }

  /** True for the {@code *-error} types and the VC failure types. */
  public boolean isError() {
    return name.endsWith("-error") || name.endsWith("-failed") || name.equals("boot-image-mismatch");
  }

  @Override
  public String toString() {
    return name;
  }
}
