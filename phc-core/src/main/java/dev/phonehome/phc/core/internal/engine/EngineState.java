package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
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
    DETECTION_FAILED
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

  final List<Outbound> outbox = new ArrayList<>();
  final List<Outbound> delivered = new ArrayList<>();

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

  public List<String> serversTried() {
    return serversTried;
  }

  public Map<String, String> lastErrors() {
    return lastErrors;
  }

  public @Nullable String provisioningServer() {
    return provisioningServer;
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
  }
}
