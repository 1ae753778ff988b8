package dev.phonehome.phc.testkit.vc;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.device.DeviceInfo;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageFetch;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.device.ImageUpload;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.device.ScriptResult;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.device.StartConditions;
import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.SshHostKey;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * A {@link DeviceOperations} over a {@link VirtualChassisModel}, for tests: give it to a {@code PhoneHomeClient}
 * and assert on {@link #calls()} (every SPI call, in order) and on the model (roles, versions, operation log).
 *
 * <pre>{@code
 * VirtualClock clock = new VirtualClock();
 * VirtualChassisModel vc = VirtualChassisModel.builder().clock(clock)
 *     .member(0, "PE0", "ex4300-48p", "21.4R1.12")
 *     .member(1, "PE1", "ex4300-48p", "21.4R1.12")
 *     .build();
 * FakeVirtualChassis device = FakeVirtualChassis.of(vc);
 * }</pre>
 *
 * <p>By default the engine is an agent off the box: rebooting the primary ends nothing, the next call talks to
 * the new primary. With {@link Builder#engineOnPrimary(boolean)} the engine runs on the primary: rebooting it
 * throws {@link SimulatedCrash} once the reboot is initiated, as the process dies with the primary; a test then
 * builds a new client "on the new primary", which resumes from the state the old one persisted.
 */
public final class FakeVirtualChassis implements DeviceOperations {
  private final VirtualChassisModel model;
  private final ImageStaging staging;
  private final boolean engineOnPrimary;
  private final String imageDirectory;
  private final String osName;
  private final boolean recordCalls;
  private final List<VcOperation> calls = new ArrayList<>();
  private final List<SshHostKey> sshHostKeys;
  private final List<Bytes> trustAnchorCerts;

  private FakeVirtualChassis(Builder b) {
    this.model = b.model;
    this.staging = b.staging;
    this.engineOnPrimary = b.engineOnPrimary;
    this.imageDirectory = b.imageDirectory;
    this.osName = b.osName;
    this.sshHostKeys = List.copyOf(b.sshHostKeys);
    this.trustAnchorCerts = List.copyOf(b.trustAnchorCerts);
    this.recordCalls = b.recordCalls;
  }

  /** An agent-pushes fake, engine off the box. */
  public static FakeVirtualChassis of(VirtualChassisModel model) {
    return builder(model).build();
  }

  public static Builder builder(VirtualChassisModel model) {
    return new Builder(model);
  }

  /** The chassis behind this fake. */
  public VirtualChassisModel model() {
    return model;
  }

  /** Every SPI call so far, in order. */
  public synchronized List<VcOperation> calls() {
    return List.copyOf(calls);
  }

  /** {@link #calls()} as {@code name detail} strings, filtered by name (all if none given). */
  public synchronized List<String> callSummaries(String... names) {
    List<String> wanted = List.of(names);
    List<String> out = new ArrayList<>();
    for (VcOperation op : calls) {
      if (wanted.isEmpty() || wanted.contains(op.name())) {
        out.add(op.summary());
      }
    }
    return out;
  }

  private synchronized void record(String name, String detail) {
    if (!recordCalls) {
      return;
    }
    calls.add(new VcOperation(model.clock().instant(), name, detail));
  }

  private VcMember primary() {
    for (VcMember m : model.members()) {
      if (m.isPresent() && m.role() == MemberRole.PRIMARY) {
        return m;
      }
    }
    throw new PhcDeviceException("connect", null, "no primary answers: the Virtual Chassis is rebooting", true, null);
  }

  @Override
  public DeviceInfo deviceInfo() {
    record("device-info", "");
    VcMember p = primary();
    return new DeviceInfo(p.serialNumber(), p.model(), osName, p.version());
  }

  @Override
  public List<VcMember> members() {
    record("members", "");
    primary();
    return model.members();
  }

  @Override
  public ImageStaging imageStaging() {
    return staging;
  }

  @Override
  public StagedImage fetchImage(ImageFetch fetch) {
    record("fetch-image", "uri=" + fetch.sourceUri());
    primary();
    String path = imageDirectory + fetch.fileName();
    VirtualChassisModel.StoredFile f = model.fetchFile(fetch.sourceUri(), path);
    for (ImageVerification v : fetch.verifications()) {
      Bytes actual = f.digest(v.algorithm());
      if (!actual.equals(v.value())) {
        model.deleteFile(path);
        throw new PhcDeviceException("fetch-image", null, "checksum mismatch for " + path + ": "
            + v.algorithm().jcaName() + " expected " + v.value().hex() + ", was " + actual.hex() + " (file deleted)");
      }
    }
    return new StagedImage(path, f.size());
  }

  @Override
  public ImageUpload beginImageUpload(String fileName) {
    record("begin-image-upload", "file=" + fileName);
    primary();
    String path = imageDirectory + fileName;
    VirtualChassisModel.FileWriter writer = model.openFile(path);
    return new ImageUpload() {
      private boolean finished;

      @Override
      public OutputStream stream() {
        return writer;
      }

      @Override
      public StagedImage complete() {
        if (finished) {
          throw new IllegalStateException("upload of " + path + " already finished");
        }
        finished = true;
        VirtualChassisModel.StoredFile f = writer.commit();
        record("image-upload-complete", "path=" + path + " bytes=" + f.size());
        return new StagedImage(path, f.size());
      }

      @Override
      public void abort() {
        if (!finished) {
          finished = true;
          writer.discard();
          record("image-upload-abort", "path=" + path);
        }
      }

      @Override
      public void close() {
        abort();
      }
    };
  }

  @Override
  public void installImage(int memberId, StagedImage image) {
    record("install-image", "member=" + memberId);
    primary();
    model.installImage(memberId, image.path());
  }

  @Override
  public void reboot(Collection<Integer> memberIds) {
    List<Integer> ids = new ArrayList<>(new TreeSet<>(memberIds));
    record("reboot", "members=" + ids);
    int primary = primary().memberId();
    model.reboot(ids);
    if (engineOnPrimary && ids.contains(primary)) {
      throw new SimulatedCrash("the primary (member " + primary + ") rebooted and took the phone-home process with it");
    }
  }

  @Override
  public void pinRoles(int primaryMemberId, int backupMemberId) {
    record("pin-roles", "primary=" + primaryMemberId + " backup=" + backupMemberId);
    primary();
    model.pinRoles(primaryMemberId, backupMemberId, StartConditions.PHONE_HOME_COMMIT_COMMENT);
  }

  @Override
  public void unpinRoles() {
    record("unpin-roles", "");
    primary();
    model.unpinRoles(StartConditions.PHONE_HOME_COMMIT_COMMENT);
  }

  @Override
  public void loadConfiguration(Bytes configuration, ConfigurationHandling handling) {
    record("load-configuration", "handling=" + handling.yangName());
    primary();
    model.loadConfiguration(configuration, handling);
  }

  @Override
  public void commitConfiguration() {
    record("commit", "");
    primary();
    model.commitConfiguration(StartConditions.PHONE_HOME_COMMIT_COMMENT);
  }

  @Override
  public ScriptResult runScript(ScriptPhase phase, Bytes script) {
    record("run-script", "phase=" + phase);
    primary();
    return model.runScript(phase, script);
  }

  @Override
  public void syslog(SyslogSeverity severity, String message) {
    record("syslog", severity + " " + message);
    model.syslog(severity, message);
  }

  /**
   * Writes {@code /var/tmp/phc-state.new} on the member, then renames it over {@code /var/tmp/phc-state}: the
   * model's small-file writes are not atomic (crash point {@code write-member-file} leaves half a file), so only
   * the rename makes the new state visible.
   */
  @Override
  public void persistState(int memberId, Bytes state) {
    record("persist-state", "member=" + memberId);
    primary();
    String next = VirtualChassisModel.STATE_PATH + ".new";
    model.writeMemberFile(memberId, next, state);
    model.renameMemberFile(memberId, next, VirtualChassisModel.STATE_PATH);
    model.statePersisted();
  }

  @Override
  public Optional<Bytes> loadState() {
    record("load-state", "");
    return model.loadState();
  }

  @Override
  public Optional<Bytes> loadState(int memberId) {
    record("load-state", "member=" + memberId);
    primary();
    return model.loadState(memberId);
  }

  @Override
  public String moveStateAside(int memberId) {
    record("move-state-aside", "member=" + memberId);
    primary();
    return model.moveStateAside(memberId);
  }

  @Override
  public void clearState() {
    record("clear-state", "");
    model.clearState();
  }

  @Override
  public StartConditions startConditions() {
    record("start-conditions", "");
    primary();
    List<VcOperation> commits = model.configurationCommitsSinceZeroize();
    String note = commits.isEmpty() ? null : commits.size() + " configuration commit(s) since the factory default;"
        + " the last: " + commits.get(commits.size() - 1).summary() + " at " + commits.get(commits.size() - 1).at();
    return new StartConditions(commits.isEmpty(), note, model.mixedMode(), model.vcpLinks(),
        model.commitsSinceZeroizeAllCommented(StartConditions.PHONE_HOME_COMMIT_COMMENT));
  }

  @Override
  public List<SshHostKey> sshHostKeys() {
    record("ssh-host-keys", "");
    return sshHostKeys;
  }

  @Override
  public List<Bytes> trustAnchorCerts() {
    record("trust-anchor-certs", "");
    return trustAnchorCerts;
  }

  /**
   * The full topology (SPEC section 3) a phone-home server would send for this Virtual Chassis as built: every
   * member of the model, cabled or not, with its serial number, member id, model and role (primary and backup
   * as routing engines, the rest as line cards), in {@code mode}.
   */
  public VirtualChassisTopology intendedTopology(ProvisioningMode mode) {
    return model.intendedTopology(mode);
  }

  /** The current primary's member id, if any. */
  public OptionalInt primaryMemberId() {
    return model.primaryMemberId();
  }

  /** Builds a {@link FakeVirtualChassis}. */
  public static final class Builder {
    private final VirtualChassisModel model;
    private ImageStaging staging = ImageStaging.AGENT_PUSHES;
    private boolean engineOnPrimary;
    private String imageDirectory = "/var/tmp/";
    private String osName = "junos";
    private final List<SshHostKey> sshHostKeys = new ArrayList<>();
    private final List<Bytes> trustAnchorCerts = new ArrayList<>();
    private boolean recordCalls = true;

    private Builder(VirtualChassisModel model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * Who fetches the image (default {@link ImageStaging#AGENT_PUSHES}: the client under test downloads it and
     * pushes it here; with {@code FakePhoneHomeServer.bootImage(version)} the fake server serves it). With
     * {@link ImageStaging#DEVICE_FETCHES} the model downloads it through its {@code imageSource} (for the fake
     * server's images: {@code FakePhoneHomeServer.imageSource()}).
     */
    public Builder imageStaging(ImageStaging staging) {
      this.staging = Objects.requireNonNull(staging, "staging");
      return this;
    }

    /** True when the engine runs on the primary and dies with its reboot (default false: an agent). */
    public Builder engineOnPrimary(boolean onPrimary) {
      this.engineOnPrimary = onPrimary;
      return this;
    }

    public Builder imageDirectory(String directory) {
      this.imageDirectory = directory.endsWith("/") ? directory : directory + "/";
      return this;
    }

    public Builder osName(String osName) {
      this.osName = Objects.requireNonNull(osName, "osName");
      return this;
    }

    /** An SSH host key the device reports for RFC 8572 {@code bootstrap-complete} (none by default). */
    public Builder addSshHostKey(SshHostKey key) {
      this.sshHostKeys.add(Objects.requireNonNull(key, "key"));
      return this;
    }

    /** A trust anchor (CMS degenerate SignedData) the device reports for {@code bootstrap-complete} (none by default). */
    public Builder addTrustAnchorCert(Bytes cms) {
      this.trustAnchorCerts.add(Objects.requireNonNull(cms, "cms"));
      return this;
    }

    /**
     * Whether {@link #calls()} records every SPI call (default true). A load test that simulates thousands of
     * VCs at once turns it off so that a VC's memory does not grow with every call.
     */
    public Builder recordCalls(boolean record) {
      this.recordCalls = record;
      return this;
    }

    public FakeVirtualChassis build() {
      return new FakeVirtualChassis(this);
    }
  }
}
