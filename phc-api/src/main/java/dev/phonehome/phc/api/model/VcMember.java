package dev.phonehome.phc.api.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A VC member as the device reports it.
 *
 * @param memberId 0 to 9
 * @param serialNumber the member's serial
 * @param model for example {@code ex4300-48p}, or null when the device does not say (a member not present)
 * @param role the current role; null for a member that is not present
 * @param status present or not present
 * @param version the Junos version it runs, or null when not known
 */
public record VcMember(
    int memberId,
    String serialNumber,
    @Nullable String model,
    @Nullable MemberRole role,
    MemberStatus status,
    @Nullable String version) {
  public VcMember {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(status, "status");
    if (memberId < 0 || memberId > 9) {
      throw new IllegalArgumentException("member id must be 0 to 9, was " + memberId);
    }
  }

  public boolean isPresent() {
    return status == MemberStatus.PRESENT;
  }

  public VcMember withRole(@Nullable MemberRole newRole) {
    return new VcMember(memberId, serialNumber, model, newRole, status, version);
  }

  public VcMember withStatus(MemberStatus newStatus) {
    return new VcMember(memberId, serialNumber, model, role, newStatus, version);
  }

  public VcMember withVersion(@Nullable String newVersion) {
    return new VcMember(memberId, serialNumber, model, role, status, newVersion);
  }

  /** This member as notifications name it. */
  public MemberRef ref() {
    return new MemberRef(memberId, serialNumber, role == null ? MemberRole.LINECARD : role);
  }
}
