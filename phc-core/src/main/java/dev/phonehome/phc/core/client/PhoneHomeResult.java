package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.model.ProgressReport;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link PhoneHomeClient#run()} achieved, and what became of every notification.
 *
 * <p>Every notification the client queued is in exactly one of three lists: {@linkplain #notificationsDelivered()
 * delivered} (the server answered 200, 201 or 204), {@linkplain #notificationsRefused() refused} (the server
 * answered with an error it will keep giving, or the client withheld it from an untrusted server), or
 * {@linkplain #notificationsQueued() still queued} (not delivered yet: the server was unreachable, answered 5xx
 * or 503 with {@code Retry-After}, or 404; they stay in the persisted state and a later run delivers them).
 * Each carries its {@linkplain ProgressReport#notificationId() notification id}: delivery is at least once on
 * the wire, and a server that de-duplicates by that id (ours does) stores each exactly once.
 *
 * @param alreadyCompleted true when the VC had completed phone-home before this run (it does not run again
 *     until zeroized); the other fields then describe that earlier run
 * @param provisioningServer the URL of the server whose onboarding information was applied
 * @param members the outcome per member, by member id
 * @param serversTried every server URL asked, in first-asked order
 * @param notificationsDelivered every notification the server took, in order
 * @param notificationsRefused notifications the server refused or the client withheld, in order
 * @param notificationsQueued notifications not delivered yet (kept in the state; delivered by a later run)
 * @param lastErrors per server URL that failed during this run, in first-failed order, the last reason it failed
 *     (not claimed, unreachable, bad answer, untrusted, a strict-mode or device failure while provisioning from
 *     it, or, RFC 8572 section 5.6, its refusal of {@code bootstrap-initiated} or {@code bootstrap-complete},
 *     after which the client moved on to the next server); the same map a {@link BootstrapFailedException}
 *     carries when no server succeeds
 */
public record PhoneHomeResult(
    boolean alreadyCompleted,
    @Nullable String provisioningServer,
    List<MemberOutcome> members,
    List<String> serversTried,
    List<ProgressReport> notificationsDelivered,
    List<RefusedNotification> notificationsRefused,
    List<ProgressReport> notificationsQueued,
    Map<String, String> lastErrors) {
  public PhoneHomeResult {
    lastErrors = Collections.unmodifiableMap(new LinkedHashMap<>(lastErrors));
    members = List.copyOf(members);
    serversTried = List.copyOf(serversTried);
    notificationsDelivered = List.copyOf(notificationsDelivered);
    notificationsRefused = List.copyOf(notificationsRefused);
    notificationsQueued = List.copyOf(notificationsQueued);
  }

  /** As the canonical constructor, with no server errors. */
  public PhoneHomeResult(boolean alreadyCompleted, @Nullable String provisioningServer, List<MemberOutcome> members,
      List<String> serversTried, List<ProgressReport> notificationsDelivered,
      List<RefusedNotification> notificationsRefused, List<ProgressReport> notificationsQueued) {
    this(alreadyCompleted, provisioningServer, members, serversTried, notificationsDelivered, notificationsRefused,
        notificationsQueued, Map.of());
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

  /** True when every queued notification was delivered (none refused, none still queued). */
  public boolean allNotificationsDelivered() {
    return notificationsRefused.isEmpty() && notificationsQueued.isEmpty();
  }

  @Override
  public String toString() {
    return "PhoneHomeResult{alreadyCompleted=" + alreadyCompleted + ", server=" + Objects.toString(provisioningServer)
        + ", members=" + members + ", serversTried=" + serversTried + ", delivered=" + notificationsDelivered.size()
        + ", refused=" + notificationsRefused.size() + ", queued=" + notificationsQueued.size()
        + (lastErrors.isEmpty() ? "" : ", lastErrors=" + lastErrors) + "}";
  }
}
