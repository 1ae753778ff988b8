package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.model.ProgressReport;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link PhoneHomeClient#run()} achieved.
 *
 * @param alreadyCompleted true when the VC had completed phone-home before this run (it does not run again
 *     until zeroized); the other fields then describe that earlier run
 * @param provisioningServer the URL of the server whose onboarding information was applied
 * @param members the outcome per member, by member id
 * @param serversTried every server URL asked, in first-asked order
 * @param notificationsSent every notification delivered, in order
 * @param notificationsPending notifications not delivered yet (kept in the state; delivered by a later run)
 */
public record PhoneHomeResult(
    boolean alreadyCompleted,
    @Nullable String provisioningServer,
    List<MemberOutcome> members,
    List<String> serversTried,
    List<ProgressReport> notificationsSent,
    List<ProgressReport> notificationsPending) {
  public PhoneHomeResult {
    members = List.copyOf(members);
    serversTried = List.copyOf(serversTried);
    notificationsSent = List.copyOf(notificationsSent);
    notificationsPending = List.copyOf(notificationsPending);
  }

  /** The outcome of one member. */
  public MemberOutcome member(int memberId) {
    for (MemberOutcome m : members) {
      if (m.memberId() == memberId) {
        return m;
      }
    }
    throw new IllegalArgumentException("member " + memberId + " was not part of the process; members: " + members);
  }

  /** The members whose outcome is a failure. */
  public List<MemberOutcome> failedMembers() {
    return members.stream().filter(m -> !m.succeeded()).toList();
  }

  @Override
  public String toString() {
    return "PhoneHomeResult{alreadyCompleted=" + alreadyCompleted + ", server=" + Objects.toString(provisioningServer)
        + ", members=" + members + ", serversTried=" + serversTried + ", sent=" + notificationsSent.size()
        + ", pending=" + notificationsPending.size() + "}";
  }
}
