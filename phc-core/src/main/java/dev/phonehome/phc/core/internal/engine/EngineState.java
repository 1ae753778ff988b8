package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ReportingLevel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything the engine needs to carry on after a crash or on a new primary: where it is in the process, the
 * server list and position, the onboarding information, the member plan and the notifications not yet
 * delivered. Encoded by {@link StateCodec}; persisted at every step boundary.
 */
public final class EngineState {
  /** The steps of SPEC section 4, in order. */
  public enum Step {
    START,
    REQUEST,
    DISCOVER,
    PIN_ROLES,
    STAGE_IMAGE,
    INSTALL_LINECARDS,
    REBOOT_LINECARDS,
    DETECT_LINECARDS,
    INSTALL_BACKUP,
    REBOOT_BACKUP,
    DETECT_BACKUP,
    INSTALL_PRIMARY,
    REBOOT_PRIMARY,
    DETECT_PRIMARY,
    UNPIN_ROLES,
    PRE_SCRIPTS,
    CONFIGURATION,
    POST_SCRIPTS,
    COMPLETE
  }

  /** What happened to a member. */
  public enum MemberProgress {
    PENDING,
    NOT_REQUIRED,
    INSTALLED,
    REBOOTING,
    UPGRADED,
    INSTALL_FAILED,
    UPGRADE_FAILED,
    DETECTION_FAILED,
    /** Listed by the VC but not present at discovery: not provisioned (table 1 provisions the members found). */
    NOT_PRESENT
  }

  /** A bootstrap server to ask: its base URL and optional trust anchor. */
  public record Server(String url, @Nullable Bytes trustAnchor) {
    public Server {
      Objects.requireNonNull(url, "url");
    }
  }

  /** One member of the plan. */
  public static final class PlannedMember {
    final int memberId;
    final String serialNumber;
    final MemberRole initialRole;
    MemberProgress progress;
    /** Strict-mode retries used on this member (table 1: retry the members that failed). */
    int attempts;

    PlannedMember(int memberId, String serialNumber, MemberRole initialRole, MemberProgress progress) {
      this.memberId = memberId;
      this.serialNumber = serialNumber;
      this.initialRole = initialRole;
      this.progress = progress;
    }

    public int memberId() {
      return memberId;
    }

    public String serialNumber() {
      return serialNumber;
    }

    public MemberRole initialRole() {
      return initialRole;
    }

    public MemberProgress progress() {
      return progress;
    }
  }

  /** A notification and the server it is for. */
  public record Outbound(String server, ProgressReport report) {}

  /**
   * A notification the server would not take (or that was never sent because the server is not trusted).
   *
   * @param httpStatus the server's status, or -1 when it was withheld by the client
   * @param reason the server's message, or why it was withheld
   */
  public record Refused(Outbound notification, int httpStatus, @Nullable String reason) {}

  Step step = Step.START;
  List<Server> configuredServers = new ArrayList<>();
  List<Server> servers = new ArrayList<>();
  int serverIndex;
  int redirectDepth;
  int round;
  int notClaimedPolls;
  @Nullable Instant startedAt;
  final Map<String, String> lastErrors = new LinkedHashMap<>();
  final List<String> serversTried = new ArrayList<>();

  @Nullable String provisioningServer;
  boolean serverTrusted;
  @Nullable OnboardingInformation onboarding;
  final List<PlannedMember> members = new ArrayList<>();
  @Nullable Integer pinnedPrimary;
  @Nullable Integer pinnedBackup;
  @Nullable String targetVersion;
  @Nullable String stagedPath;
  long stagedSize = -1;
  @Nullable Instant detectDeadline;
  int scriptsDone;
  int attempt;

  /** Names this bootstrap run in notification ids (random, from the injected Random). */
  @Nullable String runId;
  /** The sequence the next queued notification gets; never reused within a run. */
  long nextSequence = 1;
  /** RFC 8572 reporting-level of the provisioning server (null: everything, as for the Juniper dialect). */
  @Nullable ReportingLevel reportingLevel;
  /** Consecutive 404 answers to the notification at the head of the queue. */
  int notClaimedReportPolls;
  /**
   * Why the onboarding information of {@link #provisioningServer} must not be used any further (RFC 8572 section
   * 5.6: that server refused {@code bootstrap-initiated} or {@code bootstrap-complete}); null while it may.
   * Persisted, so that a crash between the refusal and moving on cannot resume into the refused data.
   */
  @Nullable String abandonReason;

  /** Counts saves; sealed into every saved copy (the newest copy that verifies wins). Not in the document. */
  long generation;
  /** Warnings to report as bootstrap-warning once a server is known (e.g. a state copy moved aside). */
  final List<String> pendingWarnings = new ArrayList<>();
  /** Not persisted: the last thing that went wrong on the device side in this run, for failure messages. */
  transient @Nullable String lastDeviceProblem;
  /** Not persisted: loading moved a copy that did not verify aside (the warning must be saved at once). */
  transient boolean quarantined;
  /** Not persisted: this state restarts the process because no saved copy verified. */
  transient boolean restarted;

  final List<Outbound> outbox = new ArrayList<>();
  final List<Outbound> delivered = new ArrayList<>();
  final List<Refused> refused = new ArrayList<>();

  public Step step() {
    return step;
  }

  public List<PlannedMember> members() {
    return members;
  }

  public List<Outbound> outbox() {
    return outbox;
  }

  public List<Outbound> delivered() {
    return delivered;
  }

  public List<Refused> refused() {
    return refused;
  }

  public @Nullable String runId() {
    return runId;
  }

  public List<String> serversTried() {
    return serversTried;
  }

  public Map<String, String> lastErrors() {
    return lastErrors;
  }

  public @Nullable String provisioningServer() {
    return provisioningServer;
  }

  /** Why the provisioning server's onboarding information is abandoned (RFC 8572 section 5.6), or null. */
  public @Nullable String abandonReason() {
    return abandonReason;
  }

  @Nullable PlannedMember member(int memberId) {
    for (PlannedMember m : members) {
      if (m.memberId == memberId) {
        return m;
      }
    }
    return null;
  }

  /** Forgets the current attempt (onboarding data and plan) but keeps servers, errors and notifications. */
  void resetAttempt() {
    provisioningServer = null;
    serverTrusted = false;
    onboarding = null;
    members.clear();
    pinnedPrimary = null;
    pinnedBackup = null;
    targetVersion = null;
    stagedPath = null;
    stagedSize = -1;
    detectDeadline = null;
    scriptsDone = 0;
    notClaimedPolls = 0;
    reportingLevel = null;
    abandonReason = null;
  }
}
