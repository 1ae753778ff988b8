package dev.phonehome.phc.testkit.vc;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.device.ScriptResult;
import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.MemberStatus;
import dev.phonehome.phc.api.model.VcMember;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLConnection;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory Virtual Chassis that behaves like one: members with id, serial, model, role, status and version;
 * images staged per member that take effect on reboot; reboots that take (virtual) time; the primary role
 * moving to the backup when the primary reboots and a new backup elected; the old primary rejoining as
 * linecard and then taking the backup role; role pinning; engine state stored per member; candidate and
 * committed configuration; syslog; scripts; files; scriptable {@link VcFault faults}; and a log of every
 * operation ({@link #operations()}).
 *
 * <p>It knows nothing of any binding: {@code FakeVirtualChassis} is the {@code DeviceOperations} view over it,
 * and a simulated Junos device can serve NETCONF from the same model. Time comes from the {@link Clock} given to
 * the builder (use the test kit's {@code VirtualClock}); events due by the clock's current time are applied
 * whenever the model is touched, so nothing runs in the background. Thread-safe.
 *
 * <p>Failures of operations throw {@link PhcDeviceException} naming the operation and the member.
 */
public final class VirtualChassisModel {
  /** Where the engine state lives on each member's flash (the default of FakeVirtualChassis and the simulator). */
  public static final String STATE_PATH = "/var/tmp/phc-state";
  private static final Pattern JUNOS_VERSION = Pattern.compile("(\\d+\\.\\d+[RXSIF]\\d+(?:-S\\d+)?(?:\\.\\d+)?)");

  private final Clock clock;
  private final boolean keepHistory;
  private final Duration rebootTime;
  private final Duration roleSettleTime;
  private final Map<String, String> imageVersions;
  private final Map<String, Bytes> imageSha256;

  private final TreeMap<Integer, Member> members = new TreeMap<>();
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private final List<VcOperation> operations = new ArrayList<>();
  private final List<FaultSlot> faults = new ArrayList<>();
  private final Map<String, Integer> operationCounts = new HashMap<>();
  private final Map<String, StoredFile> files = new LinkedHashMap<>();
  private final List<SyslogLine> syslog = new ArrayList<>();
  private final List<ScriptRun> scripts = new ArrayList<>();
  private final List<Bytes> candidate = new ArrayList<>();
  private final List<Bytes> committed = new ArrayList<>();
  private ConfigurationHandling lastHandling = ConfigurationHandling.MERGE;
  private int commits;
  private @Nullable Pins pins;
  private long sequence;
  private ImageSource imageSource;
  private BiFunction<ScriptPhase, Bytes, ScriptResult> scriptRunner;
  private final List<VcpCable> vcpCables = new ArrayList<>();
  private boolean mixedMode;

  private VirtualChassisModel(Builder b) {
    this.clock = b.clock;
    this.keepHistory = b.keepHistory;
    this.rebootTime = b.rebootTime;
    this.roleSettleTime = b.roleSettleTime;
    this.imageVersions = new HashMap<>(b.imageVersions);
    this.imageSha256 = new HashMap<>(b.imageSha256);
    this.imageSource = b.imageSource;
    this.scriptRunner = b.scriptRunner;
    this.mixedMode = b.mixedMode;
    if (b.members.isEmpty()) {
      throw new IllegalStateException("a Virtual Chassis needs at least one member");
    }
    Instant built = clock.instant();
    for (Builder.MemberSpec s : b.members.values()) {
      Member m = new Member(s.memberId, s.serial, s.model, s.version);
      m.bootedAt = built;
      members.put(s.memberId, m);
    }
    int primary = b.primary != null ? b.primary : members.firstKey();
    if (!members.containsKey(primary)) {
      throw new IllegalStateException("primary member " + primary + " is not a member");
    }
    members.get(primary).role = MemberRole.PRIMARY;
    Integer backup = b.backup;
    if (backup == null && members.size() > 1) {
      backup = members.keySet().stream().filter(id -> id != primary).findFirst().orElseThrow();
    }
    if (backup != null) {
      if (!members.containsKey(backup) || backup == primary) {
        throw new IllegalStateException("backup member " + backup + " is not a member other than the primary");
      }
      members.get(backup).role = MemberRole.BACKUP;
    }
    for (Integer absent : b.notCabled) {
      Member m = members.get(absent);
      if (m == null || m.role != MemberRole.LINECARD) {
        throw new IllegalStateException("only a linecard member can be left uncabled, not " + absent);
      }
      m.cabled = false;
    }
    vcpCables.addAll(defaultRing(cabledIds()));
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- reading

  /** The clock the model runs on. */
  public Clock clock() {
    return clock;
  }

  /**
   * The members as {@code show virtual-chassis} reports them now, by member id: present members with role,
   * model and version; members rebooting or gone as NOT_PRESENT without role, model or version. Members that
   * are not cabled are not reported.
   */
  public synchronized List<VcMember> members() {
    settle();
    List<VcMember> out = new ArrayList<>();
    for (Member m : members.values()) {
      if (!m.cabled) {
        continue;
      }
      out.add(m.present
          ? new VcMember(m.id, m.serial, m.model, m.role, MemberStatus.PRESENT, m.version)
          : new VcMember(m.id, m.serial, null, null, MemberStatus.NOT_PRESENT, null));
    }
    return out;
  }

  /**
   * The full topology (SPEC section 3) a phone-home server would send for this Virtual Chassis: every member of
   * the model, cabled or not, with serial number, member id and model; the primary and backup as routing
   * engines, the rest as line cards.
   */
  public synchronized dev.phonehome.phc.api.model.VirtualChassisTopology intendedTopology(
      dev.phonehome.phc.api.model.ProvisioningMode mode) {
    List<dev.phonehome.phc.api.model.IntendedMember> intended = new ArrayList<>();
    for (Member m : members.values()) {
      dev.phonehome.phc.api.model.IntendedRole role = m.role == MemberRole.PRIMARY || m.role == MemberRole.BACKUP
          ? dev.phonehome.phc.api.model.IntendedRole.ROUTING_ENGINE : dev.phonehome.phc.api.model.IntendedRole.LINE_CARD;
      intended.add(new dev.phonehome.phc.api.model.IntendedMember(m.serial, m.id, role, m.model));
    }
    return dev.phonehome.phc.api.model.VirtualChassisTopology.full(mode, intended);
  }

  /** One member as {@link #members()} reports it. */
  public synchronized Optional<VcMember> member(int memberId) {
    return members().stream().filter(m -> m.memberId() == memberId).findFirst();
  }

  /** The primary's member id, or empty while no member is primary (the whole VC is rebooting). */
  public synchronized OptionalInt primaryMemberId() {
    settle();
    return roleHolder(MemberRole.PRIMARY);
  }

  /** The backup's member id, or empty. */
  public synchronized OptionalInt backupMemberId() {
    settle();
    return roleHolder(MemberRole.BACKUP);
  }

  /** The version a member will run after its next reboot, when an install is staged. */
  public synchronized Optional<String> stagedVersion(int memberId) {
    settle();
    return Optional.ofNullable(require(memberId, "staged-version").stagedVersion);
  }

  /** The software version a member runs (also while it is down: the version it ran). */
  public synchronized String version(int memberId) {
    settle();
    return require(memberId, "version").version;
  }

  /** The current role pins (SPEC 4.1 step 5), if any. */
  public synchronized Optional<Pins> pins() {
    settle();
    return Optional.ofNullable(pins);
  }

  /** Every operation and event so far, in order. */
  public synchronized List<VcOperation> operations() {
    settle();
    return List.copyOf(operations);
  }

  /** {@link #operations()} as {@code name detail} strings, filtered to the given operation names (all if none). */
  public synchronized List<String> operationSummaries(String... names) {
    settle();
    List<String> wanted = List.of(names);
    List<String> out = new ArrayList<>();
    for (VcOperation op : operations) {
      if (wanted.isEmpty() || wanted.contains(op.name())) {
        out.add(op.summary());
      }
    }
    return out;
  }

  /** Every syslog line written so far. */
  public synchronized List<SyslogLine> syslog() {
    return List.copyOf(syslog);
  }

  /** Every script run so far. */
  public synchronized List<ScriptRun> scriptRuns() {
    return List.copyOf(scripts);
  }

  /** The candidate configuration: what was loaded since the last commit, in load order. */
  public synchronized List<Bytes> candidateConfiguration() {
    return List.copyOf(candidate);
  }

  /** The committed configuration, in load order. */
  public synchronized List<Bytes> committedConfiguration() {
    return List.copyOf(committed);
  }

  /** How the last load applied its configuration. */
  public synchronized ConfigurationHandling lastConfigurationHandling() {
    return lastHandling;
  }

  public synchronized int commitCount() {
    return commits;
  }

  /** The engine state stored on a member ({@link #STATE_PATH} on its flash), if any. */
  public synchronized Optional<Bytes> storedState(int memberId) {
    settle();
    return Optional.ofNullable(require(memberId, "stored-state").files.get(STATE_PATH));
  }

  /**
   * How often a member has booted since the model was built (1 after the build; each rejoin after a reboot or a
   * power loss adds one). A session opened on a member is gone once this changes.
   */
  public synchronized int bootCount(int memberId) {
    settle();
    return require(memberId, "boot-count").boots;
  }

  /** When a member last booted (when the model was built, for members up since then). */
  public synchronized Instant bootedAt(int memberId) {
    settle();
    return require(memberId, "booted-at").bootedAt;
  }

  /** A small file on one member's flash (scripts, engine state), if any; files survive the member's reboots. */
  public synchronized Optional<Bytes> memberFile(int memberId, String path) {
    settle();
    return Optional.ofNullable(require(memberId, "member-file").files.get(path));
  }

  /** Every small file on one member's flash, by path. */
  public synchronized java.util.SortedMap<String, Bytes> memberFiles(int memberId) {
    settle();
    return new TreeMap<>(require(memberId, "member-files").files);
  }

  /** A file on the VC's file system. */
  public synchronized Optional<StoredFile> file(String path) {
    return Optional.ofNullable(files.get(path));
  }

  public synchronized List<StoredFile> files() {
    return List.copyOf(files.values());
  }

  // ---------------------------------------------------------------- set-up and faults

  /** Adds a fault. */
  public synchronized void inject(VcFault fault) {
    Objects.requireNonNull(fault, "fault");
    faults.add(new FaultSlot(fault));
    log("fault", fault.toString());
  }

  /**
   * How many times crash point {@code operation} was reached so far (e.g. {@code write-member-file}): a
   * {@link VcFault.CrashAt} for the next one uses this plus one.
   */
  public synchronized int operationCount(String operation) {
    return operationCounts.getOrDefault(operation, 0);
  }

  /** Removes every fault not used up yet. */
  public synchronized void clearFaults() {
    faults.clear();
  }

  /** Where device-side downloads ({@link #fetchFile}) read from. */
  public synchronized void imageSource(ImageSource source) {
    this.imageSource = Objects.requireNonNull(source, "source");
  }

  /** What running a script does (default: exit 0, empty output). Faults still apply first. */
  public synchronized void scriptRunner(BiFunction<ScriptPhase, Bytes, ScriptResult> runner) {
    this.scriptRunner = Objects.requireNonNull(runner, "runner");
  }

  /** The version an image file installs (else it is read from a Junos-style file name). */
  public synchronized void registerImage(String fileName, String version, @Nullable Bytes sha256) {
    imageVersions.put(fileName, version);
    if (sha256 != null) {
      imageSha256.put(fileName, sha256);
    }
  }

  /** An extra member is cabled in and joins as linecard now. */
  public synchronized void addMember(int memberId, String serial, String model, String version) {
    settle();
    if (members.containsKey(memberId)) {
      throw new IllegalStateException("member " + memberId + " exists");
    }
    List<Integer> before = cabledIds();
    Member m = new Member(memberId, serial, model, version);
    m.bootedAt = clock.instant();
    members.put(memberId, m);
    followDefaultRing(before);
    log("member-added", "member=" + memberId + " serial=" + serial);
    join(m);
  }

  /** A member is uncabled: it disappears from {@link #members()} (it must not be primary or backup). */
  public synchronized void uncable(int memberId) {
    settle();
    Member m = require(memberId, "uncable");
    if (m.present && m.role != MemberRole.LINECARD) {
      throw new IllegalStateException("uncable a linecard, not the " + m.role + " member " + memberId);
    }
    List<Integer> before = cabledIds();
    m.cabled = false;
    followDefaultRing(before);
    m.present = false;
    m.role = null;
    log("member-uncabled", "member=" + memberId);
  }

  /** A previously uncabled member is cabled and joins now. */
  public synchronized void cable(int memberId) {
    settle();
    Member m = require(memberId, "cable");
    if (!m.cabled) {
      List<Integer> before = cabledIds();
      m.cabled = true;
      followDefaultRing(before);
      log("member-cabled", "member=" + memberId);
      join(m);
    }
  }

  /**
   * {@code request system zeroize}: engine state, configuration, files and pins are wiped; members keep their
   * software.
   */
  public synchronized void zeroize() {
    settle();
    for (Member m : members.values()) {
      m.files.clear();
    }
    candidate.clear();
    committed.clear();
    files.clear();
    pins = null;
    log("zeroize", "");
  }

  // ---------------------------------------------------------------- operations

  /** {@code request system software add <path> member <id>}: stages the file's version on the member. */
  public synchronized void installImage(int memberId, String path) {
    settle();
    crashPoint("install-image");
    Member m = require(memberId, "install-image");
    if (!m.present) {
      throw fail("install-image", memberId, "member " + memberId + " is not present");
    }
    StoredFile f = files.get(path);
    if (f == null) {
      throw fail("install-image", memberId, "no such file: " + path);
    }
    if (useUp(VcFault.InstallFails.class, x -> x.memberId() == memberId)) {
      log("install-image", "member=" + memberId + " path=" + path + " result=failed");
      throw fail("install-image", memberId, "ERROR: package installation failed on member " + memberId);
    }
    String fileName = path.substring(path.lastIndexOf('/') + 1);
    Bytes known = imageSha256.get(fileName);
    if (known != null && !known.equals(f.digest(HashAlgorithm.SHA_256))) {
      log("install-image", "member=" + memberId + " path=" + path + " result=corrupt");
      throw fail("install-image", memberId, "ERROR: package " + fileName + " is corrupt (signature check failed)");
    }
    String version = versionOf(fileName);
    if (version == null) {
      throw fail("install-image", memberId, "cannot tell the version of " + fileName);
    }
    if (useUp(VcFault.InstallDoesNotTakeEffect.class, x -> x.memberId() == memberId)) {
      log("install-image", "member=" + memberId + " path=" + path + " result=no-effect");
      return;
    }
    m.stagedVersion = version;
    log("install-image", "member=" + memberId + " path=" + path + " version=" + version);
    crashAfter("install-image");
  }

  /** Reboots members at the same time; returns once the reboots are initiated. */
  public synchronized void reboot(Collection<Integer> memberIds) {
    settle();
    crashPoint("reboot");
    List<Integer> ids = new ArrayList<>(new java.util.TreeSet<>(memberIds));
    for (int id : ids) {
      Member m = require(id, "reboot");
      if (!m.present) {
        throw fail("reboot", id, "member " + id + " is not present");
      }
    }
    log("reboot", "members=" + ids);
    Instant now = clock.instant();
    // Linecards and backup first, then the primary: the primary's failover picks among those still up.
    ids.sort((a, b) -> Boolean.compare(members.get(a).role == MemberRole.PRIMARY, members.get(b).role == MemberRole.PRIMARY));
    for (int id : ids) {
      Member m = members.get(id);
      MemberRole was = m.role;
      m.present = false;
      m.role = null;
      log("member-down", "member=" + id);
      if (was == MemberRole.PRIMARY) {
        failover();
      } else if (was == MemberRole.BACKUP && !isPinnedBackup(id)) {
        electBackup(id);
      }
      if (useUp(VcFault.MemberNeverReturns.class, f -> f.memberId() == id)) {
        continue;
      }
      Duration extra = Duration.ZERO;
      for (FaultSlot slot : faults) {
        if (slot.fault instanceof VcFault.SlowReboot s && s.memberId() == id && slot.used < s.times()) {
          slot.used++;
          extra = extra.plus(s.extra());
        }
      }
      at(now.plus(rebootTime).plus(extra), () -> {
        if (m.cabled) {
          join(m);
        }
      });
    }
    crashAfter("reboot");
  }

  /** Pins the primary and backup roles (mastership priorities) until {@link #unpinRoles()}; a commit, uncommented. */
  public synchronized void pinRoles(int primaryMemberId, int backupMemberId) {
    pinRoles(primaryMemberId, backupMemberId, null);
  }

  /**
   * Pins the primary and backup roles (mastership priorities) until {@link #unpinRoles()}.
   *
   * @param comment the commit's comment (a binding marks its own commits so), or null
   */
  public synchronized void pinRoles(int primaryMemberId, int backupMemberId, @Nullable String comment) {
    settle();
    crashPoint("pin-roles");
    require(primaryMemberId, "pin-roles");
    require(backupMemberId, "pin-roles");
    if (primaryMemberId == backupMemberId) {
      throw fail("pin-roles", primaryMemberId, "primary and backup must differ");
    }
    pins = new Pins(primaryMemberId, backupMemberId);
    log("pin-roles", "primary=" + primaryMemberId + " backup=" + backupMemberId + commented(comment));
    crashAfter("pin-roles");
  }

  public synchronized void unpinRoles() {
    unpinRoles(null);
  }

  /** Undoes {@link #pinRoles}; {@code comment} as there. */
  public synchronized void unpinRoles(@Nullable String comment) {
    settle();
    crashPoint("unpin-roles");
    pins = null;
    log("unpin-roles", commented(comment).strip());
    crashAfter("unpin-roles");
  }

  /**
   * The whole VC loses power now: every present member goes down at once (nothing is shut down cleanly) and
   * boots again after the reboot time; the first member back takes the primary role. Files keep what was
   * written before the cut (a write in progress leaves what its writer wrote so far). Staged images take effect.
   */
  public synchronized void powerLoss() {
    settle();
    log("power-loss", "");
    Instant back = clock.instant().plus(rebootTime);
    for (Member m : members.values()) {
      if (!m.present || !m.cabled) {
        continue;
      }
      m.present = false;
      m.role = null;
      log("member-down", "member=" + m.id);
      at(back, () -> {
        if (m.cabled && !m.present) {
          join(m);
        }
      });
    }
  }

  /** Loads configuration into the candidate; REPLACE discards what the candidate held. */
  public synchronized void loadConfiguration(Bytes configuration, ConfigurationHandling handling) {
    settle();
    crashPoint("load-configuration");
    if (handling == ConfigurationHandling.REPLACE) {
      candidate.clear();
    }
    candidate.add(configuration);
    lastHandling = handling;
    log("load-configuration", "handling=" + handling.yangName() + " bytes=" + configuration.size());
    crashAfter("load-configuration");
  }

  /** Drops the candidate: what was loaded since the last commit ({@code discard-changes}, {@code rollback 0}). */
  public synchronized void discardCandidateConfiguration() {
    settle();
    if (!candidate.isEmpty()) {
      candidate.clear();
      log("discard-configuration", "");
    }
  }

  /** Commits the candidate on every member, uncommented (as an operator would). */
  public synchronized void commitConfiguration() {
    commitConfiguration(null);
  }

  /**
   * Commits the candidate on every member.
   *
   * @param comment the commit's comment ({@code commit comment}; a binding marks its own commits so), or null
   */
  public synchronized void commitConfiguration(@Nullable String comment) {
    settle();
    crashPoint("commit");
    if (useUp(VcFault.CommitFails.class, f -> true)) {
      log("commit", "result=failed");
      throw fail("commit", null, "error: configuration check-out failed");
    }
    if (lastHandling == ConfigurationHandling.REPLACE) {
      committed.clear();
    }
    committed.addAll(candidate);
    candidate.clear();
    commits++;
    log("commit", commented(comment).strip());
    crashAfter("commit");
  }

  /** Runs a script; faults first, then the script runner. */
  public synchronized ScriptResult runScript(ScriptPhase phase, Bytes script) {
    settle();
    crashPoint("run-script");
    ScriptResult result = null;
    for (FaultSlot slot : faults) {
      if (slot.fault instanceof VcFault.ScriptFails f && f.phase() == phase && slot.used < f.times()) {
        slot.used++;
        result = new ScriptResult(f.exitStatus(), "script failed (injected)");
        break;
      }
    }
    if (result == null) {
      result = scriptRunner.apply(phase, script);
    }
    if (keepHistory) {
      scripts.add(new ScriptRun(clock.instant(), phase, script, result));
    }
    log("run-script", "phase=" + phase + " exit=" + result.exitStatus());
    crashAfter("run-script");
    return result;
  }

  /** Writes a syslog line. Not logged as an operation unless {@code logged}. */
  public synchronized void syslog(SyslogSeverity severity, String message) {
    if (keepHistory) {
      syslog.add(new SyslogLine(clock.instant(), severity, message));
    }
  }

  /**
   * Stores engine state on a member (which must be present) at {@link #STATE_PATH}, replacing what was there in
   * one step. (Bindings write small files with {@link #writeMemberFile} and {@link #renameMemberFile} instead,
   * which behave like a real file system.)
   */
  public synchronized void persistState(int memberId, Bytes state) {
    settle();
    Member m = present(memberId, "persist-state");
    m.files.put(STATE_PATH, state);
    log("persist-state", "member=" + memberId + " bytes=" + state.size());
  }

  /** Fires a crash point for {@code persist-state} (a binding calls it once a member's state is stored). */
  public synchronized void statePersisted() {
    crashPoint("persist-state");
  }

  /** The state stored on the current primary. */
  public synchronized Optional<Bytes> loadState() {
    settle();
    OptionalInt p = roleHolder(MemberRole.PRIMARY);
    if (p.isEmpty()) {
      throw new PhcDeviceException("load-state", null, "no primary: the Virtual Chassis is rebooting", true, null);
    }
    return loadState(p.getAsInt());
  }

  /** The state stored on one present member (crash point {@code load-state} fires first). */
  public synchronized Optional<Bytes> loadState(int memberId) {
    settle();
    crashPoint("load-state");
    return Optional.ofNullable(present(memberId, "load-state").files.get(STATE_PATH));
  }

  /**
   * Moves the state on a member aside to {@code STATE_PATH.corrupt-<millis>} (crash point
   * {@code move-state-aside}, before and after) and returns the new path; nothing is deleted.
   */
  public synchronized String moveStateAside(int memberId) {
    settle();
    crashPoint("move-state-aside");
    Member m = present(memberId, "move-state-aside");
    Bytes state = m.files.get(STATE_PATH);
    if (state == null) {
      throw fail("move-state-aside", memberId, "no state file " + STATE_PATH + " on member " + memberId);
    }
    String to = STATE_PATH + ".corrupt-" + clock.millis();
    for (int n = 1; m.files.containsKey(to); n++) {
      to = STATE_PATH + ".corrupt-" + clock.millis() + "-" + n;
    }
    m.files.remove(STATE_PATH);
    m.files.put(to, state);
    log("move-state-aside", "member=" + memberId + " to=" + to);
    crashAfter("move-state-aside");
    return to;
  }

  /** Removes stored state ({@link #STATE_PATH} and a left-over {@code .new}) from every member. */
  public synchronized void clearState() {
    settle();
    crashPoint("clear-state");
    for (Member m : members.values()) {
      m.files.remove(STATE_PATH);
      m.files.remove(STATE_PATH + ".new");
    }
    log("clear-state", "");
  }

  /**
   * Writes a small file on a present member's flash the way a file system does: not atomically. The file is
   * created (or truncated) first and then filled; when crash point {@code write-member-file} fires (a power loss
   * or the process dying half-way), the file holds only the first half of the bytes.
   */
  public synchronized void writeMemberFile(int memberId, String path, Bytes content) {
    settle();
    Member m = present(memberId, "write-member-file");
    byte[] b = content.toByteArray();
    try {
      crashPoint("write-member-file");
    } catch (SimulatedCrash crash) {
      m.files.put(path, Bytes.of(java.util.Arrays.copyOf(b, b.length / 2)));
      log("write-member-file", "member=" + memberId + " path=" + path + " bytes=" + b.length / 2 + " of " + b.length
          + " (cut short)");
      throw crash;
    }
    m.files.put(path, content);
    log("write-member-file", "member=" + memberId + " path=" + path + " bytes=" + b.length);
  }

  /**
   * Renames a file on a present member's flash, replacing the target, in one step (as rename(2) does). Crash
   * point {@code rename-member-file} fires before the rename.
   *
   * @throws PhcDeviceException when the source does not exist
   */
  public synchronized void renameMemberFile(int memberId, String from, String to) {
    settle();
    Member m = present(memberId, "rename-member-file");
    crashPoint("rename-member-file");
    Bytes b = m.files.get(from);
    if (b == null) {
      throw fail("rename-member-file", memberId, "could not resolve file: " + from);
    }
    m.files.remove(from);
    m.files.put(to, b);
    log("rename-member-file", "member=" + memberId + " from=" + from + " to=" + to);
  }

  /** Deletes a small file on a present member's flash; false when there was none. */
  public synchronized boolean deleteMemberFile(int memberId, String path) {
    settle();
    Member m = present(memberId, "delete-member-file");
    boolean existed = m.files.remove(path) != null;
    if (existed) {
      log("delete-member-file", "member=" + memberId + " path=" + path);
    }
    return existed;
  }

  /**
   * Opens a file for writing on the VC's file system. Bytes are digested as they flow and not kept (memory
   * does not grow with the file); {@link FileWriter#commit()} stores the file.
   */
  public FileWriter openFile(String path) {
    Objects.requireNonNull(path, "path");
    synchronized (this) {
      settle();
      crashPoint("write-file");
      log("open-file", "path=" + path);
    }
    return new FileWriter(path);
  }

  /**
   * Device-side download ({@code file copy <uri> <path>}): reads the image source, applies the download and
   * corrupt-image faults, and stores the file with its digests.
   *
   * @throws PhcDeviceException when the transfer fails
   */
  public StoredFile fetchFile(String uri, String path) {
    ImageSource source;
    boolean corrupt;
    synchronized (this) {
      settle();
      crashPoint("fetch-file");
      if (useUp(VcFault.DownloadFails.class, f -> true)) {
        log("fetch-file", "uri=" + uri + " result=failed");
        throw fail("fetch-file", null, "error: " + uri + ": transfer interrupted (connection reset)");
      }
      corrupt = useUp(VcFault.CorruptImage.class, f -> true);
      source = imageSource;
    }
    FileWriter w = new FileWriter(path);
    try (InputStream in = source.open(uri)) {
      byte[] buf = new byte[64 * 1024];
      boolean first = true;
      int n;
      while ((n = in.read(buf)) > 0) {
        if (corrupt && first) {
          buf[0] ^= 0x5a;
        }
        first = false;
        w.write(buf, 0, n);
      }
    } catch (IOException e) {
      w.discard();
      synchronized (this) {
        log("fetch-file", "uri=" + uri + " result=failed");
      }
      throw new PhcDeviceException("fetch-file", null, "error: " + uri + ": " + e, false, e);
    }
    StoredFile f = w.commit();
    synchronized (this) {
      log("fetch-file", "uri=" + uri + " path=" + path + " bytes=" + f.size() + (corrupt ? " corrupt" : ""));
      crashAfter("fetch-file");
    }
    return f;
  }

  /** Copies a file of the image store (no-op when absent). */
  public synchronized void copyFile(String from, String to) {
    StoredFile f = files.get(from);
    if (f != null) {
      files.put(to, new StoredFile(to, f.size(), f.digests()));
      log("copy-file", "from=" + from + " to=" + to);
    }
  }

  /** Renames a file of the image store atomically (no-op when absent). */
  public synchronized void renameFile(String from, String to) {
    StoredFile f = files.remove(from);
    if (f != null) {
      files.put(to, new StoredFile(to, f.size(), f.digests()));
      log("rename-file", "from=" + from + " to=" + to);
    }
  }

  /** Deletes a file (no-op when absent). */
  public synchronized void deleteFile(String path) {
    if (files.remove(path) != null) {
      log("delete-file", "path=" + path);
    }
  }

  // ---------------------------------------------------------------- start conditions (SPEC 4.1 step 1)

  /**
   * One VCP cable between two members' Virtual Chassis ports: {@code kind} is how the ports came to be VCPs (the
   * same at both ends in this model).
   */
  public record VcpCable(int memberA, String portA, int memberB, String portB,
      dev.phonehome.phc.api.device.StartConditions.VcpKind kind) {
    public VcpCable {
      Objects.requireNonNull(portA, "portA");
      Objects.requireNonNull(portB, "portB");
      Objects.requireNonNull(kind, "kind");
    }
  }

  /**
   * The factory cabling: the members in member-id order in a ring through their two default VCPs (an EX4300's
   * QSFP+ ports {@code 1/0} and {@code 1/1}); two members are joined by both.
   */
  public static List<VcpCable> defaultRing(List<Integer> memberIds) {
    List<Integer> ids = new ArrayList<>(memberIds);
    ids.sort(null);
    List<VcpCable> out = new ArrayList<>();
    var kind = dev.phonehome.phc.api.device.StartConditions.VcpKind.DEFAULT;
    if (ids.size() == 2) {
      out.add(new VcpCable(ids.get(0), "1/0", ids.get(1), "1/0", kind));
      out.add(new VcpCable(ids.get(0), "1/1", ids.get(1), "1/1", kind));
    } else if (ids.size() > 2) {
      for (int i = 0; i < ids.size(); i++) {
        out.add(new VcpCable(ids.get(i), "1/1", ids.get((i + 1) % ids.size()), "1/0", kind));
      }
    }
    return out;
  }

  private List<Integer> cabledIds() {
    List<Integer> out = new ArrayList<>();
    members.values().forEach(m -> {
      if (m.cabled) {
        out.add(m.id);
      }
    });
    return out;
  }

  /** While the cabling is the factory ring, members cabled in or out join or leave the ring. */
  private void followDefaultRing(List<Integer> before) {
    if (vcpCables.equals(defaultRing(before))) {
      vcpCables.clear();
      vcpCables.addAll(defaultRing(cabledIds()));
    }
  }

  /** The VCP cabling now. */
  public synchronized List<VcpCable> vcpCables() {
    return List.copyOf(vcpCables);
  }

  /** Recables the VC (for example a daisy chain, or a configured network port as VCP). */
  public synchronized void vcpCables(List<VcpCable> cables) {
    vcpCables.clear();
    vcpCables.addAll(cables);
    log("vcp-cables", cables.toString());
  }

  /**
   * Every VCP of every present member as that member reports it: up when the member at the other end is
   * present too, with that member as neighbour.
   */
  public synchronized List<dev.phonehome.phc.api.device.StartConditions.VcpLink> vcpLinks() {
    settle();
    List<dev.phonehome.phc.api.device.StartConditions.VcpLink> out = new ArrayList<>();
    for (Member m : members.values()) {
      if (!m.present || !m.cabled) {
        continue;
      }
      for (VcpCable c : vcpCables) {
        for (int end = 0; end < 2; end++) {
          int self = end == 0 ? c.memberA() : c.memberB();
          int other = end == 0 ? c.memberB() : c.memberA();
          if (self != m.id) {
            continue;
          }
          Member o = members.get(other);
          boolean up = o != null && o.present && o.cabled;
          out.add(new dev.phonehome.phc.api.device.StartConditions.VcpLink(m.id, end == 0 ? c.portA() : c.portB(),
              c.kind(), up, up ? other : null));
        }
      }
    }
    return out;
  }

  /** Whether the VC runs in mixed mode (different switch families). */
  public synchronized boolean mixedMode() {
    return mixedMode;
  }

  /** Sets mixed mode ({@code request virtual-chassis mode mixed} and a reboot, in one step). */
  public synchronized void mixedMode(boolean mixed) {
    this.mixedMode = mixed;
    log("mixed-mode", String.valueOf(mixed));
  }

  /**
   * True while nobody committed configuration (or pinned roles, which commits mastership priorities) since the
   * VC was built or last zeroized.
   */
  public synchronized boolean factoryDefaultConfiguration() {
    return configurationCommitsSinceZeroize().isEmpty();
  }

  /**
   * True when there are configuration commits since the last zeroize and every one carries a comment starting
   * with {@code comment} (phone-home's own, when the binding marks them).
   */
  public synchronized boolean commitsSinceZeroizeAllCommented(String comment) {
    List<VcOperation> commits = configurationCommitsSinceZeroize();
    return !commits.isEmpty() && commits.stream().allMatch(op -> op.detail().contains("comment=" + comment));
  }

  private static String commented(@Nullable String comment) {
    return comment == null ? "" : " comment=" + comment;
  }

  /** The configuration commits (and role pin changes) since the last zeroize, oldest first. */
  public synchronized List<VcOperation> configurationCommitsSinceZeroize() {
    List<VcOperation> out = new ArrayList<>();
    for (VcOperation op : operations) {
      if (op.name().equals("zeroize")) {
        out.clear();
      } else if ((op.name().equals("commit") && !op.detail().contains("result=failed"))
          || op.name().equals("pin-roles") || op.name().equals("unpin-roles")) {
        out.add(op);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- internals

  private void failover() {
    Member newPrimary = null;
    OptionalInt b = roleHolder(MemberRole.BACKUP);
    if (b.isPresent()) {
      newPrimary = members.get(b.getAsInt());
    }
    if (newPrimary == null) {
      for (Member m : members.values()) {
        if (m.present && m.role == MemberRole.LINECARD && (pins == null)) {
          newPrimary = m;
          break;
        }
      }
    }
    if (newPrimary == null) {
      log("vc-down", "no member can take the primary role");
      return;
    }
    newPrimary.role = MemberRole.PRIMARY;
    log("role-change", "member=" + newPrimary.id + " role=master");
    electBackup(-1);
  }

  /** Elects the lowest-id present linecard as backup. */
  private void electBackup(int excluded) {
    if (roleHolder(MemberRole.BACKUP).isPresent()) {
      return;
    }
    for (Member m : members.values()) {
      if (m.present && m.id != excluded && m.role == MemberRole.LINECARD) {
        m.role = MemberRole.BACKUP;
        log("role-change", "member=" + m.id + " role=backup");
        return;
      }
    }
  }

  private boolean isPinnedBackup(int id) {
    return pins != null && (pins.backupMemberId() == id || pins.primaryMemberId() == id);
  }

  private boolean isPinned(int id) {
    return pins != null && (pins.backupMemberId() == id || pins.primaryMemberId() == id);
  }

  private void join(Member m) {
    if (!m.present) {
      m.boots++;
      m.bootedAt = currentEventTime != null ? currentEventTime : clock.instant();
    }
    m.present = true;
    if (m.stagedVersion != null) {
      m.version = m.stagedVersion;
      m.stagedVersion = null;
    }
    if (roleHolder(MemberRole.PRIMARY).isEmpty()) {
      m.role = MemberRole.PRIMARY;
      log("member-up", "member=" + m.id + " role=master version=" + m.version);
      return;
    }
    m.role = MemberRole.LINECARD;
    log("member-up", "member=" + m.id + " role=linecard version=" + m.version);
    OptionalInt backup = roleHolder(MemberRole.BACKUP);
    boolean pinnedAtJoin = isPinned(m.id) && backup.isPresent() && !isPinned(backup.getAsInt());
    boolean takeBackup = backup.isEmpty() || pinnedAtJoin;
    if (takeBackup) {
      // From when the member joined (the reboot event's time), not from when the model is next touched.
      at((currentEventTime != null ? currentEventTime : clock.instant()).plus(roleSettleTime), () -> {
        if (!m.present || m.role != MemberRole.LINECARD) {
          return;
        }
        OptionalInt current = roleHolder(MemberRole.BACKUP);
        if (current.isPresent()) {
          // Decided when it joined: its (pinned) mastership priority beats the interim backup's.
          if (pinnedAtJoin && current.getAsInt() != m.id) {
            members.get(current.getAsInt()).role = MemberRole.LINECARD;
            log("role-change", "member=" + current.getAsInt() + " role=linecard");
          } else {
            return;
          }
        }
        m.role = MemberRole.BACKUP;
        log("role-change", "member=" + m.id + " role=backup");
      });
    }
  }

  private OptionalInt roleHolder(MemberRole role) {
    for (Member m : members.values()) {
      if (m.present && m.role == role) {
        return OptionalInt.of(m.id);
      }
    }
    return OptionalInt.empty();
  }

  private void at(Instant when, Runnable action) {
    events.add(new Event(when, sequence++, action));
  }

  private void settle() {
    Instant now = clock.instant();
    while (!events.isEmpty() && !events.peek().at.isAfter(now)) {
      Event e = events.poll();
      currentEventTime = e.at;
      try {
        e.action.run();
      } finally {
        currentEventTime = null;
      }
    }
  }

  private @Nullable Instant currentEventTime;

  private Member present(int memberId, String operation) {
    Member m = require(memberId, operation);
    if (!m.present) {
      throw fail(operation, memberId, "member " + memberId + " is not present");
    }
    return m;
  }

  private Member require(int memberId, String operation) {
    Member m = members.get(memberId);
    if (m == null || !m.cabled) {
      throw fail(operation, memberId, "no member " + memberId + " in the Virtual Chassis");
    }
    return m;
  }

  private static PhcDeviceException fail(String operation, @Nullable Integer memberId, String message) {
    return new PhcDeviceException(operation, memberId, message);
  }

  private void log(String name, String detail) {
    Instant at = currentEventTime != null ? currentEventTime : clock.instant();
    if (!keepHistory) {
      return;
    }
    operations.add(new VcOperation(at, name, detail));
  }

  /** Fires a {@link VcFault.CrashAfter} for the occurrence of {@code operation} that just took effect. */
  private void crashAfter(String operation) {
    int n = operationCounts.getOrDefault(operation, 0);
    for (Iterator<FaultSlot> it = faults.iterator(); it.hasNext(); ) {
      FaultSlot slot = it.next();
      if (slot.fault instanceof VcFault.CrashAfter c && c.operation().equals(operation) && c.occurrence() == n) {
        it.remove();
        log("crash", "after=" + operation + " occurrence=" + n);
        throw new SimulatedCrash("simulated crash after " + operation + " #" + n + " took effect");
      }
      if (slot.fault instanceof VcFault.PowerLoss p && p.after() && p.operation().equals(operation)
          && p.occurrence() == n) {
        it.remove();
        powerLoss();
        throw new SimulatedCrash("simulated power loss after " + operation + " #" + n + " took effect");
      }
    }
  }

  private void crashPoint(String operation) {
    int n = operationCounts.merge(operation, 1, Integer::sum);
    for (Iterator<FaultSlot> it = faults.iterator(); it.hasNext(); ) {
      FaultSlot slot = it.next();
      if (slot.fault instanceof VcFault.CrashAt c && c.operation().equals(operation) && c.occurrence() == n) {
        it.remove();
        log("crash", "at=" + operation + " occurrence=" + n);
        throw new SimulatedCrash("simulated crash at " + operation + " #" + n);
      }
      if (slot.fault instanceof VcFault.PowerLoss p && !p.after() && p.operation().equals(operation)
          && p.occurrence() == n) {
        it.remove();
        powerLoss();
        throw new SimulatedCrash("simulated power loss at " + operation + " #" + n);
      }
    }
  }

  private <F extends VcFault> boolean useUp(Class<F> type, java.util.function.Predicate<F> matches) {
    for (FaultSlot slot : faults) {
      if (type.isInstance(slot.fault) && matches.test(type.cast(slot.fault)) && slot.used < limit(slot.fault)) {
        slot.used++;
        return true;
      }
    }
    return false;
  }

  private static int limit(VcFault f) {
    if (f instanceof VcFault.InstallFails x) {
      return x.times();
    } else if (f instanceof VcFault.DownloadFails x) {
      return x.times();
    } else if (f instanceof VcFault.CorruptImage x) {
      return x.times();
    } else if (f instanceof VcFault.CommitFails x) {
      return x.times();
    } else if (f instanceof VcFault.InstallDoesNotTakeEffect x) {
      return x.times();
    } else if (f instanceof VcFault.MemberNeverReturns) {
      return Integer.MAX_VALUE;
    }
    return 0;
  }

  private @Nullable String versionOf(String fileName) {
    String v = imageVersions.get(fileName);
    if (v != null) {
      return v;
    }
    Matcher m = JUNOS_VERSION.matcher(fileName);
    return m.find() ? m.group(1) : null;
  }

  private synchronized void store(StoredFile f) {
    files.put(f.path(), f);
    log("write-file", "path=" + f.path() + " bytes=" + f.size());
  }

  // ---------------------------------------------------------------- value types

  /** Pinned roles. */
  public record Pins(int primaryMemberId, int backupMemberId) {}

  /** A syslog line. */
  public record SyslogLine(Instant at, SyslogSeverity severity, String message) {}

  /** A script that ran. */
  public record ScriptRun(Instant at, ScriptPhase phase, Bytes script, ScriptResult result) {}

  /** A file on the VC: its size and its digests (every algorithm), not its bytes. */
  public record StoredFile(String path, long size, Map<HashAlgorithm, Bytes> digests) {
    public StoredFile {
      digests = Map.copyOf(digests);
    }

    public Bytes digest(HashAlgorithm algorithm) {
      return digests.get(algorithm);
    }
  }

  /** Where device-side downloads read from. */
  @FunctionalInterface
  public interface ImageSource {
    InputStream open(String uri) throws IOException;

    /** Plain {@code java.net} with 10-second connect and read timeouts (loopback HTTP in tests). */
    static ImageSource urlConnection() {
      return uri -> {
        URLConnection c = URI.create(uri).toURL().openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(10_000);
        return c.getInputStream();
      };
    }
  }

  /** Writes a file; digests every algorithm while bytes flow; nothing is stored until {@link #commit()}. */
  public final class FileWriter extends FilterOutputStream {
    private final String path;
    private final Map<HashAlgorithm, MessageDigest> digests = new EnumMap<>(HashAlgorithm.class);
    private long size;
    private boolean done;

    private FileWriter(String path) {
      super(OutputStream.nullOutputStream());
      this.path = path;
      for (HashAlgorithm a : HashAlgorithm.values()) {
        try {
          digests.put(a, MessageDigest.getInstance(a.jcaName()));
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      }
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b) {
      write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (done) {
        throw new IllegalStateException("file " + path + " is already committed or discarded");
      }
      for (MessageDigest d : digests.values()) {
        d.update(b, off, len);
      }
      size += len;
    }

    public long size() {
      return size;
    }

    /** Stores the file (replacing one at the same path). */
    public StoredFile commit() {
      done = true;
      Map<HashAlgorithm, Bytes> out = new EnumMap<>(HashAlgorithm.class);
      digests.forEach((a, d) -> out.put(a, Bytes.of(d.digest())));
      StoredFile f = new StoredFile(path, size, out);
      store(f);
      return f;
    }

    /** Drops what was written. Safe to call more than once. */
    public void discard() {
      done = true;
    }

    @Override
    public void close() {
      done = true;
    }
  }

  private static final class Member {
    final int id;
    final String serial;
    final String model;
    String version;
    @Nullable String stagedVersion;
    @Nullable MemberRole role = MemberRole.LINECARD;
    boolean present = true;
    boolean cabled = true;
    int boots = 1;
    Instant bootedAt = Instant.EPOCH;
    /** Small files on the member's flash (survive reboots; wiped by zeroize). */
    final Map<String, Bytes> files = new LinkedHashMap<>();

    Member(int id, String serial, String model, String version) {
      this.id = id;
      this.serial = serial;
      this.model = model;
      this.version = version;
    }
  }

  private static final class FaultSlot {
    final VcFault fault;
    int used;

    FaultSlot(VcFault fault) {
      this.fault = fault;
    }
  }

  private record Event(Instant at, long sequence, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  /** Builds a model. Members default to linecards; the primary defaults to the lowest id, backup the next. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private boolean keepHistory = true;
    private Duration rebootTime = Duration.ofMinutes(3);
    private Duration roleSettleTime = Duration.ofSeconds(20);
    private final TreeMap<Integer, MemberSpec> members = new TreeMap<>();
    private final List<Integer> notCabled = new ArrayList<>();
    private final Map<String, String> imageVersions = new HashMap<>();
    private final Map<String, Bytes> imageSha256 = new HashMap<>();
    private @Nullable Integer primary;
    private @Nullable Integer backup;
    private ImageSource imageSource = ImageSource.urlConnection();
    private BiFunction<ScriptPhase, Bytes, ScriptResult> scriptRunner = (p, s) -> new ScriptResult(0, "");
    private boolean mixedMode;

    private Builder() {}

    /** The VC runs in mixed mode (default false). */
    public Builder mixedMode(boolean mixed) {
      this.mixedMode = mixed;
      return this;
    }

    /** The clock (use the test kit's {@code VirtualClock}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long a reboot takes (default 3 minutes). */
    public Builder rebootTime(Duration rebootTime) {
      this.rebootTime = Objects.requireNonNull(rebootTime, "rebootTime");
      return this;
    }

    /** How long after rejoining a member takes the backup role (default 20 seconds). */
    public Builder roleSettleTime(Duration roleSettleTime) {
      this.roleSettleTime = Objects.requireNonNull(roleSettleTime, "roleSettleTime");
      return this;
    }

    public Builder member(int memberId, String serial, String model, String version) {
      if (memberId < 0 || memberId > 9) {
        throw new IllegalArgumentException("member id must be 0 to 9, was " + memberId);
      }
      members.put(memberId, new MemberSpec(memberId, serial, model, version));
      return this;
    }

    public Builder primary(int memberId) {
      this.primary = memberId;
      return this;
    }

    public Builder backup(int memberId) {
      this.backup = memberId;
      return this;
    }

    /** The member exists (its serial is known) but is not cabled: it is not reported. */
    public Builder notCabled(int memberId) {
      notCabled.add(memberId);
      return this;
    }

    /** The version an image file installs, and optionally its genuine SHA-256 (a different file is corrupt). */
    public Builder image(String fileName, String version, @Nullable Bytes sha256) {
      imageVersions.put(fileName, version);
      if (sha256 != null) {
        imageSha256.put(fileName, sha256);
      }
      return this;
    }

    public Builder imageSource(ImageSource source) {
      this.imageSource = Objects.requireNonNull(source, "source");
      return this;
    }

    public Builder scriptRunner(BiFunction<ScriptPhase, Bytes, ScriptResult> runner) {
      this.scriptRunner = Objects.requireNonNull(runner, "runner");
      return this;
    }

    /**
     * Whether the model keeps its history: the operation log ({@link #operations()}), the syslog lines and the
     * script runs (default true). A load test that simulates thousands of VCs at once turns it off so that a
     * VC's memory does not grow with every call; those lists then stay empty.
     */
    public Builder keepHistory(boolean keep) {
      this.keepHistory = keep;
      return this;
    }

    public VirtualChassisModel build() {
      return new VirtualChassisModel(this);
    }

    private record MemberSpec(int memberId, String serial, String model, String version) {}
  }
}
