package dev.phonehome.phc.api.server;

import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.ProgressType;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A VC member as the device last reported it in a member-specific notification (SPEC section 5).
 *
 * @param memberId the member id
 * @param serialNumber the member's serial
 * @param role its role when it was last reported
 * @param lastType the last notification type about this member
 * @param lastMessage that notification's message, or null
 * @param reportedAt when the server received it
 */
public record ReportedMember(
    int memberId, String serialNumber, MemberRole role, ProgressType lastType, @Nullable String lastMessage,
    Instant reportedAt) {
  public ReportedMember {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(lastType, "lastType");
    Objects.requireNonNull(reportedAt, "reportedAt");
  }

  /** True when the last report about this member is a failure type. */
  public boolean failed() {
    return lastType.isError();
  }
}
