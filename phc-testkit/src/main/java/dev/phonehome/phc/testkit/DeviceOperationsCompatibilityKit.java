package dev.phonehome.phc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.MemberStatus;
import dev.phonehome.phc.api.model.SshHostKey;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link DeviceOperations} binding must show. Subclass it, bind your
 * {@code DeviceOperations} to the {@link VirtualChassisModel} the kit builds for each test (in memory like
 * {@code FakeVirtualChassis}, or over a wire, like {@code JunosDeviceOperations} against the
 * {@code SimulatedJunosDevice}), and run it: the kit drives the binding and checks the model.
 *
 * <p>Image tests follow the binding's {@link ImageStaging}: a binding that can do both should run the kit once
 * per staging (nothing is skipped either way).
 *
 * <p>The VC of every test: four EX4300 members 0 to 3 on {@link #OLD_VERSION}, the primary at member 2 (not 0)
 * and the backup at member 3; reboots take {@link #REBOOT_TIME} of virtual time on a {@link VirtualClock}; an
 * image {@link #IMAGE_NAME} at {@link #IMAGE_URI} installs {@link #NEW_VERSION}.
 */
public abstract class DeviceOperationsCompatibilityKit {
  public static final String OLD_VERSION = "20.4R3.8";
  public static final String NEW_VERSION = "21.4R3.15";
  public static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  public static final String IMAGE_URI = "http://images.example.test/" + IMAGE_NAME;
  public static final Duration REBOOT_TIME = Duration.ofMinutes(3);
  public static final List<String> SERIALS = List.of("PE3714100218", "PE3714100301", "PE3714100477", "PE3714100592");

  private static final byte[] IMAGE = imageBytes();

  protected VirtualClock clock;
  protected VirtualChassisModel model;
  protected DeviceOperations ops;

  /** Binds the {@code DeviceOperations} under test to this test's model. */
  protected abstract DeviceOperations bind(VirtualChassisModel model, VirtualClock clock) throws Exception;

  /** Releases the binding (default: closes it when it is {@link AutoCloseable}). */
  protected void release(DeviceOperations operations) throws Exception {
    if (operations instanceof AutoCloseable c) {
      c.close();
    }
  }

  @BeforeEach
  public void buildVirtualChassis() throws Exception {
    clock = new VirtualClock();
    VirtualChassisModel.Builder b = VirtualChassisModel.builder().clock(clock).rebootTime(REBOOT_TIME);
    for (int i = 0; i < SERIALS.size(); i++) {
      b.member(i, SERIALS.get(i), "ex4300-48p", OLD_VERSION);
    }
    model = b.primary(2).backup(3)
        .image(IMAGE_NAME, NEW_VERSION, Bytes.of(digest(HashAlgorithm.SHA_256, IMAGE)))
        .imageSource(uri -> {
          if (!uri.equals(IMAGE_URI)) {
            throw new IOException("404 Not Found: " + uri);
          }
          return new ByteArrayInputStream(IMAGE);
        })
        .build();
    ops = bind(model, clock);
  }

  @AfterEach
  public void releaseBinding() throws Exception {
    if (ops != null) {
      release(ops);
    }
  }

  // ---------------------------------------------------------------- facts

  @Test
  @Timeout(60)
  public void membersReportsEveryMemberWithRoleModelAndVersionAndThePrimaryIsNotMemberZero() {
    List<VcMember> members = ops.members();
    assertEquals(List.of(
        new VcMember(0, SERIALS.get(0), "ex4300-48p", MemberRole.LINECARD, MemberStatus.PRESENT, OLD_VERSION),
        new VcMember(1, SERIALS.get(1), "ex4300-48p", MemberRole.LINECARD, MemberStatus.PRESENT, OLD_VERSION),
        new VcMember(2, SERIALS.get(2), "ex4300-48p", MemberRole.PRIMARY, MemberStatus.PRESENT, OLD_VERSION),
        new VcMember(3, SERIALS.get(3), "ex4300-48p", MemberRole.BACKUP, MemberStatus.PRESENT, OLD_VERSION)),
        members);
  }

  @Test
  @Timeout(60)
  public void deviceInfoIsThePrimarysSerialModelAndVersion() {
    DeviceInfo info = ops.deviceInfo();
    assertEquals(SERIALS.get(2), info.serialNumber());
    assertEquals("ex4300-48p", info.hwModel());
    assertEquals(OLD_VERSION, info.osVersion());
    assertNotNull(info.osName());
  }

  @Test
  @Timeout(60)
  public void aRebootingLinecardIsNotPresentUntilItComesBack() {
    ops.reboot(List.of(0));
    VcMember down = member(ops.members(), 0);
    assertEquals(MemberStatus.NOT_PRESENT, down.status());
    assertNull(down.role());
    clock.advance(REBOOT_TIME.plusSeconds(1));
    VcMember up = member(ops.members(), 0);
    assertEquals(MemberStatus.PRESENT, up.status());
    assertEquals(MemberRole.LINECARD, up.role());
  }

  // ---------------------------------------------------------------- images

  @Test
  @Timeout(60)
  public void aStagedImageInstallsOnOneMemberAndRunsAfterItsReboot() {
    StagedImage image = stage();
    ops.installImage(1, image);
    assertEquals(Optional.of(NEW_VERSION), model.stagedVersion(1));
    assertEquals(Optional.empty(), model.stagedVersion(0));
    ops.reboot(List.of(1));
    clock.advance(REBOOT_TIME.plusSeconds(1));
    assertEquals(NEW_VERSION, member(ops.members(), 1).version());
    assertEquals(OLD_VERSION, member(ops.members(), 0).version());
  }

  @Test
  @Timeout(60)
  public void theStagedImageIsTheImageByteForByte() {
    StagedImage image = stage();
    VirtualChassisModel.StoredFile f = model.file(image.path())
        .orElseThrow(() -> new AssertionError("no file at " + image.path() + " on the device: " + model.files()));
    assertEquals(IMAGE.length, f.size());
    assertEquals(Bytes.of(digest(HashAlgorithm.SHA_256, IMAGE)), f.digest(HashAlgorithm.SHA_256));
  }

  /**
   * DEVICE_FETCHES: a digest that does not match fails the fetch and the file is deleted. AGENT_PUSHES: the
   * engine aborts an upload whose digest did not match while the bytes flowed; nothing of it stays.
   */
  @Test
  @Timeout(60)
  public void anImageWithAWrongDigestIsNotKept() throws IOException {
    if (ops.imageStaging() == ImageStaging.DEVICE_FETCHES) {
      byte[] wrong = digest(HashAlgorithm.SHA_256, "something else".getBytes(StandardCharsets.UTF_8));
      ImageFetch fetch = new ImageFetch(IMAGE_URI, IMAGE_NAME,
          List.of(new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(wrong))), Duration.ofMinutes(5));
      PhcDeviceException e = assertThrows(PhcDeviceException.class, () -> ops.fetchImage(fetch));
      assertTrue(e.getMessage().contains(Bytes.of(wrong).hex()), e.getMessage());
    } else {
      try (ImageUpload upload = ops.beginImageUpload(IMAGE_NAME)) {
        upload.stream().write(IMAGE);
        upload.stream().flush();
        upload.abort();
      }
    }
    assertTrue(model.files().stream().noneMatch(f -> f.path().contains(IMAGE_NAME)),
        "nothing of the image is kept: " + model.files());
  }

  /**
   * DEVICE_FETCHES: a download that breaks off is a device exception and the next attempt works. AGENT_PUSHES:
   * an upload abandoned half-way leaves nothing, and a new one stages the whole image.
   */
  @Test
  @Timeout(60)
  public void aStagingThatBreaksOffLeavesNothingAndTheNextAttemptWorks() throws IOException {
    if (ops.imageStaging() == ImageStaging.DEVICE_FETCHES) {
      model.inject(new VcFault.DownloadFails(1));
      assertThrows(PhcDeviceException.class, () -> ops.fetchImage(fetchRequest()));
      assertNotNull(ops.fetchImage(fetchRequest()).path());
    } else {
      try (ImageUpload upload = ops.beginImageUpload(IMAGE_NAME)) {
        upload.stream().write(IMAGE, 0, IMAGE.length / 2);
      } // closed without complete(): aborted
      assertTrue(model.files().stream().noneMatch(f -> f.path().contains(IMAGE_NAME)),
          "nothing of the abandoned upload is kept: " + model.files());
      StagedImage staged = stage();
      assertEquals(Optional.of((long) IMAGE.length), model.file(staged.path()).map(VirtualChassisModel.StoredFile::size));
    }
  }

  @Test
  @Timeout(60)
  public void aFailedInstallIsADeviceExceptionNamingTheMember() {
    StagedImage image = stage();
    model.inject(new VcFault.InstallFails(0, 1));
    PhcDeviceException e = assertThrows(PhcDeviceException.class, () -> ops.installImage(0, image));
    assertEquals(Integer.valueOf(0), e.memberId());
    assertEquals(Optional.empty(), model.stagedVersion(0));
    ops.installImage(0, image);
    assertEquals(Optional.of(NEW_VERSION), model.stagedVersion(0));
  }

  // ---------------------------------------------------------------- reboots and roles

  @Test
  @Timeout(60)
  public void severalMembersRebootTogether() {
    ops.reboot(List.of(0, 1));
    List<VcMember> members = ops.members();
    assertFalse(member(members, 0).isPresent());
    assertFalse(member(members, 1).isPresent());
    assertTrue(member(members, 2).isPresent());
    clock.advance(REBOOT_TIME.plusSeconds(1));
    assertTrue(ops.members().stream().allMatch(VcMember::isPresent));
  }

  @Test
  @Timeout(60)
  public void rebootingThePrimaryMovesThePrimaryRoleToTheBackupAndTheBindingFollows() {
    try {
      ops.reboot(List.of(2));
    } catch (PhcDeviceException e) {
      assertTrue(e.sessionLost(), "only a lost session may interrupt the primary's reboot: " + e.getMessage());
    }
    List<VcMember> members = ops.members();
    assertEquals(MemberRole.PRIMARY, member(members, 3).role());
    assertFalse(member(members, 2).isPresent());
    assertEquals(SERIALS.get(3), ops.deviceInfo().serialNumber());
    clock.advance(REBOOT_TIME.plusMinutes(1));
    VcMember back = member(ops.members(), 2);
    assertTrue(back.isPresent());
    assertTrue(back.role() == MemberRole.BACKUP || back.role() == MemberRole.LINECARD, "rejoins, not as primary");
  }

  @Test
  @Timeout(60)
  public void rolesArePinnedAndUnpinned() {
    ops.pinRoles(2, 3);
    assertEquals(Optional.of(new VirtualChassisModel.Pins(2, 3)), model.pins());
    ops.unpinRoles();
    assertEquals(Optional.empty(), model.pins());
    ops.unpinRoles(); // a no-op when nothing is pinned
    assertEquals(Optional.empty(), model.pins());
  }

  // ---------------------------------------------------------------- configuration

  @Test
  @Timeout(60)
  public void configurationIsLoadedThenCommitted() {
    ops.loadConfiguration(Bytes.utf8("<configuration><system><host-name>sw1</host-name></system></configuration>"),
        ConfigurationHandling.MERGE);
    assertTrue(model.committedConfiguration().isEmpty(), "not committed before commit");
    ops.commitConfiguration();
    assertEquals(1, model.commitCount());
    assertEquals(1, model.committedConfiguration().size());
    assertTrue(model.committedConfiguration().get(0).utf8().contains("<host-name>sw1</host-name>"),
        model.committedConfiguration().get(0).utf8());
    assertEquals(ConfigurationHandling.MERGE, model.lastConfigurationHandling());
  }

  @Test
  @Timeout(60)
  public void replaceHandlingReachesTheDevice() {
    ops.loadConfiguration(Bytes.utf8("<configuration><system><host-name>a</host-name></system></configuration>"),
        ConfigurationHandling.REPLACE);
    assertEquals(ConfigurationHandling.REPLACE, model.lastConfigurationHandling());
  }

  @Test
  @Timeout(60)
  public void aFailedCommitIsADeviceException() {
    ops.loadConfiguration(Bytes.utf8("<configuration><system><host-name>sw1</host-name></system></configuration>"),
        ConfigurationHandling.MERGE);
    model.inject(new VcFault.CommitFails(1));
    assertThrows(PhcDeviceException.class, () -> ops.commitConfiguration());
    assertEquals(0, model.commitCount());
  }

  // ---------------------------------------------------------------- scripts, syslog, state

  @Test
  @Timeout(60)
  public void aScriptRunsAndItsExitStatusAndOutputComeBack() {
    model.scriptRunner((phase, script) -> new ScriptResult(script.utf8().contains("exit 3") ? 3 : 0, "ran " + phase));
    Bytes script = Bytes.utf8("#!/bin/sh\necho hi\nexit 3\n");
    ScriptResult r = ops.runScript(ScriptPhase.PRE_CONFIGURATION, script);
    assertEquals(3, r.exitStatus());
    assertTrue(r.output().contains("ran PRE_CONFIGURATION"), r.output());
    assertEquals(1, model.scriptRuns().size());
    assertEquals(script, model.scriptRuns().get(0).script());
    assertEquals(ScriptPhase.PRE_CONFIGURATION, model.scriptRuns().get(0).phase());
    assertEquals(0, ops.runScript(ScriptPhase.POST_CONFIGURATION, Bytes.utf8("echo ok\n")).exitStatus());
    assertEquals(ScriptPhase.POST_CONFIGURATION, model.scriptRuns().get(1).phase());
  }

  @Test
  @Timeout(60)
  public void aSyslogLineReachesTheDeviceVerbatim() {
    String message = "member 1 (serial PE3714100301, role linecard): it's \"upgraded\" $HOME `x`";
    ops.syslog(SyslogSeverity.NOTICE, message);
    assertEquals(1, model.syslog().size());
    assertEquals(SyslogSeverity.NOTICE, model.syslog().get(0).severity());
    assertEquals(message, model.syslog().get(0).message());
  }

  @Test
  @Timeout(60)
  public void stateStoredOnTheBackupIsLoadedFromTheNewPrimaryAfterThePrimaryReboots() {
    assertEquals(Optional.empty(), ops.loadState());
    Bytes state = Bytes.of(new byte[] {0, 1, 2, (byte) 0xff, '<', '&'});
    ops.persistState(3, state);
    assertEquals(Optional.of(state), model.storedState(3));
    try {
      ops.reboot(List.of(2));
    } catch (PhcDeviceException e) {
      assertTrue(e.sessionLost(), e.getMessage());
    }
    assertEquals(Optional.of(state), ops.loadState());
    ops.clearState();
    assertEquals(Optional.empty(), ops.loadState());
    assertEquals(Optional.empty(), model.storedState(3));
  }

  @Test
  @Timeout(60)
  public void stateStoredOnThePrimaryIsLoaded() {
    Bytes state = Bytes.utf8("{\"phase\":\"bootstrap-members\"}");
    ops.persistState(2, state);
    assertEquals(Optional.of(state), ops.loadState());
  }

  @Test
  @Timeout(60)
  public void theStateOfEachMemberIsReadOnItsOwn() {
    Bytes onPrimary = Bytes.utf8("primary copy");
    Bytes onBackup = Bytes.utf8("backup copy");
    ops.persistState(2, onPrimary);
    ops.persistState(3, onBackup);
    assertEquals(Optional.of(onPrimary), ops.loadState(2));
    assertEquals(Optional.of(onBackup), ops.loadState(3));
    assertEquals(Optional.empty(), ops.loadState(0));
    assertEquals(Optional.of(onPrimary), ops.loadState());
  }

  @Test
  @Timeout(60)
  public void aStateWriteCutShortLeavesThePreviousStateWholeOnEveryMember() {
    for (int member : List.of(2, 3)) {
      Bytes before = Bytes.utf8("generation 1 on member " + member + ": " + "x".repeat(300));
      Bytes after = Bytes.utf8("generation 2 on member " + member + ": " + "y".repeat(300));
      ops.persistState(member, before);
      // The device loses power half-way through the next write of a file (file-put and file-copy are not atomic).
      model.inject(new VcFault.CrashAt("write-member-file", model.operationCount("write-member-file") + 1));
      assertThrows(RuntimeException.class, () -> ops.persistState(member, after));
      assertEquals(Optional.of(before), model.storedState(member), "the state file on member " + member
          + " must still hold the previous state, whole; files: " + model.memberFiles(member).keySet());
      ops.persistState(member, after);
      assertEquals(Optional.of(after), ops.loadState(member));
    }
  }

  @Test
  @Timeout(60)
  public void aStateMovedAsideIsKeptButNoLongerLoaded() {
    Bytes bad = Bytes.of(new byte[] {'p', 'h', 'c', 0, 1, 2});
    for (int member : List.of(2, 3)) {
      ops.persistState(member, bad);
      String where = ops.moveStateAside(member);
      assertEquals(Optional.empty(), ops.loadState(member));
      assertTrue(where.contains("phc-state"), where);
      String path = where.substring(where.indexOf('/'));
      assertEquals(Optional.of(bad), model.memberFile(member, path), "kept at " + where + " on member " + member);
    }
  }

  // ---------------------------------------------------------------- start conditions and bootstrap-complete facts

  @Test
  @Timeout(60)
  public void aFactoryDefaultVcCabledInARingMeetsTheStartConditions() {
    StartConditions c = ops.startConditions();
    assertTrue(c.factoryDefaultConfiguration(), "factory default: " + c);
    assertFalse(c.mixedMode());
    for (int id = 0; id < SERIALS.size(); id++) {
      int member = id;
      List<StartConditions.VcpLink> up = c.vcpLinks().stream().filter(l -> l.memberId() == member && l.up()).toList();
      assertEquals(2, up.size(), "two VCP links up on member " + id + ": " + c.vcpLinks());
      for (StartConditions.VcpLink l : up) {
        assertEquals(StartConditions.VcpKind.DEFAULT, l.kind(), l.toString());
        assertTrue(l.neighborMemberId() != null && l.neighborMemberId() != member, l.toString());
      }
    }
  }

  @Test
  @Timeout(60)
  public void aCommitMeansTheConfigurationIsNoLongerTheFactoryDefault() {
    ops.loadConfiguration(Bytes.utf8("<configuration><system><host-name>sw1</host-name></system></configuration>"),
        ConfigurationHandling.MERGE);
    ops.commitConfiguration();
    StartConditions c = ops.startConditions();
    assertFalse(c.factoryDefaultConfiguration());
    assertNotNull(c.configurationNote());
  }

  @Test
  @Timeout(60)
  public void mixedModeADownLinkAndANetworkPortMadeAVcpAreReported() {
    model.mixedMode(true);
    model.vcpCables(List.of(
        new VirtualChassisModel.VcpCable(0, "1/1", 1, "1/0", StartConditions.VcpKind.DEFAULT),
        new VirtualChassisModel.VcpCable(1, "1/1", 2, "1/0", StartConditions.VcpKind.DEFAULT),
        new VirtualChassisModel.VcpCable(2, "1/1", 3, "1/0", StartConditions.VcpKind.DEFAULT),
        new VirtualChassisModel.VcpCable(3, "2/0", 0, "2/0", StartConditions.VcpKind.CONFIGURED)));
    ops.reboot(List.of(1));
    StartConditions c = ops.startConditions();
    assertTrue(c.mixedMode());
    StartConditions.VcpLink configured = c.vcpLinks().stream()
        .filter(l -> l.memberId() == 3 && l.port().endsWith("2/0")).findFirst()
        .orElseThrow(() -> new AssertionError("no port 2/0 on member 3: " + c.vcpLinks()));
    assertEquals(StartConditions.VcpKind.CONFIGURED, configured.kind());
    assertTrue(configured.up());
    assertEquals(Integer.valueOf(0), configured.neighborMemberId());
    StartConditions.VcpLink toRebooting = c.vcpLinks().stream()
        .filter(l -> l.memberId() == 0 && l.port().endsWith("1/1")).findFirst().orElseThrow();
    assertFalse(toRebooting.up(), "member 1 is rebooting: " + toRebooting);
    assertTrue(c.vcpLinks().stream().noneMatch(l -> l.memberId() == 1), "a member that is down reports no ports");
  }

  @Test
  @Timeout(60)
  public void sshHostKeysAndTrustAnchorsAreWellFormedWhenTheBindingReportsThem() {
    for (SshHostKey k : ops.sshHostKeys()) {
      assertFalse(k.algorithm().isBlank(), k.toString());
      assertTrue(k.keyData().size() > 16, k.toString());
    }
    for (Bytes anchor : ops.trustAnchorCerts()) {
      assertTrue(anchor.size() > 0);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Stages the kit's image the way the binding says it does. */
  protected StagedImage stage() {
    if (ops.imageStaging() == ImageStaging.DEVICE_FETCHES) {
      return ops.fetchImage(fetchRequest());
    }
    try (ImageUpload upload = ops.beginImageUpload(IMAGE_NAME)) {
      OutputStream out = upload.stream();
      out.write(IMAGE);
      out.flush();
      return upload.complete();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  protected static ImageFetch fetchRequest() {
    return new ImageFetch(IMAGE_URI, IMAGE_NAME, List.of(
        new ImageVerification(HashAlgorithm.MD5, Bytes.of(digest(HashAlgorithm.MD5, IMAGE))),
        new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(digest(HashAlgorithm.SHA_256, IMAGE)))),
        Duration.ofMinutes(5));
  }

  /** The kit's image bytes. */
  protected static byte[] image() {
    return IMAGE.clone();
  }

  protected static VcMember member(List<VcMember> members, int id) {
    return members.stream().filter(m -> m.memberId() == id).findFirst()
        .orElseThrow(() -> new AssertionError("no member " + id + " in " + members));
  }

  private static byte[] imageBytes() {
    byte[] b = new byte[256 * 1024];
    long x = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < b.length; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return b;
  }

  protected static byte[] digest(HashAlgorithm a, byte[] data) {
    try {
      return MessageDigest.getInstance(a.jcaName()).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
