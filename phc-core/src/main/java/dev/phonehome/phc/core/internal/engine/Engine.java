package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.PhcException;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.PhcTransportException;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.Sleeper;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.DeviceInfo;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.device.ScriptResult;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.device.StartConditions;
import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.model.TopologyKind;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VcNotification;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.client.RefusedNotification;
import dev.phonehome.phc.core.client.StartConditionsNotMetException;
import dev.phonehome.phc.core.client.StateStore;
import dev.phonehome.phc.core.client.RetryPolicy;
import dev.phonehome.phc.core.client.StartConditionsNotMetException;
import dev.phonehome.phc.core.client.StateStore;
import dev.phonehome.phc.core.internal.engine.EngineState.MemberProgress;
import dev.phonehome.phc.core.internal.engine.EngineState.PlannedMember;
import dev.phonehome.phc.core.internal.engine.EngineState.Server;
import dev.phonehome.phc.core.internal.engine.EngineState.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phone-home process of SPEC section 4 as a state machine over {@link EngineState}. Each step reads as the
 * spec reads; the state is persisted at every step boundary (and after each member's install within a step), so
 * a new engine built over the same device resumes exactly where the previous one stopped.
 */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final Pattern JUNOS_VERSION = Pattern.compile("(\\d+\\.\\d+[RXSIF]\\d+(?:-S\\d+)?(?:\\.\\d+)?)");
  /** RFC 8572 section 2.1: redirects nest at most this deep. */
  static final int MAX_REDIRECT_DEPTH = 10;
  /** Prefixed to every progress message when the verifier runs in insecure lab mode. */
  public static final String LAB_MODE_STAMP = "[INSECURE LAB MODE] ";

  /** What the engine needs; built by {@code PhoneHomeClient.Builder}. */
  public record Config(
      List<Server> servers,
      @Nullable String serialNumber,
      DeviceOperations device,
      Clock clock,
      Sleeper sleeper,
      Random random,
      BootstrapTransport transport,
      ImageStager.Factory stagerFactory,
      StateStore stateStore,
      Duration memberDetectionTimeout,
      Duration detectionPollInterval,
      RetryPolicy retry,
      int maxRounds,
      @Nullable Duration maxTotalTime,
      Duration notificationDrainTimeout,
      int strictRetries,
      @Nullable String startConditionOverride,
      boolean signedDataPreferred,
      boolean labModeInsecure,
      PhoneHomeEventListener listener) {
    public Config {
      servers = List.copyOf(servers);
      if (servers.isEmpty()) {
        throw new IllegalArgumentException("at least one bootstrap server is needed");
      }
    }
  }

  private final Config c;
  private final DeviceOperations device;
  private final PhoneHomeEventListener listener;
  private boolean primaryRebooted;
  /** Old primaries this process rebooted once more on resuming (see detectPrimary): never twice per process. */
  private final Set<Integer> rebootedOnResume = new HashSet<>();
  /** The highest notification sequence held by a saved state: only those may go on the wire. */
  private long durableSequence;

  public Engine(Config config) {
    this.c = Objects.requireNonNull(config, "config");
    this.device = config.device();
    this.listener = config.listener();
  }

  /** Runs the process to completion; see {@code PhoneHomeClient.run()}. */
  public PhoneHomeResult run() throws InterruptedException {
    EngineState s = loadStateWhenReachable();
    StartConditionsRead conditions = null;
    if (s == null) {
      conditions = readStartConditions();
      if (conditions.value() != null && conditions.value().changedByPhoneHomeOnly()) {
        s = stateOfTheRunInProgress(conditions.value());
      }
    }
    if (s == null) {
      String overridden = checkStartConditions(conditions);
      s = fresh();
      if (overridden != null) {
        s.pendingWarnings.add(overridden);
      }
      listener.runStarted();
      log.info("phone-home starting for {}", c.servers().get(0).url());
    } else if (s.restarted) {
      // Every copy failed to verify: restart from the safe point (a fresh run that re-discovers the VC and skips
      // what is done), with the corrupt copies moved aside. Saved at once so the warning is reported once.
      listener.runStarted();
      log.warn("phone-home restarting from the beginning: {}", s.pendingWarnings);
      checkpoint(s);
    } else {
      listener.runResumed(s.step.name());
      log.info("phone-home resuming at step {}", s.step);
      if (s.quarantined) {
        checkpoint(s); // the copies moved aside are reported once: the warnings are saved before anything else
      }
      if (s.step == Step.COMPLETE) {
        drainOutbox(s);
        if (s.abandonReason == null) {
          return result(s, true);
        }
      }
    }
    try {
      while (true) {
        s = runSteps(s);
        drainOutbox(s);
        if (s.abandonReason == null) {
          break;
        }
        // RFC 8572 section 5.6: bootstrap-complete not taken with 204 is an error like any other, and the device
        // goes back to the bootstrapping sequence (the next server) rather than ending on a refused completion.
        s.step = abandonOnboarding(s);
        checkpoint(s);
      }
    } catch (BootstrapFailedException e) {
      listener.runFailed(e);
      throw e;
    }
    save(s);
    listener.runCompleted();
    return result(s, false);
  }

  /**
   * Runs the steps until COMPLETE.
   *
   * @return the state it ended with (a new primary resumes from the state it inherited, SPEC 4.2 step 6)
   */
  private EngineState runSteps(EngineState start) throws InterruptedException {
    EngineState s = start;
    while (s.step != Step.COMPLETE) {
      if (s.abandonReason != null) {
        // RFC 8572 section 5.6: the server refused bootstrap-initiated (or a state saved just after such a
        // refusal was resumed): its onboarding information is not processed any further.
        s.step = abandonOnboarding(s);
        checkpoint(s);
        continue;
      }
      listener.stepStarted(s.step.name());
      primaryRebooted = false;
      Step next = execute(s);
      if (primaryRebooted) {
        // The primary rebooted: carry on from the state the new primary inherited (SPEC 4.2 step 6).
        s = awaitNewPrimaryState(s);
        continue;
      }
      s.step = next;
      checkpoint(s);
      flush(s);
    }
    return s;
  }

  /**
   * SPEC 4.1 step 1, before a fresh run (never on resume: a run in progress has changed the configuration
   * itself): factory-default configuration, not mixed mode, a ring of dedicated or default VCPs.
   *
   * @return null when they hold; the warning to report when they do not and the operator overrode the check
   * @throws StartConditionsNotMetException when they do not hold and nobody overrode the check
   */
  private @Nullable String checkStartConditions(StartConditionsRead conditions) {
    List<String> problems = conditions.value() == null ? List.of(conditions.problem())
        : StartConditionCheck.problems(conditions.value(), device.members());
    if (problems.isEmpty()) {
      return null;
    }
    String override = c.startConditionOverride();
    if (override == null) {
      for (String p : problems) {
        try {
          device.syslog(SyslogSeverity.ERROR, "phone-home: not starting: " + p);
        } catch (PhcDeviceException e) {
          log.debug("syslog failed: {}", e.getMessage());
        }
      }
      StartConditionsNotMetException e = new StartConditionsNotMetException(problems);
      log.error("{}", e.getMessage());
      listener.runFailed(e);
      throw e;
    }
    String warning = "start conditions not met, overridden by the operator (" + override + "): "
        + String.join("; ", problems);
    log.warn("{}", warning);
    try {
      device.syslog(SyslogSeverity.WARNING, "phone-home: " + warning);
    } catch (PhcDeviceException e) {
      log.debug("syslog failed: {}", e.getMessage());
    }
    return warning;
  }

  /** The start conditions as read from the device, or why they could not be read. */
  private record StartConditionsRead(@Nullable StartConditions value, @Nullable String problem) {}

  private StartConditionsRead readStartConditions() {
    try {
      return new StartConditionsRead(device.startConditions(), null);
    } catch (PhcDeviceException e) {
      if (e.sessionLost()) {
        throw e;
      }
      return new StartConditionsRead(null, "the start conditions cannot be read from the device: " + e.getMessage());
    }
  }

  /**
   * No member holds a saved state, yet the configuration carries phone-home's own commits: a run was in progress
   * (it pinned the roles or committed the configuration) and its state is somewhere the engine cannot see, or
   * gone. After a power loss the member holding the newest copy may boot later than the one that took the
   * primary role, so the engine first waits (bounded by the member-detection timeout) for the members the VC
   * lists as not present and reads again. When no copy turns up, it restarts the run from the beginning, the
   * safe point (discovery skips what is done), and says so once as {@code bootstrap-warning}: refusing to start
   * because of its own commits would leave the VC stuck for good.
   *
   * @return the state found, or a fresh state marked restarted
   */
  private EngineState stateOfTheRunInProgress(StartConditions conditions) throws InterruptedException {
    Instant deadline = c.clock().instant().plus(c.memberDetectionTimeout());
    boolean told = false;
    while (true) {
      List<Integer> absent = new ArrayList<>();
      for (VcMember m : device.members()) {
        if (!m.isPresent()) {
          absent.add(m.memberId());
        }
      }
      if (absent.isEmpty() || !c.clock().instant().isBefore(deadline)) {
        break;
      }
      if (!told) {
        log.info("no saved phone-home state on the present members, but phone-home's commits are on the device;"
            + " waiting up to {} for members {}, which may hold it", c.memberDetectionTimeout(), absent);
        told = true;
      }
      c.sleeper().sleep(c.detectionPollInterval());
      EngineState found = loadStateWhenReachable();
      if (found != null) {
        return found;
      }
    }
    EngineState s = fresh();
    s.restarted = true;
    String warning = "no saved phone-home state on any member, but the configuration holds phone-home's own commits ("
        + conditions.configurationNote() + "): the state of the run in progress is lost; restarting from the"
        + " beginning";
    log.warn("{}", warning);
    try {
      device.syslog(SyslogSeverity.WARNING, "phone-home: " + warning);
    } catch (PhcDeviceException e) {
      log.debug("syslog failed: {}", e.getMessage());
    }
    s.pendingWarnings.add(warning);
    return s;
  }

  // ------------------------------------------------------------------------------------------ the steps

  private Step execute(EngineState s) throws InterruptedException {
    return switch (s.step) {
      case START -> start(s);
      case REQUEST -> request(s);
      case DISCOVER -> discover(s);
      case PIN_ROLES -> pinRoles(s);
      case STAGE_IMAGE -> stageImage(s);
      case INSTALL_LINECARDS -> installLinecards(s);
      case REBOOT_LINECARDS -> reboot(s, linecards(s), Step.DETECT_LINECARDS);
      case DETECT_LINECARDS -> detect(s, linecards(s), Step.INSTALL_BACKUP);
      case INSTALL_BACKUP -> installOne(s, MemberRole.BACKUP, Step.REBOOT_BACKUP, Step.INSTALL_PRIMARY);
      case REBOOT_BACKUP -> reboot(s, byRole(s, MemberRole.BACKUP), Step.DETECT_BACKUP);
      case DETECT_BACKUP -> detect(s, byRole(s, MemberRole.BACKUP), Step.INSTALL_PRIMARY);
      case INSTALL_PRIMARY -> installOne(s, MemberRole.PRIMARY, Step.REBOOT_PRIMARY, Step.UNPIN_ROLES);
      case REBOOT_PRIMARY -> rebootPrimary(s);
      case DETECT_PRIMARY -> detectPrimary(s);
      case UNPIN_ROLES -> unpinRoles(s);
      case PRE_SCRIPTS -> scripts(s, ScriptPhase.PRE_CONFIGURATION);
      case CONFIGURATION -> configuration(s);
      case POST_SCRIPTS -> scripts(s, ScriptPhase.POST_CONFIGURATION);
      case COMPLETE -> throw new IllegalStateException("nothing to execute at " + s.step);
    };
  }

  /** SPEC 4.1 step 1: the process starts. */
  private Step start(EngineState s) {
    s.attempt++;
    device.syslog(SyslogSeverity.INFO, "phone-home: starting (attempt " + s.attempt + ")");
    return Step.REQUEST;
  }

  /** SPEC 4.1 step 2-3: contact the redirect server and the PHS list until one answers with onboarding data. */
  private Step request(EngineState s) throws InterruptedException {
    BootstrapRequest request = bootstrapRequest();
    while (true) {
      checkDeadline(s);
      if (s.serverIndex >= s.servers.size()) {
        s.round++;
        if (c.maxRounds() > 0 && s.round >= c.maxRounds()) {
          throw terminal(s, "gave up after " + s.round + " round(s) over the bootstrap server list");
        }
        s.servers = new ArrayList<>(s.configuredServers);
        s.serverIndex = 0;
        s.redirectDepth = 0;
        Duration wait = c.retry().delay(s.round, c.random());
        log.info("no bootstrap server succeeded in round {}; next round in {}", s.round, wait);
        save(s);
        c.sleeper().sleep(wait);
        continue;
      }
      Server server = s.servers.get(s.serverIndex);
      if (!s.serversTried.contains(server.url())) {
        s.serversTried.add(server.url());
      }
      listener.serverRequested(server.url());
      try {
        BootstrapTransport.Answer answer = c.transport().fetch(server, request);
        s.notClaimedPolls = 0;
        if (answer.information() instanceof RedirectInformation redirect) {
          if (s.redirectDepth >= MAX_REDIRECT_DEPTH) {
            throw new PhcProtocolException("redirect information nested deeper than " + MAX_REDIRECT_DEPTH,
                "$.redirect-information");
          }
          listener.redirected(server.url(), redirect.bootstrapServers().size());
          List<Server> next = new ArrayList<>();
          for (BootstrapServer b : redirect.bootstrapServers()) {
            next.add(new Server(urlOf(b), answer.trusted() ? b.trustAnchor() : null));
          }
          log.info("{} redirects to {}", server.url(), next);
          s.servers = next;
          s.serverIndex = 0;
          s.redirectDepth++;
          continue;
        }
        OnboardingInformation info = (OnboardingInformation) answer.information();
        listener.onboardingReceived(server.url());
        s.provisioningServer = server.url();
        s.serverTrusted = answer.trusted();
        s.onboarding = info;
        s.reportingLevel = answer.reportingLevel();
        notify(s, ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, "phone-home client started bootstrapping"));
        reportPendingWarnings(s);
        notify(s, ProgressReport.of(ProgressType.PARSING_INITIATED, "parsing onboarding information"));
        notify(s, ProgressReport.of(ProgressType.PARSING_COMPLETE, "onboarding information parsed: " + describe(info)));
        return Step.DISCOVER;
      } catch (NotClaimedException e) {
        serverFailed(s, server, e);
        s.notClaimedPolls++;
        if (s.notClaimedPolls <= c.retry().notClaimedPolls()) {
          c.sleeper().sleep(c.retry().delay(s.notClaimedPolls, c.random()));
        } else {
          s.notClaimedPolls = 0;
          s.serverIndex++;
        }
      } catch (PhcProtocolException e) {
        serverFailed(s, server, e);
        if (e.httpStatus() == 200 || e.httpStatus() < 0) {
          // Tell the server its answer could not be parsed (best effort; it is the one that must act). Not
          // after an error status: the server refused the request, it would refuse the report too.
          enqueue(s, server.url(), ProgressReport.of(ProgressType.PARSING_ERROR, e.getMessage()));
          save(s);
          flush(s);
        }
        s.serverIndex++;
      } catch (PhcTransportException | PhcTrustException e) {
        serverFailed(s, server, e);
        s.serverIndex++;
      }
    }
  }

  /** SPEC 4.1 step 3-4: discover the members present and apply table 1. */
  private Step discover(EngineState s) throws InterruptedException {
    OnboardingInformation info = Objects.requireNonNull(s.onboarding);
    VirtualChassisTopology topology = info.topology();
    List<VcMember> found = members();
    VcMember primary = found.stream().filter(m -> m.isPresent() && m.role() == MemberRole.PRIMARY).findFirst()
        .orElseThrow(() -> new PhcDeviceException("members", null, "the device reports no primary member: " + found));
    List<VcMember> planned = new ArrayList<>();
    List<VcMember> notPresent = new ArrayList<>();
    if (topology.kind() == TopologyKind.NONE) {
      // Table 1, no topology, default mode: provision the primary as a standalone device.
      planned.add(primary);
    } else if (topology.kind() == TopologyKind.MINIMUM) {
      // Table 1, minimum information: provision every member found. A member the VC lists that is not up yet
      // (still booting) is waited for, bounded: left out, it would stay on the old software.
      awaitListedMembers(s, found, m -> true);
      found.stream().filter(VcMember::isPresent).forEach(planned::add);
      // Members the VC lists but are not up are not provisioned; say so now and in bootstrap-complete, rather
      // than complete as if the VC were done (a member still booting, a member powered off).
      found.stream().filter(m -> !m.isPresent()).forEach(notPresent::add);
      if (!notPresent.isEmpty()) {
        notify(s, ProgressReport.of(ProgressType.BOOTSTRAP_WARNING, "the Virtual Chassis lists members that are"
            + " not present; they are not provisioned: " + describe(notPresent)));
      }
    } else {
      Set<String> expected = new HashSet<>();
      topology.members().forEach(m -> expected.add(m.serialNumber()));
      if (topology.mode() == ProvisioningMode.STRICT) {
        // Table 1, full, strict: every expected member must be present and up; re-check until the timeout.
        Instant deadline = c.clock().instant().plus(c.memberDetectionTimeout());
        List<String> missing = missing(expected, found);
        while (!missing.isEmpty() && c.clock().instant().isBefore(deadline)) {
          log.info("strict provisioning: expected members {} not present; checking again", missing);
          s.lastDeviceProblem = "members " + missing + " not present";
          checkDeadline(s);
          c.sleeper().sleep(c.detectionPollInterval());
          found.clear();
          found.addAll(members());
          missing = missing(expected, found);
        }
        if (!missing.isEmpty()) {
          reportDifference(s, topology, found);
          notify(s, VcNotification.STRICT_DETECTION_FAILED_MEMBERS.aboutVc());
          return startOver(s, "strict provisioning: members " + missing + " not present within "
              + c.memberDetectionTimeout());
        }
        found.stream().filter(m -> m.isPresent() && expected.contains(m.serialNumber())).forEach(planned::add);
      } else {
        // Table 1, full, default: provision those found; report the difference. Expected members the VC lists
        // as not present are waited for (bounded), then in the report (missing) and the outcome (not present).
        awaitListedMembers(s, found, m -> expected.contains(m.serialNumber()));
        found.stream().filter(VcMember::isPresent).forEach(planned::add);
        found.stream().filter(m -> !m.isPresent() && expected.contains(m.serialNumber())).forEach(notPresent::add);
      }
      reportDifference(s, topology, found);
    }
    BootImage image = info.bootImage();
    s.targetVersion = image == null ? null : targetVersion(image);
    boolean vc = topology.isVirtualChassis();
    planned.sort((a, b) -> Integer.compare(a.memberId(), b.memberId()));
    boolean anyPending = false;
    for (VcMember m : planned) {
      MemberRole role = m.role() == null ? MemberRole.LINECARD : m.role();
      MemberProgress progress;
      if (image == null) {
        progress = MemberProgress.NOT_REQUIRED;
      } else if (s.targetVersion != null && s.targetVersion.equals(m.version())) {
        progress = MemberProgress.NOT_REQUIRED;
        if (vc) {
          notify(s, VcNotification.NO_UPGRADE_REQUIRED.about(m.ref()));
        } else {
          notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_COMPLETE, "No upgrade required: running " + m.version()));
        }
      } else {
        progress = MemberProgress.PENDING;
        anyPending = true;
      }
      s.members.add(new PlannedMember(m.memberId(), m.serialNumber(), role, progress));
    }
    notPresent.sort((a, b) -> Integer.compare(a.memberId(), b.memberId()));
    for (VcMember m : notPresent) {
      log.warn("member {} (serial {}) is not present: not provisioned", m.memberId(), m.serialNumber());
      s.members.add(new PlannedMember(m.memberId(), m.serialNumber(), m.role() == null ? MemberRole.LINECARD
          : m.role(), MemberProgress.NOT_PRESENT));
    }
    if (!anyPending) {
      return Step.PRE_SCRIPTS;
    }
    return vc ? Step.PIN_ROLES : Step.STAGE_IMAGE;
  }

  /**
   * SPEC 4.1 step 5: pin the primary and backup roles while images are upgraded. The pins are recorded (and
   * saved) before they are made: a process that dies right after they took effect leaves a state that knows of
   * them, so whoever resumes undoes them at {@link Step#UNPIN_ROLES}, even when it finds no backup to pin again (a
   * VC that re-formed after a power loss). Before, the pins of a process that died there stayed on the device.
   */
  private Step pinRoles(EngineState s) throws InterruptedException {
    List<VcMember> found = members();
    Optional<VcMember> primary = found.stream().filter(m -> m.isPresent() && m.role() == MemberRole.PRIMARY).findFirst();
    // A VC that re-formed a moment ago (a power loss, say while the pins were being made) has its members back
    // as linecards and elects a backup a little later: wait for it (bounded) rather than go on without pins.
    Integer backup = primary.isPresent() ? awaitBackup(s, primary.get().memberId()) : null;
    if (primary.isPresent() && backup != null) {
      s.pinnedPrimary = primary.get().memberId();
      s.pinnedBackup = backup;
      checkpoint(s);
      device.pinRoles(primary.get().memberId(), backup);
    } else if (s.pinnedPrimary != null) {
      // Saved by an earlier attempt that did not get to pin (the process died first): nothing is pinned.
      log.info("roles not pinned: no backup (primary {}); forgetting the pins planned before", primary.map(
          VcMember::memberId).orElse(null));
      s.pinnedPrimary = null;
      s.pinnedBackup = null;
    }
    return Step.STAGE_IMAGE;
  }

  /** SPEC 4.2 step 2: download and verify the image once. */
  private Step stageImage(EngineState s) throws InterruptedException {
    BootImage image = Objects.requireNonNull(Objects.requireNonNull(s.onboarding).bootImage());
    notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_INITIATED, "downloading " + image.fileName()));
    if (image.verifications().isEmpty()) {
      notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_WARNING, "no checksum given for " + image.fileName()));
    }
    ImageStager stager = c.stagerFactory().create(() -> checkDeadline(s));
    StagedImage staged;
    try {
      staged = stager.stage(image, warning -> {
        s.lastDeviceProblem = "image download: " + warning;
        notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_WARNING, warning));
        save(s);
        flush(s);
      });
    } catch (ImageStager.AttemptsExhaustedException e) {
      // SPEC 4.2 step 2, our choice: this server's image cannot be had now; the next server (and the next round)
      // is asked, so the download is retried until it succeeds within the configured bounds.
      notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_ERROR, e.getMessage()));
      return startOver(s, e.getMessage());
    }
    s.stagedPath = staged.path();
    s.stagedSize = staged.size();
    return Step.INSTALL_LINECARDS;
  }

  /** SPEC 4.2 step 3.1: install on the linecards one after another in member-id order. */
  private Step installLinecards(EngineState s) throws InterruptedException {
    List<PlannedMember> pending = new ArrayList<>();
    for (PlannedMember m : linecards(s)) {
      if (m.progress == MemberProgress.PENDING) {
        pending.add(m);
      }
    }
    for (int i = 0; i < pending.size(); i++) {
      PlannedMember m = pending.get(i);
      boolean last = i == pending.size() - 1;
      if (!install(s, m, last ? VcNotification.IMAGE_INSTALLED_REBOOTING : VcNotification.IMAGE_INSTALLED_NEXT_MEMBER)) {
        if (strict(s)) {
          return startOver(s, "strict provisioning: image failed to install on member " + m.memberId);
        }
      }
      checkpoint(s);
    }
    for (PlannedMember m : linecards(s)) {
      if (m.progress == MemberProgress.INSTALLED || m.progress == MemberProgress.REBOOTING) {
        return Step.REBOOT_LINECARDS;
      }
    }
    return Step.INSTALL_BACKUP;
  }

  /** SPEC 4.2 step 3.2 and 3.3: install on the backup, or on the primary. */
  private Step installOne(EngineState s, MemberRole role, Step thenReboot, Step otherwise) throws InterruptedException {
    for (PlannedMember m : byRole(s, role)) {
      if (m.progress == MemberProgress.PENDING) {
        if (install(s, m, VcNotification.IMAGE_INSTALLED_REBOOTING)) {
          return thenReboot;
        }
        if (strict(s)) {
          return startOver(s, "strict provisioning: image failed to install on member " + m.memberId);
        }
      } else if (m.progress == MemberProgress.INSTALLED || m.progress == MemberProgress.REBOOTING) {
        return thenReboot;
      }
    }
    return otherwise;
  }

  /**
   * Installs the image on one member. In strict mode a failed install is tried again (table 1: "retry the
   * members that failed"), up to {@code strictRetries} times, before the member counts as failed.
   */
  private boolean install(EngineState s, PlannedMember m, VcNotification success) throws InterruptedException {
    while (true) {
      try {
        device.installImage(m.memberId, new StagedImage(Objects.requireNonNull(s.stagedPath), s.stagedSize));
        m.progress = MemberProgress.INSTALLED;
        if (vc(s)) {
          notify(s, success.about(ref(m)));
        }
        return true;
      } catch (PhcDeviceException e) {
        log.warn("install on member {} failed: {}", m.memberId, e.getMessage());
        s.lastDeviceProblem = e.getMessage();
        if (strict(s) && m.attempts < c.strictRetries()) {
          m.attempts++;
          notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_WARNING, "installing on member " + m.memberId
              + " failed (" + e.getMessage() + "); strict provisioning tries again (retry " + m.attempts + " of "
              + c.strictRetries() + ")"));
          checkpoint(s);
          c.sleeper().sleep(c.detectionPollInterval());
          continue;
        }
        m.progress = MemberProgress.INSTALL_FAILED;
        if (!vc(s)) {
          notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_ERROR, e.getMessage()));
        } else if (strict(s)) {
          notify(s, VcNotification.IMAGE_INSTALLATION_FAILED.about(ref(m)));
        } else {
          notify(s, VcNotification.UPGRADE_FAILED.about(ref(m)));
        }
        return false;
      }
    }
  }

  /** SPEC 4.2 step 3: reboot members at the same time (those not already rebooted or back on the image). */
  private Step reboot(EngineState s, List<PlannedMember> group, Step next) throws InterruptedException {
    List<PlannedMember> toReboot = new ArrayList<>();
    for (PlannedMember m : group) {
      if (m.progress == MemberProgress.INSTALLED || m.progress == MemberProgress.REBOOTING) {
        toReboot.add(m);
      }
    }
    if (toReboot.isEmpty()) {
      return next;
    }
    boolean resuming = toReboot.stream().anyMatch(m -> m.progress == MemberProgress.REBOOTING);
    List<Integer> ids = new ArrayList<>();
    if (resuming) {
      // A previous engine may have initiated the reboot already: reboot only members still up on the old software.
      Map<Integer, VcMember> now = byId(members());
      for (PlannedMember m : toReboot) {
        VcMember v = now.get(m.memberId);
        if (v != null && v.isPresent() && !Objects.equals(v.version(), s.targetVersion)) {
          ids.add(m.memberId);
        }
      }
    } else {
      toReboot.forEach(m -> ids.add(m.memberId));
    }
    for (PlannedMember m : toReboot) {
      m.progress = MemberProgress.REBOOTING;
    }
    s.detectDeadline = c.clock().instant().plus(c.memberDetectionTimeout());
    if (next == Step.DETECT_LINECARDS && !resuming) {
      // Queued with the state saved before the reboot, so that a crash right after it cannot lose it.
      notify(s, VcNotification.LINECARD_REBOOT_INITIATED.aboutVc());
    }
    checkpoint(s);
    if (!ids.isEmpty()) {
      device.reboot(ids);
    }
    return next;
  }

  /**
   * SPEC 4.2 step 3.3: the state is synced to the backup, then the primary reboots. The primary role moves to
   * the backup (step 5) and the process carries on from the state the new primary inherited (step 6).
   */
  private Step rebootPrimary(EngineState s) throws InterruptedException {
    List<PlannedMember> primary = byRole(s, MemberRole.PRIMARY);
    PlannedMember p = primary.get(0);
    boolean resuming = p.progress == MemberProgress.REBOOTING;
    if (resuming) {
      Map<Integer, VcMember> now = byId(members());
      VcMember v = now.get(p.memberId);
      boolean stillUpOnOldSoftware = v != null && v.isPresent() && !Objects.equals(v.version(), s.targetVersion);
      if (!stillUpOnOldSoftware) {
        return Step.DETECT_PRIMARY;
      }
    }
    Integer backup = vc(s) ? awaitBackup(s, p.memberId) : null;
    p.progress = MemberProgress.REBOOTING;
    s.detectDeadline = c.clock().instant().plus(c.memberDetectionTimeout());
    if (vc(s)) {
      notify(s, ProgressReport.builder(ProgressType.BOOT_IMAGE_INSTALLED_REBOOTING)
          .message("image installed on every member; rebooting the primary (member " + p.memberId + ")").build());
    } else {
      notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_INSTALLED_REBOOTING, "image installed; rebooting"));
    }
    s.step = Step.DETECT_PRIMARY;
    checkpoint(s); // the state now is on the backup too: whoever is primary next resumes at DETECT_PRIMARY
    while (backup != null && !backup.equals(currentBackup(p.memberId))) {
      // The VC re-formed while the state was being saved (a power loss cut the save; it was saved again once the
      // VC was back, when nobody, or another member, held the backup role): wait for the backup again, save again.
      backup = awaitBackup(s, p.memberId);
      checkpoint(s);
    }
    Instant flushStarted = c.clock().instant();
    flush(s);
    if (Duration.between(flushStarted, c.clock().instant()).compareTo(c.detectionPollInterval()) > 0) {
      // The detection time counts from the reboot, not from before a slow delivery of the queue.
      s.detectDeadline = c.clock().instant().plus(c.memberDetectionTimeout());
      checkpoint(s);
    }
    try {
      device.reboot(List.of(p.memberId));
    } catch (PhcDeviceException e) {
      if (!e.sessionLost()) {
        throw e;
      }
      log.info("session lost while rebooting the primary, as expected: {}", e.getMessage());
    }
    primaryRebooted = true;
    return Step.DETECT_PRIMARY;
  }

  /**
   * SPEC 4.2 step 3.3 syncs the state to the backup before the primary reboots, so it needs a backup. A VC that
   * re-formed a moment ago (after a power loss, or with the other member just back from its own reboot) can have
   * members present and no backup yet: they joined as linecards and take the backup role a little later. Were the
   * primary rebooted then, its state would be on itself only, and the member that takes over would start from
   * nothing (and, in a minimum topology, finish without the member still rebooting). So: poll until a present
   * member other than the primary holds the backup role, for at most the member-detection timeout. With no other
   * member present there is nobody to wait for; after the timeout the primary reboots as before (logged).
   *
   * @return the backup's member id, or null when there is nobody to wait for or none came in time
   */
  private @Nullable Integer awaitBackup(EngineState s, int primaryId) throws InterruptedException {
    Instant deadline = c.clock().instant().plus(c.memberDetectionTimeout());
    while (true) {
      List<VcMember> now = members();
      boolean others = false;
      for (VcMember m : now) {
        if (m.isPresent() && m.memberId() != primaryId) {
          if (m.role() == MemberRole.BACKUP) {
            return m.memberId();
          }
          others = true;
        }
      }
      if (!others) {
        return null;
      }
      if (!c.clock().instant().isBefore(deadline)) {
        log.warn("no member took the backup role within {} (primary: member {}); going on without one",
            c.memberDetectionTimeout(), primaryId);
        return null;
      }
      checkDeadline(s);
      c.sleeper().sleep(c.detectionPollInterval());
    }
  }

  /** The present member other than the primary that holds the backup role now, if any. */
  private @Nullable Integer currentBackup(int primaryId) {
    for (VcMember m : members()) {
      if (m.isPresent() && m.memberId() != primaryId && m.role() == MemberRole.BACKUP) {
        return m.memberId();
      }
    }
    return null;
  }

  /** SPEC 4.2 steps 4-6 for the old primary; reboots it first if a crash came between saving and rebooting. */
  private Step detectPrimary(EngineState s) throws InterruptedException {
    List<PlannedMember> primary = byRole(s, MemberRole.PRIMARY);
    if (primary.isEmpty()) {
      return Step.UNPIN_ROLES;
    }
    PlannedMember p = primary.get(0);
    if (p.progress == MemberProgress.REBOOTING) {
      try {
        VcMember v = byId(members()).get(p.memberId);
        if (v != null && v.isPresent() && v.role() == MemberRole.PRIMARY
            && !Objects.equals(v.version(), s.targetVersion)) {
          log.info("the primary (member {}) has not rebooted yet: rebooting it now", p.memberId);
          return rebootPrimary(s);
        }
        if (v != null && v.isPresent() && !Objects.equals(v.version(), s.targetVersion)
            && rebootedOnResume.add(p.memberId)) {
          // The state says "the primary reboots now" but the process died before the reboot, and the VC re-formed
          // meanwhile (a power loss): the old primary is up in another role on the old software, with its image
          // installed and never booted. Whether it rebooted and came back on the old software cannot be told
          // from here; one more reboot (once per process, and it is not the member this engine runs on) settles it.
          log.info("the old primary (member {}) is up as {} on {}, not {}: it may never have rebooted; rebooting it",
              p.memberId, v.role(), v.version(), s.targetVersion);
          s.detectDeadline = c.clock().instant().plus(c.memberDetectionTimeout());
          checkpoint(s);
          device.reboot(List.of(p.memberId));
        }
      } catch (PhcDeviceException e) {
        if (!e.sessionLost()) {
          throw e;
        }
      }
    }
    return detect(s, primary, Step.UNPIN_ROLES);
  }

  /** SPEC 4.2 step 6: the engine carries on from the state stored on the new primary. */
  private EngineState awaitNewPrimaryState(EngineState previous) throws InterruptedException {
    Instant deadline = c.clock().instant().plus(c.memberDetectionTimeout());
    while (true) {
      try {
        EngineState inherited = loadState();
        if (inherited != null) {
          EngineState s = inherited;
          listener.runResumed(s.step.name());
          log.info("resuming on the new primary at step {}", s.step);
          return s;
        }
        throw new PhcDeviceException("load-state", null, "the new primary holds no phone-home state");
      } catch (PhcDeviceException e) {
        if (!e.sessionLost() && c.clock().instant().isAfter(deadline)) {
          throw e;
        }
        if (c.clock().instant().isAfter(deadline)) {
          log.warn("no new primary answered within {}; carrying on with the state in memory",
              c.memberDetectionTimeout());
          return previous;
        }
        checkDeadline(previous);
        c.sleeper().sleep(c.detectionPollInterval());
      }
    }
  }

  /** SPEC 4.2 step 4: detect that rebooted members are back; table 1 decides what a failure means. */
  private Step detect(EngineState s, List<PlannedMember> group, Step next) throws InterruptedException {
    List<PlannedMember> waiting = new ArrayList<>();
    for (PlannedMember m : group) {
      if (m.progress == MemberProgress.REBOOTING) {
        waiting.add(m);
      }
    }
    Instant deadline = s.detectDeadline != null ? s.detectDeadline : c.clock().instant().plus(c.memberDetectionTimeout());
    boolean anyFailed = false;
    while (!waiting.isEmpty()) {
      // Read before the look at the members: a member that is back by the time of the last look counts, however
      // long the look took (a slow device, or other engines moving a shared clock meanwhile).
      boolean expired = !c.clock().instant().isBefore(deadline);
      Map<Integer, VcMember> now;
      try {
        now = byId(members());
      } catch (PhcDeviceException e) {
        if (!e.sessionLost()) {
          throw e;
        }
        now = Map.of(); // the VC is reachable again later (a standalone device rebooting)
      }
      for (var it = waiting.iterator(); it.hasNext(); ) {
        PlannedMember m = it.next();
        VcMember v = now.get(m.memberId);
        if (v == null || !v.isPresent() || !settled(s, m, now)) {
          continue;
        }
        it.remove();
        if (Objects.equals(v.version(), s.targetVersion)) {
          m.progress = MemberProgress.UPGRADED;
          if (!vc(s)) {
            notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_COMPLETE, "Successfully upgraded to " + v.version()));
          } else {
            notify(s, (m.initialRole == MemberRole.PRIMARY ? VcNotification.UPGRADED : VcNotification.DETECTED_AND_UPGRADED)
                .about(v.ref()));
          }
        } else {
          m.progress = MemberProgress.UPGRADE_FAILED;
          anyFailed = true;
          if (!vc(s)) {
            notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_ERROR, "still running " + v.version() + " after the upgrade"));
          } else {
            notify(s, VcNotification.DETECTED_BUT_UPGRADE_FAILED.about(v.ref()));
          }
        }
      }
      if (waiting.isEmpty()) {
        break;
      }
      if (expired) {
        for (PlannedMember m : waiting) {
          m.progress = MemberProgress.DETECTION_FAILED;
          anyFailed = true;
          if (m.attempts > 0) {
            continue; // reported when it first failed; a strict re-check that still misses it is reported below
          }
          if (vc(s)) {
            notify(s, VcNotification.DETECTION_FAILED.about(ref(m)));
          } else {
            notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_ERROR, "Did not come up post image upgrade"));
          }
        }
        waiting.clear();
        break;
      }
      flush(s);
      s.lastDeviceProblem = "waiting for members " + waiting.stream().map(m -> m.memberId).toList() + " to come back";
      checkDeadline(s);
      c.sleeper().sleep(c.detectionPollInterval());
    }
    s.detectDeadline = null;
    if (anyFailed && strict(s)) {
      return strictFailure(s, group);
    }
    if (next == Step.UNPIN_ROLES && vc(s)) {
      notify(s, ProgressReport.of(ProgressType.BOOT_IMAGE_COMPLETE, "image phase complete for the Virtual Chassis"));
    }
    return next;
  }

  /**
   * Table 1, strict mode: members of {@code group} failed detection. "Retry the members that failed": a member
   * back on the old software is installed and rebooted again, a member that did not come back is looked for
   * again for another member-detection timeout; each up to {@code strictRetries} times. Then the error is
   * reported and the process starts over with the next server.
   */
  private Step strictFailure(EngineState s, List<PlannedMember> group) {
    List<PlannedMember> failed = new ArrayList<>();
    for (PlannedMember m : group) {
      if (m.progress == MemberProgress.UPGRADE_FAILED || m.progress == MemberProgress.DETECTION_FAILED) {
        failed.add(m);
      }
    }
    boolean retry = !failed.isEmpty() && failed.stream().allMatch(m -> m.attempts < c.strictRetries());
    boolean retried = failed.stream().anyMatch(m -> m.attempts > 0);
    if (!retry) {
      boolean stillMissing = failed.stream().anyMatch(m -> m.progress == MemberProgress.DETECTION_FAILED);
      notify(s, (retried && stillMissing ? VcNotification.STRICT_DETECTION_FAILED_MEMBERS
          : VcNotification.STRICT_BOOTSTRAP_FAILURE).aboutVc());
      return startOver(s, "strict provisioning: members " + failed.stream().map(m -> m.memberId).toList()
          + " not back on the image within " + c.memberDetectionTimeout()
          + (retried ? " after " + c.strictRetries() + " retry(ies)" : ""));
    }
    notify(s, VcNotification.STRICT_BOOTSTRAP_FAILURE.aboutVc());
    boolean reinstall = false;
    for (PlannedMember m : failed) {
      m.attempts++;
      if (m.progress == MemberProgress.UPGRADE_FAILED) {
        m.progress = MemberProgress.PENDING;
        reinstall = true;
      } else {
        m.progress = MemberProgress.REBOOTING; // not rebooted again: looked for again
      }
    }
    s.detectDeadline = c.clock().instant().plus(c.memberDetectionTimeout());
    String which = failed.stream().map(m -> m.memberId).toList().toString();
    log.warn("strict provisioning: trying members {} again (retry {} of {})", which, failed.get(0).attempts,
        c.strictRetries());
    device.syslog(SyslogSeverity.WARNING, "phone-home: strict provisioning: trying members " + which + " again");
    if (!reinstall) {
      return s.step;
    }
    return switch (s.step) {
      case DETECT_LINECARDS -> Step.INSTALL_LINECARDS;
      case DETECT_BACKUP -> Step.INSTALL_BACKUP;
      default -> Step.INSTALL_PRIMARY;
    };
  }

  /**
   * A rebooted backup counts as back once the VC has a backup again (the primary's failover needs one); the old
   * primary once it took the backup role after rejoining as linecard (SPEC 4.2 step 6), when the VC had a backup.
   * The old primary also counts as back as a linecard when the backup role is held by the other pinned member:
   * its pinned priority then has nobody to displace, and it stays a linecard (a VC that re-formed during the
   * upgrade, e.g. after a power loss, can leave both pinned members in other roles than at the start).
   */
  private static boolean settled(EngineState s, PlannedMember m, Map<Integer, VcMember> now) {
    if (m.initialRole == MemberRole.BACKUP) {
      return now.values().stream().anyMatch(v -> v.isPresent() && v.role() == MemberRole.BACKUP);
    }
    if (m.initialRole == MemberRole.PRIMARY && vc(s) && s.pinnedBackup != null) {
      // Back as backup; or primary again when the VC had nobody to fail over to and re-formed around it.
      VcMember v = now.get(m.memberId);
      if (v != null && (v.role() == MemberRole.BACKUP || v.role() == MemberRole.PRIMARY)) {
        return true;
      }
      return v != null && v.isPresent() && now.values().stream().anyMatch(o -> o.isPresent()
          && o.memberId() != m.memberId && o.role() == MemberRole.BACKUP
          && (Objects.equals(o.memberId(), s.pinnedBackup) || Objects.equals(o.memberId(), s.pinnedPrimary)));
    }
    return true;
  }

  /** SPEC 4.1 step 5: undo the role pins. */
  private Step unpinRoles(EngineState s) {
    if (s.pinnedPrimary != null) {
      device.unpinRoles();
      s.pinnedPrimary = null;
      s.pinnedBackup = null;
    }
    return Step.PRE_SCRIPTS;
  }

  /** SPEC 4.3 steps 1 and 3: run every pre- or post-configuration script. */
  private Step scripts(EngineState s, ScriptPhase phase) throws InterruptedException {
    OnboardingInformation info = Objects.requireNonNull(s.onboarding);
    boolean pre = phase == ScriptPhase.PRE_CONFIGURATION;
    List<Bytes> scripts = pre ? info.preConfigurationScripts() : info.postConfigurationScripts();
    Step next = pre ? Step.CONFIGURATION : Step.COMPLETE;
    if (scripts.isEmpty()) {
      return finishScripts(s, next);
    }
    ProgressType initiated = pre ? ProgressType.PRE_SCRIPT_INITIATED : ProgressType.POST_SCRIPT_INITIATED;
    ProgressType error = pre ? ProgressType.PRE_SCRIPT_ERROR : ProgressType.POST_SCRIPT_ERROR;
    ProgressType complete = pre ? ProgressType.PRE_SCRIPT_COMPLETE : ProgressType.POST_SCRIPT_COMPLETE;
    if (s.scriptsDone == 0) {
      notify(s, ProgressReport.of(initiated, "running " + scripts.size() + " " + phaseName(phase) + " script(s)"));
    }
    while (s.scriptsDone < scripts.size()) {
      int n = s.scriptsDone + 1;
      ScriptResult r;
      try {
        r = device.runScript(phase, scripts.get(s.scriptsDone));
      } catch (PhcDeviceException e) {
        r = new ScriptResult(-1, e.getMessage());
      }
      if (!r.succeeded()) {
        notify(s, ProgressReport.of(error, phaseName(phase) + " script " + n + " exited with " + r.exitStatus()
            + (r.output().isBlank() ? "" : ": " + abbreviate(r.output()))));
        s.scriptsDone = 0;
        return startOver(s, phaseName(phase) + " script " + n + " failed with exit status " + r.exitStatus());
      }
      s.scriptsDone++;
      checkpoint(s);
    }
    s.scriptsDone = 0;
    notify(s, ProgressReport.of(complete, scripts.size() + " " + phaseName(phase) + " script(s) succeeded"));
    return finishScripts(s, next);
  }

  private Step finishScripts(EngineState s, Step next) {
    if (next == Step.COMPLETE) {
      complete(s);
    }
    return next;
  }

  /** SPEC 4.3 step 2: load and commit the configuration. */
  private Step configuration(EngineState s) {
    OnboardingInformation info = Objects.requireNonNull(s.onboarding);
    Bytes config = info.configuration();
    if (config == null) {
      return Step.POST_SCRIPTS;
    }
    notify(s, ProgressReport.of(ProgressType.CONFIG_INITIATED,
        "applying configuration (" + info.configurationHandling().yangName() + ")"));
    try {
      device.loadConfiguration(config, info.configurationHandling());
      device.commitConfiguration();
    } catch (PhcDeviceException e) {
      notify(s, ProgressReport.of(ProgressType.CONFIG_ERROR, e.getMessage()));
      return startOver(s, "configuration failed: " + e.getMessage());
    }
    notify(s, ProgressReport.of(ProgressType.CONFIG_COMPLETE, "configuration committed"));
    return Step.POST_SCRIPTS;
  }

  /** SPEC 4.4: log the completion and tell the PHS. */
  private void complete(EngineState s) {
    List<String> failed = new ArrayList<>();
    for (PlannedMember m : s.members) {
      if (m.progress == MemberProgress.NOT_PRESENT) {
        failed.add("member " + m.memberId + " (not present, not provisioned)");
      } else if (m.progress != MemberProgress.UPGRADED && m.progress != MemberProgress.NOT_REQUIRED) {
        failed.add("member " + m.memberId + " (" + m.progress.name().toLowerCase(java.util.Locale.ROOT) + ")");
      }
    }
    String message = failed.isEmpty()
        ? "phone-home bootstrap complete"
        : "phone-home bootstrap complete; failed members: " + String.join(", ", failed);
    device.syslog(SyslogSeverity.NOTICE, "phone-home: " + message);
    log.info(message);
    // RFC 8572: bootstrap-complete carries the device's SSH host keys and trust anchors, where the binding can
    // read them (the Juniper dialect has no place for them; its encoder leaves them out).
    ProgressReport.Builder complete = ProgressReport.builder(ProgressType.BOOTSTRAP_COMPLETE).message(message);
    try {
      device.sshHostKeys().forEach(complete::addSshHostKey);
      device.trustAnchorCerts().forEach(complete::addTrustAnchorCert);
    } catch (PhcDeviceException e) {
      log.warn("the device's SSH host keys or trust anchors cannot be read; bootstrap-complete goes without: {}",
          e.getMessage());
    }
    notify(s, complete.build());
  }

  /**
   * Start over with the next PHS (strict failures, scripts and configuration errors): undo the pins, forget the
   * onboarding data, keep the notifications for the server that gave it.
   */
  private Step startOver(EngineState s, String reason) {
    log.warn("starting over with the next bootstrap server: {}", reason);
    device.syslog(SyslogSeverity.ERROR, "phone-home: " + reason + "; trying the next phone-home server");
    if (s.provisioningServer != null) {
      s.lastErrors.put(s.provisioningServer, reason);
    }
    if (s.pinnedPrimary != null) {
      try {
        device.unpinRoles();
      } catch (PhcDeviceException e) {
        log.warn("could not undo the role pins: {}", e.getMessage());
      }
    }
    s.resetAttempt();
    s.serverIndex++;
    return Step.REQUEST;
  }

  /**
   * RFC 8572 section 5.6: the provisioning server refused {@code bootstrap-initiated} or {@code
   * bootstrap-complete}. "If the device encounters an error at any step, it MUST stop processing the onboarding
   * information and return to the bootstrapping sequence": start over with the next server, with the refusal as
   * that server's cause (in {@link PhoneHomeResult#lastErrors()} and in a {@link BootstrapFailedException} when
   * no server is left).
   */
  private Step abandonOnboarding(EngineState s) {
    String reason = Objects.requireNonNull(s.abandonReason);
    return startOver(s, reason);
  }

  // ------------------------------------------------------------------------------------------ notifications

  /**
   * Queues a notification for the PHS that gave the onboarding data, and writes it to syslog and SLF4J. With
   * RFC 8572 {@code reporting-level} minimal only the reports of {@link #reportedAtMinimal} are queued; the
   * device's log gets every one.
   */
  private void notify(EngineState s, ProgressReport report) {
    String server = Objects.requireNonNull(s.provisioningServer, "no server to notify");
    if (s.reportingLevel == ReportingLevel.MINIMAL && !reportedAtMinimal(report.type())) {
      logLocally(report);
      return;
    }
    enqueue(s, server, report);
  }

  /**
   * RFC 8572 {@code reporting-level} minimal (our reading of "just the progress reports required"): the start
   * and the end of bootstrapping, every warning and error of the process as a whole, the reboot that makes the
   * device go quiet, and every Virtual Chassis failure; not the per-phase initiated/complete reports, nor the
   * per-member successes.
   */
  static boolean reportedAtMinimal(ProgressType type) {
    if (type.isError()) {
      return true;
    }
    if (type.isVirtualChassis()) {
      return type.name().endsWith("-failed");
    }
    return type.equals(ProgressType.BOOTSTRAP_INITIATED) || type.equals(ProgressType.BOOTSTRAP_COMPLETE)
        || type.equals(ProgressType.BOOTSTRAP_WARNING) || type.equals(ProgressType.BOOT_IMAGE_INSTALLED_REBOOTING);
  }

  private void enqueue(EngineState s, String server, ProgressReport report) {
    if (c.labModeInsecure()) {
      // The trust layer accepted unsigned data from an untrusted server: every report says so.
      report = report.toBuilder().message(LAB_MODE_STAMP + Objects.toString(report.message(), "")).build();
    }
    logLocally(report);
    report = report.toBuilder().notificationId(nextNotificationId(s)).build();
    s.outbox.add(new EngineState.Outbound(server, report));
    listener.notificationQueued(report);
  }

  /** The next id of this run: {@code <run>-<sequence>}, never reused (the counter is in the saved state). */
  private NotificationId nextNotificationId(EngineState s) {
    if (s.runId == null) {
      s.runId = newRunId(c.clock(), c.random());
    }
    return new NotificationId(s.runId, s.nextSequence++);
  }

  /**
   * A new run id: the start time (epoch milliseconds, base 36) and 8 letters or digits from the injected Random,
   * so that a run that starts over after its state was lost never reuses the ids of the run before, even with a
   * seeded Random.
   */
  static String newRunId(Clock clock, Random random) {
    String alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    StringBuilder b = new StringBuilder(Long.toString(Math.abs(clock.millis()), 36));
    for (int i = 0; i < 8; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.length() <= 32 ? b.toString() : b.substring(b.length() - 32);
  }

  private void logLocally(ProgressReport report) {
    String line = "phone-home: " + report.type().name() + ": " + Objects.toString(report.message(), "");
    SyslogSeverity severity = report.type().isError() ? SyslogSeverity.ERROR : SyslogSeverity.INFO;
    try {
      device.syslog(severity, line);
    } catch (PhcDeviceException e) {
      log.debug("syslog failed: {}", e.getMessage());
    }
    // One line per notification: WARN for errors, INFO for phase changes (*-initiated, *-complete), DEBUG
    // for the rest (member steps, warnings, informational), so INFO reads as the phases of SPEC section 4.
    String type = report.type().name();
    if (report.type().isError()) {
      log.warn("{}", line);
    } else if (type.endsWith("-initiated") || type.endsWith("-complete")) {
      log.info("{}", line);
    } else {
      log.debug("{}", line);
    }
  }

  /**
   * Offers queued notifications in order. A notification goes on the wire only once the state that holds it (and
   * its id) is saved, so a crash can never renumber one the server has seen. Delivered and refused ones leave
   * the queue; the first that is not claimed (404) or cannot be delivered now stops the pass and stays queued.
   *
   * @return null when nothing deliverable is left, else the outcome that stopped the pass
   */
  private BootstrapTransport.@Nullable ReportOutcome flush(EngineState s) {
    boolean changed = false;
    try {
      while (!s.outbox.isEmpty()) {
        EngineState.Outbound o = s.outbox.get(0);
        NotificationId id = o.report().notificationId();
        if (id != null && id.sequence() > durableSequence) {
          return new BootstrapTransport.ReportOutcome.Retry(null, "the state holding " + id + " is not saved yet");
        }
        BootstrapTransport.ReportOutcome outcome = c.transport().report(serverFor(s, o.server()), o.report());
        if (outcome instanceof BootstrapTransport.ReportOutcome.Delivered) {
          s.outbox.remove(0);
          s.delivered.add(o);
          s.notClaimedReportPolls = 0;
          changed = true;
          listener.notificationDelivered(o.report());
        } else if (outcome instanceof BootstrapTransport.ReportOutcome.Refused r) {
          log.warn("{} refused notification {} with HTTP {}{}", o.server(), o.report(), r.httpStatus(),
              r.serverMessage() == null ? "" : ": " + r.serverMessage());
          refused(s, o, r.httpStatus(), r.serverMessage());
          changed = true;
          if (r.endsOnboarding() && o.server().equals(s.provisioningServer) && s.abandonReason == null) {
            abandonAfterRefusal(s, o, r);
          }
        } else if (outcome instanceof BootstrapTransport.ReportOutcome.Withheld w) {
          // RFC 8572: progress is reported only to trusted servers. Not sent at all: not delivered either.
          log.warn("notification {} not sent to {}: {}", o.report(), o.server(), w.reason());
          refused(s, o, RefusedNotification.WITHHELD, w.reason());
          changed = true;
        } else if (outcome instanceof BootstrapTransport.ReportOutcome.NotClaimed n) {
          // SPEC 2.1: 404 means the serial is not claimed there; like a bootstrap request, keep it and poll again.
          s.notClaimedReportPolls++;
          changed = true;
          log.info("notification {} not claimed ({} time(s)): {}", id, s.notClaimedReportPolls, n.detail());
          return outcome;
        } else {
          BootstrapTransport.ReportOutcome.Retry r = (BootstrapTransport.ReportOutcome.Retry) outcome;
          log.debug("{} cannot take notifications now: {}", o.server(), r.reason());
          return outcome;
        }
      }
      return null;
    } finally {
      if (changed) {
        save(s);
      }
    }
  }

  /**
   * RFC 8572 section 5.6 (the transport says which refusals those are): {@code bootstrap-initiated} or {@code
   * bootstrap-complete} was not taken with 204, so the onboarding information of that server is not processed
   * any further. The reports of this attempt still queued for it are withdrawn (the device stopped what they
   * report on); the engine moves on at the next step boundary ({@link #abandonOnboarding}).
   */
  private void abandonAfterRefusal(EngineState s, EngineState.Outbound o, BootstrapTransport.ReportOutcome.Refused r) {
    String reason = o.server() + " refused report-progress '" + o.report().type().name() + "' with HTTP "
        + r.httpStatus() + (r.serverMessage() == null ? "" : " (" + r.serverMessage() + ")")
        + "; RFC 8572 section 5.6: its onboarding information is not processed any further";
    s.abandonReason = reason;
    log.warn("{}", reason);
    NotificationId refusedId = o.report().notificationId();
    for (java.util.Iterator<EngineState.Outbound> it = s.outbox.iterator(); it.hasNext(); ) {
      EngineState.Outbound later = it.next();
      NotificationId id = later.report().notificationId();
      boolean sameAttempt = refusedId == null || id == null || id.sequence() > refusedId.sequence();
      if (later.server().equals(o.server()) && sameAttempt) {
        it.remove();
        s.refused.add(new EngineState.Refused(later, RefusedNotification.WITHHELD,
            "not sent: " + o.report().type().name() + " was refused (RFC 8572 section 5.6)"));
        listener.notificationRefused(later.report(), RefusedNotification.WITHHELD,
            "not sent: " + o.report().type().name() + " was refused (RFC 8572 section 5.6)");
      }
    }
    listener.serverFailed(o.server(), new PhcProtocolException(reason, null, r.httpStatus(), null));
  }

  private void refused(EngineState s, EngineState.Outbound o, int status, @Nullable String reason) {
    s.outbox.remove(0);
    s.refused.add(new EngineState.Refused(o, status, reason));
    s.notClaimedReportPolls = 0;
    listener.notificationRefused(o.report(), status, reason);
  }

  /**
   * At the end: keep offering the queue, with backoff (and the server's {@code Retry-After}, capped at the retry
   * policy's largest delay), for at most the drain timeout (and not past {@code maxTotalTime}); a server that keeps answering 404 is polled as many
   * times as {@link RetryPolicy#notClaimedPolls()} allows. What is left stays queued in the saved state.
   */
  private void drainOutbox(EngineState s) throws InterruptedException {
    Instant until = c.clock().instant().plus(c.notificationDrainTimeout());
    if (c.maxTotalTime() != null && s.startedAt != null) {
      // The drain counts against the total time too (one pass is always made).
      Instant end = s.startedAt.plus(c.maxTotalTime());
      if (end.isBefore(until)) {
        until = end;
      }
    }
    for (int attempt = 1; ; attempt++) {
      BootstrapTransport.ReportOutcome stop = flush(s);
      if (stop == null) {
        return;
      }
      if (stop instanceof BootstrapTransport.ReportOutcome.Retry r && r.reason().endsWith("is not saved yet")) {
        if (!save(s)) {
          log.warn("{} notification(s) stay queued: the state cannot be saved now", s.outbox.size());
          return;
        }
        continue;
      }
      if (stop instanceof BootstrapTransport.ReportOutcome.NotClaimed
          && s.notClaimedReportPolls > c.retry().notClaimedPolls()) {
        log.warn("{} does not know this device (HTTP 404 {} times); {} notification(s) stay queued for the next run",
            s.outbox.get(0).server(), s.notClaimedReportPolls, s.outbox.size());
        return;
      }
      Instant now = c.clock().instant();
      if (!now.isBefore(until)) {
        log.warn("{} notification(s) not delivered yet; they stay queued for the next run", s.outbox.size());
        return;
      }
      Duration wait = c.retry().delay(attempt, c.random());
      if (stop instanceof BootstrapTransport.ReportOutcome.Retry r && r.retryAfter() != null) {
        Duration asked = r.retryAfter().compareTo(c.retry().maxDelay()) > 0 ? c.retry().maxDelay() : r.retryAfter();
        wait = wait.compareTo(asked) >= 0 ? wait : asked;
      }
      Duration left = Duration.between(now, until);
      c.sleeper().sleep(wait.compareTo(left) <= 0 ? wait : left);
    }
  }

  private Server serverFor(EngineState s, String url) {
    for (Server x : s.servers) {
      if (x.url().equals(url)) {
        return x;
      }
    }
    for (Server x : s.configuredServers) {
      if (x.url().equals(url)) {
        return x;
      }
    }
    return new Server(url, null);
  }

  // ------------------------------------------------------------------------------------------ helpers

  private EngineState fresh() {
    EngineState s = new EngineState();
    s.configuredServers = new ArrayList<>(c.servers());
    s.servers = new ArrayList<>(c.servers());
    s.startedAt = c.clock().instant();
    s.runId = newRunId(c.clock(), c.random());
    return s;
  }

  /**
   * Loads the saved state, waiting (bounded by the member-detection timeout) while the device cannot be
   * reached, for example because the VC is between primaries when the engine starts.
   */
  private @Nullable EngineState loadStateWhenReachable() throws InterruptedException {
    Instant deadline = c.clock().instant().plus(c.memberDetectionTimeout());
    while (true) {
      try {
        return loadState();
      } catch (PhcDeviceException e) {
        if (!e.sessionLost() || !c.clock().instant().isBefore(deadline)) {
          throw e;
        }
        log.info("the device does not answer yet ({}); trying again in {}", e.getMessage(), c.detectionPollInterval());
        c.sleeper().sleep(c.detectionPollInterval());
      }
    }
  }

  /**
   * Reads every stored copy and resumes from the newest that verifies (its generation counter is the highest).
   * A copy that does not verify is moved aside, never deleted, and reported once as {@code bootstrap-warning}
   * naming why; when no copy verifies, the process restarts from the beginning, a safe point: discovery compares
   * the members' versions with the image and skips what is done. Loading never refuses to start.
   *
   * @return null when nothing is stored at all
   */
  private @Nullable EngineState loadState() {
    List<StateStore.Copy> copies = c.stateStore().load();
    if (copies.isEmpty()) {
      return null;
    }
    EngineState best = null;
    StateStore.Copy bestCopy = null;
    List<String> warnings = new ArrayList<>();
    for (StateStore.Copy copy : copies) {
      EngineState decoded;
      try {
        StateEnvelope.Opened opened = StateEnvelope.open(copy.bytes());
        decoded = StateCodec.decode(opened.document());
        decoded.generation = opened.generation();
      } catch (StateEnvelope.CorruptStateException | PhcProtocolException e) {
        warnings.add(quarantine(copy, e.getMessage()));
        continue;
      }
      if (best == null || newer(decoded, best)) {
        if (best != null) {
          log.info("the state on {} (run {}, generation {}) is older than the one on {} (run {}, generation {});"
              + " the newer wins", bestCopy.location(), best.runId, best.generation, copy.location(), decoded.runId,
              decoded.generation);
        }
        best = decoded;
        bestCopy = copy;
      } else if (newer(best, decoded)) {
        log.info("the state on {} (run {}, generation {}) is older than the one on {} (run {}, generation {}); the"
            + " newer wins", copy.location(), decoded.runId, decoded.generation, bestCopy.location(), best.runId,
            best.generation);
      }
    }
    EngineState s;
    if (best == null) {
      s = fresh();
      s.restarted = true;
    } else {
      s = best;
      log.info("resuming from the state on {} (generation {})", bestCopy.location(), s.generation);
    }
    s.pendingWarnings.addAll(warnings);
    s.quarantined = !warnings.isEmpty();
    reportPendingWarnings(s);
    // Whatever was saved is durable: its notifications may go on the wire.
    durableSequence = s.nextSequence - 1;
    return s;
  }

  /**
   * Whether {@code a} is newer than {@code b}: within one run the higher generation; between two runs the one
   * started later. A run restarted from the beginning (its state was lost, or a power loss left it out of sight)
   * starts its generations again from 1, while a copy of the run it replaced may come back later on a member that
   * was absent, with a higher generation: the replaced run must not be resumed.
   */
  private static boolean newer(EngineState a, EngineState b) {
    if (!Objects.equals(a.runId, b.runId) && a.startedAt != null && b.startedAt != null
        && !a.startedAt.equals(b.startedAt)) {
      return a.startedAt.isAfter(b.startedAt);
    }
    return a.generation > b.generation;
  }

  /** Moves a copy that does not verify aside and says so (syslog and the bootstrap-warning text). */
  private String quarantine(StateStore.Copy copy, String reason) {
    String where;
    try {
      where = "moved aside to " + c.stateStore().moveAside(copy);
    } catch (PhcDeviceException e) {
      where = "could not be moved aside (" + e.getMessage() + ")";
    }
    String warning = "the saved phone-home state on " + copy.location() + " does not verify (" + reason + "); it was "
        + where;
    log.warn("{}", warning);
    try {
      device.syslog(SyslogSeverity.WARNING, "phone-home: " + warning);
    } catch (PhcDeviceException e) {
      log.debug("syslog failed: {}", e.getMessage());
    }
    return warning;
  }

  /** Queues the warnings about moved-aside state once a server is known to tell (they are saved until then). */
  private void reportPendingWarnings(EngineState s) {
    if (s.provisioningServer == null || s.pendingWarnings.isEmpty()) {
      return;
    }
    for (String w : s.pendingWarnings) {
      notify(s, ProgressReport.of(ProgressType.BOOTSTRAP_WARNING, w));
    }
    s.pendingWarnings.clear();
  }

  /**
   * Saves the state (best effort): sealed with the next generation, written to every copy.
   *
   * @return false when the device could not be reached (the state is saved again at the next boundary)
   */
  private boolean save(EngineState s) {
    long through = s.nextSequence - 1;
    s.generation++;
    try {
      c.stateStore().save(StateEnvelope.seal(s.generation, StateCodec.encode(s)));
      durableSequence = through;
      return true;
    } catch (PhcDeviceException e) {
      if (!e.sessionLost()) {
        throw e;
      }
      log.debug("state not saved while the device is unreachable: {}", e.getMessage());
      return false;
    }
  }

  /**
   * Saves the state and does not return before it is saved on every copy: called before anything that changes
   * the device, so that a crash after it resumes from a state that knows what was about to happen. While the
   * device cannot be reached it tries again every detection poll interval, for at most the member-detection
   * timeout.
   *
   * @throws PhcDeviceException when the state could not be saved within that time
   */
  private void checkpoint(EngineState s) throws InterruptedException {
    Instant deadline = c.clock().instant().plus(c.memberDetectionTimeout());
    while (!save(s)) {
      if (!c.clock().instant().isBefore(deadline)) {
        throw new PhcDeviceException("persist-state", null, "the phone-home state could not be saved on the primary"
            + " and backup within " + c.memberDetectionTimeout() + "; nothing more is done to the device until it can",
            true, null);
      }
      checkDeadline(s);
      c.sleeper().sleep(c.detectionPollInterval());
    }
  }

  private BootstrapRequest bootstrapRequest() {
    DeviceInfo info = device.deviceInfo();
    String serial = c.serialNumber() != null ? c.serialNumber() : info.serialNumber();
    Bytes nonce = null;
    if (c.signedDataPreferred()) {
      byte[] n = new byte[16];
      c.random().nextBytes(n);
      nonce = Bytes.of(n);
    }
    return new BootstrapRequest(serial, info.hwModel(), info.osName(), info.osVersion(), nonce, c.signedDataPreferred());
  }

  private void checkDeadline(EngineState s) {
    if (c.maxTotalTime() != null && s.startedAt != null
        && !c.clock().instant().isBefore(s.startedAt.plus(c.maxTotalTime()))) {
      throw terminal(s, "gave up after the configured total time of " + c.maxTotalTime());
    }
  }

  private BootstrapFailedException terminal(EngineState s, String reason) {
    if (s.provisioningServer != null && !s.lastErrors.containsKey(s.provisioningServer)) {
      // The server answered; the bound was reached while provisioning from it: say where.
      s.lastErrors.put(s.provisioningServer, "no error from the server; the process was at step " + s.step
          + (s.lastDeviceProblem == null ? "" : " (last problem: " + s.lastDeviceProblem + ")"));
    }
    BootstrapFailedException e = new BootstrapFailedException(reason, s.lastErrors);
    // A later run starts afresh (like a device that reboots), keeping undelivered notifications.
    EngineState next = fresh();
    next.generation = s.generation; // newer than every copy of s, so no copy of s can win over it
    next.runId = s.runId; // the same bootstrap run: ids go on from where they were, never renumbered
    next.nextSequence = s.nextSequence;
    next.outbox.addAll(s.outbox);
    next.delivered.addAll(s.delivered);
    next.refused.addAll(s.refused);
    save(next);
    return e;
  }

  private void serverFailed(EngineState s, Server server, PhcException e) {
    log.info("bootstrap server {} failed: {}", server.url(), e.getMessage());
    s.lastErrors.put(server.url(), e.getClass().getSimpleName() + ": " + e.getMessage());
    listener.serverFailed(server.url(), e);
  }

  private List<VcMember> members() {
    return new ArrayList<>(device.members());
  }

  private static Map<Integer, VcMember> byId(List<VcMember> members) {
    Map<Integer, VcMember> out = new TreeMap<>();
    members.forEach(m -> out.put(m.memberId(), m));
    return out;
  }

  private static List<String> missing(Set<String> expected, List<VcMember> found) {
    List<String> missing = new ArrayList<>();
    for (String serial : expected) {
      boolean present = found.stream().anyMatch(m -> m.isPresent() && m.serialNumber().equals(serial));
      if (!present) {
        missing.add(serial);
      }
    }
    missing.sort(null);
    return missing;
  }

  /**
   * Default mode: wait, up to the member-detection timeout, for the members the VC lists as not present that would
   * be provisioned (a member still booting when the process starts). {@code found} is refreshed in place.
   */
  private void awaitListedMembers(EngineState s, List<VcMember> found, Predicate<VcMember> wanted)
      throws InterruptedException {
    Instant deadline = c.clock().instant().plus(c.memberDetectionTimeout());
    List<Integer> absent = absentMembers(found, wanted);
    while (!absent.isEmpty() && c.clock().instant().isBefore(deadline)) {
      log.info("members {} are listed by the Virtual Chassis but not present; waiting for them up to {}", absent,
          deadline);
      s.lastDeviceProblem = "members " + absent + " not present";
      checkDeadline(s);
      c.sleeper().sleep(c.detectionPollInterval());
      List<VcMember> now = members();
      found.clear();
      found.addAll(now);
      absent = absentMembers(found, wanted);
    }
  }

  private static List<Integer> absentMembers(List<VcMember> found, Predicate<VcMember> wanted) {
    return found.stream().filter(m -> !m.isPresent() && wanted.test(m)).map(VcMember::memberId).sorted().toList();
  }

  private static String describe(List<VcMember> members) {
    List<String> out = new ArrayList<>();
    members.stream().sorted((a, b) -> Integer.compare(a.memberId(), b.memberId()))
        .forEach(m -> out.add("member " + m.memberId() + " (serial " + m.serialNumber() + ")"));
    return String.join(", ", out);
  }

  /** Table 1, full information: report members the PHS expects that are absent, and members it does not know. */
  private void reportDifference(EngineState s, VirtualChassisTopology topology, List<VcMember> found) {
    Set<String> expected = new HashSet<>();
    topology.members().forEach(m -> expected.add(m.serialNumber()));
    List<String> missing = missing(expected, found);
    List<String> extra = new ArrayList<>();
    for (VcMember m : found) {
      if (m.isPresent() && !expected.contains(m.serialNumber())) {
        extra.add("member " + m.memberId() + " (serial " + m.serialNumber() + ")");
      }
    }
    if (missing.isEmpty() && extra.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder("the Virtual Chassis differs from the phone-home server's member list:");
    if (!missing.isEmpty()) {
      sb.append(" missing ").append(String.join(", ", missing)).append(';');
    }
    if (!extra.isEmpty()) {
      sb.append(" not listed ").append(String.join(", ", extra)).append(';');
    }
    sb.setLength(sb.length() - 1);
    notify(s, ProgressReport.of(ProgressType.BOOTSTRAP_WARNING, sb.toString()));
  }

  private static List<PlannedMember> linecards(EngineState s) {
    return byRole(s, MemberRole.LINECARD);
  }

  private static List<PlannedMember> byRole(EngineState s, MemberRole role) {
    List<PlannedMember> out = new ArrayList<>();
    for (PlannedMember m : s.members) {
      if (m.initialRole == role) {
        out.add(m);
      }
    }
    out.sort((a, b) -> Integer.compare(a.memberId, b.memberId));
    return out;
  }

  private MemberRef ref(PlannedMember m) {
    // Notifications carry the member's current role; fall back to its role at discovery when it is down.
    try {
      for (VcMember v : device.members()) {
        if (v.memberId() == m.memberId && v.role() != null) {
          return new MemberRef(m.memberId, m.serialNumber, v.role());
        }
      }
    } catch (PhcDeviceException e) {
      log.debug("members unavailable for a notification: {}", e.getMessage());
    }
    return new MemberRef(m.memberId, m.serialNumber, m.initialRole);
  }

  private static boolean strict(EngineState s) {
    return s.onboarding != null && s.onboarding.topology().mode() == ProvisioningMode.STRICT;
  }

  private static boolean vc(EngineState s) {
    return s.onboarding != null && s.onboarding.topology().isVirtualChassis();
  }

  /** The version a boot image installs: os-version, else read from a Junos-style file name. */
  static @Nullable String targetVersion(BootImage image) {
    if (image.osVersion() != null && !image.osVersion().isBlank()) {
      return image.osVersion();
    }
    Matcher m = JUNOS_VERSION.matcher(image.fileName());
    return m.find() ? m.group(1) : null;
  }

  static String urlOf(BootstrapServer b) {
    // The codecs refuse an address with a scheme (inet:host): a redirect never downgrades to plain HTTP.
    String host = b.address();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "https://" + host + (b.effectivePort() == 443 ? "" : ":" + b.effectivePort());
  }

  private static String describe(OnboardingInformation info) {
    BootImage image = info.bootImage();
    VirtualChassisTopology t = info.topology();
    return "image " + (image == null ? "none" : image.fileName())
        + ", topology " + t.kind().name().toLowerCase(java.util.Locale.ROOT)
        + (t.kind() == TopologyKind.NONE ? "" : " (" + t.mode().yangName() + ", " + t.members().size() + " members)")
        + ", configuration " + (info.configuration() == null ? "none" : info.configurationHandling().yangName())
        + ", " + info.preConfigurationScripts().size() + " pre / " + info.postConfigurationScripts().size()
        + " post scripts";
  }

  private static String phaseName(ScriptPhase phase) {
    return phase == ScriptPhase.PRE_CONFIGURATION ? "pre-configuration" : "post-configuration";
  }

  private static String abbreviate(String s) {
    String t = s.strip();
    return t.length() <= 200 ? t : t.substring(0, 197) + "...";
  }

  private PhoneHomeResult result(EngineState s, boolean alreadyCompleted) {
    List<MemberOutcome> members = new ArrayList<>();
    for (PlannedMember m : s.members) {
      members.add(new MemberOutcome(m.memberId, m.serialNumber, m.initialRole, switch (m.progress) {
        case NOT_REQUIRED -> MemberOutcome.Status.NOT_REQUIRED;
        case UPGRADED -> MemberOutcome.Status.UPGRADED;
        case INSTALL_FAILED -> MemberOutcome.Status.INSTALL_FAILED;
        case UPGRADE_FAILED -> MemberOutcome.Status.UPGRADE_FAILED;
        case DETECTION_FAILED -> MemberOutcome.Status.DETECTION_FAILED;
        case NOT_PRESENT -> MemberOutcome.Status.NOT_PRESENT;
        case PENDING, INSTALLED, REBOOTING -> MemberOutcome.Status.NOT_DONE;
      }));
    }
    List<ProgressReport> delivered = s.delivered.stream().map(EngineState.Outbound::report).toList();
    List<RefusedNotification> refused = s.refused.stream().map(r -> new RefusedNotification(
        r.notification().report(), r.notification().server(), r.httpStatus(), r.reason())).toList();
    List<ProgressReport> queued = s.outbox.stream().map(EngineState.Outbound::report).toList();
    return new PhoneHomeResult(alreadyCompleted, s.provisioningServer, members, s.serversTried, delivered, refused,
        queued, s.lastErrors);
  }
}
