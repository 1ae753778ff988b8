package dev.phonehome.phc.api.model;

import java.util.List;
import java.util.Objects;

/**
 * The VC topology of a PHS response (SPEC section 3). The rule "strict requires full information" is enforced
 * here: {@code minimum(STRICT)} and {@code full(STRICT, [])} throw.
 */
public final class VirtualChassisTopology {
  private static final VirtualChassisTopology NONE =
      new VirtualChassisTopology(TopologyKind.NONE, ProvisioningMode.DEFAULT, List.of());

  private final TopologyKind kind;
  private final ProvisioningMode mode;
  private final List<IntendedMember> members;

  private VirtualChassisTopology(TopologyKind kind, ProvisioningMode mode, List<IntendedMember> members) {
    this.kind = kind;
    this.mode = mode;
    this.members = members;
  }

  /** No topology: a standalone device. */
  public static VirtualChassisTopology none() {
    return NONE;
  }

  /**
   * A VC without a member list.
   *
   * @throws IllegalArgumentException for {@link ProvisioningMode#STRICT}, which requires full information
   */
  public static VirtualChassisTopology minimum(ProvisioningMode mode) {
    Objects.requireNonNull(mode, "mode");
    if (mode == ProvisioningMode.STRICT) {
      throw new IllegalArgumentException("provisioning-mode strict requires a member list (full topology)");
    }
    return new VirtualChassisTopology(TopologyKind.MINIMUM, mode, List.of());
  }

  /**
   * A VC with its intended members. An empty list is minimum information.
   *
   * @throws IllegalArgumentException for strict without members, or a serial or member-id given twice
   */
  public static VirtualChassisTopology full(ProvisioningMode mode, List<IntendedMember> members) {
    Objects.requireNonNull(mode, "mode");
    List<IntendedMember> copy = List.copyOf(members);
    if (copy.isEmpty()) {
      return minimum(mode);
    }
    if (copy.stream().map(IntendedMember::serialNumber).distinct().count() != copy.size()) {
      throw new IllegalArgumentException("a member serial-number is listed twice");
    }
    if (copy.stream().filter(m -> m.memberId() != null).map(IntendedMember::memberId).distinct().count()
        != copy.stream().filter(m -> m.memberId() != null).count()) {
      throw new IllegalArgumentException("a member-id is listed twice");
    }
    return new VirtualChassisTopology(TopologyKind.FULL, mode, copy);
  }

  public TopologyKind kind() {
    return kind;
  }

  public ProvisioningMode mode() {
    return mode;
  }

  /** The intended members; empty unless {@link #kind()} is FULL. */
  public List<IntendedMember> members() {
    return members;
  }

  public boolean isVirtualChassis() {
    return kind != TopologyKind.NONE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VirtualChassisTopology t && kind == t.kind && mode == t.mode && members.equals(t.members);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, mode, members);
  }

  @Override
  public String toString() {
    return "VirtualChassisTopology{" + kind + ", " + mode + ", members=" + members + "}";
  }
}
