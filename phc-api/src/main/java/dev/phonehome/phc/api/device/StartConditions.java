package dev.phonehome.phc.api.device;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a device says about the phone-home start conditions (SPEC 4.1 step 1): all members on the factory-default
 * configuration, not a mixed-mode VC, members cabled in a ring through dedicated or default Virtual Chassis
 * ports. The engine judges them ({@code PhoneHomeClient} refuses to start a fresh run when they do not hold,
 * unless the operator overrides).
 *
 * @param factoryDefaultConfiguration true when nobody has committed configuration since the last zeroize
 * @param configurationNote why the configuration is not the factory default (for example the last commit, who
 *     and when), or null
 * @param mixedMode true when the VC runs in mixed mode (different switch families)
 * @param vcpLinks every Virtual Chassis port of every present member, up or down
 * @param changedByPhoneHomeOnly true when the configuration is not the factory default only because of commits
 *     phone-home itself made (a binding marks them, the Junos one with the commit comment
 *     {@value #PHONE_HOME_COMMIT_COMMENT}): a run was in progress. The engine then never refuses to start: it
 *     looks for the run's saved state and, when it is gone, restarts the run from the beginning
 */
public record StartConditions(boolean factoryDefaultConfiguration, @Nullable String configurationNote, boolean mixedMode,
    List<VcpLink> vcpLinks, boolean changedByPhoneHomeOnly) {
  /** The commit comment (or its start) that marks a commit phone-home made; bindings that can comment use it. */
  public static final String PHONE_HOME_COMMIT_COMMENT = "phone-home";

  public StartConditions {
    vcpLinks = List.copyOf(vcpLinks);
    if (factoryDefaultConfiguration && changedByPhoneHomeOnly) {
      throw new IllegalArgumentException("a factory-default configuration has no commits, phone-home's or others'");
    }
  }

  /** Conditions of a binding that cannot tell phone-home's commits from others ({@code changedByPhoneHomeOnly} false). */
  public StartConditions(boolean factoryDefaultConfiguration, @Nullable String configurationNote, boolean mixedMode,
      List<VcpLink> vcpLinks) {
    this(factoryDefaultConfiguration, configurationNote, mixedMode, vcpLinks, false);
  }

  /** How a Virtual Chassis port came to be one. */
  public enum VcpKind {
    /** A port built for the VC (EX4200 {@code vcp-0}, {@code vcp-1}). */
    DEDICATED,
    /** A port that is a VCP in the factory-default state (EX4300 QSFP+ ports). */
    DEFAULT,
    /** A network port someone made a VCP ({@code request virtual-chassis vc-port set}) or LLDP auto-converted. */
    CONFIGURED,
    /** The binding cannot tell. */
    UNKNOWN
  }

  /**
   * One Virtual Chassis port of a member.
   *
   * @param memberId the member it is on
   * @param port its name, for example {@code vcp-255/1/0} or {@code 1/0}
   * @param kind dedicated, default or configured
   * @param up whether the link is up
   * @param neighborMemberId the member at the other end, or null when down or unknown
   */
  public record VcpLink(int memberId, String port, VcpKind kind, boolean up, @Nullable Integer neighborMemberId) {
    public VcpLink {
      Objects.requireNonNull(port, "port");
      Objects.requireNonNull(kind, "kind");
    }
  }
}
