package dev.phonehome.phc.api.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A member the PHS expects in the VC (full topology information, SPEC section 3). */
public record IntendedMember(
    String serialNumber, @Nullable Integer memberId, @Nullable IntendedRole role, @Nullable String model) {
  public IntendedMember {
    Objects.requireNonNull(serialNumber, "serialNumber");
    if (serialNumber.isBlank()) {
      throw new IllegalArgumentException("member serial-number is blank");
    }
    if (memberId != null && (memberId < 0 || memberId > 9)) {
      throw new IllegalArgumentException("member-id must be 0 to 9, was " + memberId);
    }
  }

  public static IntendedMember of(String serialNumber) {
    return new IntendedMember(serialNumber, null, null, null);
  }
}
