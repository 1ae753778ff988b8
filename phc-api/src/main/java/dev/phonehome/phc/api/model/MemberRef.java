package dev.phonehome.phc.api.model;

import java.util.Objects;

/** The member fields of a member-specific notification (SPEC section 5): id, serial and current role. */
public record MemberRef(int memberId, String serialNumber, MemberRole role) {
  public MemberRef {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(role, "role");
  }

  /** {@code member <id> (serial <SN>, role <role>)}, the prefix of SPEC section 5's message format. */
  public String describe() {
    return "member " + memberId + " (serial " + serialNumber + ", role " + role.reportName() + ")";
  }
}
