package dev.phonehome.phc.testkit.vc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.MemberStatus;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.testkit.VirtualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class VirtualChassisModelTest {
  private static final String IMG = "/var/tmp/jinstall-ex-4300-21.4R3.15-signed.tgz";
  private final VirtualClock clock = new VirtualClock();

  private VirtualChassisModel fourMembers() {
    return VirtualChassisModel.builder().clock(clock).rebootTime(Duration.ofMinutes(3))
        .member(0, "PE0", "ex4300-48p", "21.4R1.12").member(1, "PE1", "ex4300-48p", "21.4R1.12")
        .member(2, "PE2", "ex4300-48p", "21.4R1.12").member(3, "PE3", "ex4300-48p", "21.4R1.12")
        .primary(2).backup(3).build();
  }

  private static void stage(VirtualChassisModel vc) {
    try (VirtualChassisModel.FileWriter w = vc.openFile(IMG)) {
      w.write("image".getBytes(StandardCharsets.UTF_8));
      w.commit();
    }
  }

  @Test
  void installTakesEffectOnlyAfterTheRebootWhichTakesVirtualTime() {
    VirtualChassisModel vc = fourMembers();
    stage(vc);
    vc.installImage(0, IMG);
    assertThat(vc.version(0)).isEqualTo("21.4R1.12");
    assertThat(vc.stagedVersion(0)).hasValue("21.4R3.15");

    vc.reboot(List.of(0));
    assertThat(vc.member(0)).hasValueSatisfying(m -> assertThat(m.status()).isEqualTo(MemberStatus.NOT_PRESENT));
    clock.advance(Duration.ofMinutes(2));
    assertThat(vc.member(0).orElseThrow().isPresent()).isFalse();
    clock.advance(Duration.ofMinutes(1));
    VcMember back = vc.member(0).orElseThrow();
    assertThat(back.isPresent()).isTrue();
    assertThat(back.version()).isEqualTo("21.4R3.15");
    assertThat(back.role()).isEqualTo(MemberRole.LINECARD);
  }

  @Test
  void primaryRebootMovesThePrimaryToTheBackupAndTheOldPrimaryRejoinsAsLinecardThenBackup() {
    VirtualChassisModel vc = fourMembers();
    vc.pinRoles(2, 3);
    vc.reboot(List.of(2));
    assertThat(vc.primaryMemberId()).hasValue(3);
    assertThat(vc.backupMemberId()).hasValue(0); // interim backup elected
    clock.advance(Duration.ofMinutes(3));
    assertThat(vc.member(2).orElseThrow().role()).isEqualTo(MemberRole.LINECARD);
    clock.advance(Duration.ofSeconds(20));
    assertThat(vc.backupMemberId()).hasValue(2);
    assertThat(vc.member(0).orElseThrow().role()).isEqualTo(MemberRole.LINECARD);
    assertThat(vc.operationSummaries("role-change")).containsExactly("role-change member=3 role=master",
        "role-change member=0 role=backup", "role-change member=0 role=linecard", "role-change member=2 role=backup");
  }

  @Test
  void withoutPinningABackupRebootLosesTheBackupRole() {
    VirtualChassisModel vc = fourMembers();
    vc.reboot(List.of(3));
    clock.advance(Duration.ofMinutes(4));
    assertThat(vc.backupMemberId()).hasValue(0);
    assertThat(vc.member(3).orElseThrow().role()).isEqualTo(MemberRole.LINECARD);
  }

  @Test
  void stateIsStoredPerMemberAndReadFromWhoeverIsPrimary() {
    VirtualChassisModel vc = fourMembers();
    vc.persistState(2, Bytes.utf8("on-primary"));
    vc.persistState(3, Bytes.utf8("on-backup"));
    assertThat(vc.loadState()).hasValue(Bytes.utf8("on-primary"));
    vc.reboot(List.of(2));
    assertThat(vc.loadState()).hasValue(Bytes.utf8("on-backup"));
    vc.zeroize();
    assertThat(vc.loadState()).isEmpty();
  }

  @Test
  void faultsAreUsedUpOneOccurrenceAtATime() {
    VirtualChassisModel vc = fourMembers();
    stage(vc);
    vc.inject(new VcFault.InstallFails(1, 1));
    assertThatThrownBy(() -> vc.installImage(1, IMG)).isInstanceOf(PhcDeviceException.class)
        .hasMessage("install-image on member 1: ERROR: package installation failed on member 1");
    vc.installImage(1, IMG);
    vc.inject(new VcFault.CrashAt("commit", 1));
    vc.loadConfiguration(Bytes.utf8("<configuration/>"), ConfigurationHandling.MERGE);
    assertThatThrownBy(vc::commitConfiguration).isInstanceOf(SimulatedCrash.class);
    vc.commitConfiguration();
    assertThat(vc.committedConfiguration()).containsExactly(Bytes.utf8("<configuration/>"));
    vc.inject(new VcFault.ScriptFails(ScriptPhase.PRE_CONFIGURATION, 3, 1));
    assertThat(vc.runScript(ScriptPhase.PRE_CONFIGURATION, Bytes.utf8("x")).exitStatus()).isEqualTo(3);
    assertThat(vc.runScript(ScriptPhase.PRE_CONFIGURATION, Bytes.utf8("x")).succeeded()).isTrue();
  }

  @Test
  void memberThatNeverReturnsStaysNotPresentAndAnUncabledMemberIsNotReported() {
    VirtualChassisModel vc = fourMembers();
    vc.inject(new VcFault.MemberNeverReturns(1));
    vc.reboot(List.of(1));
    clock.advance(Duration.ofHours(1));
    assertThat(vc.member(1).orElseThrow().status()).isEqualTo(MemberStatus.NOT_PRESENT);
    vc.uncable(0);
    assertThat(vc.members()).extracting(VcMember::memberId).containsExactly(1, 2, 3);
    vc.addMember(5, "PE5", "ex4300-48p", "21.4R1.12");
    assertThat(vc.member(5).orElseThrow().role()).isEqualTo(MemberRole.LINECARD);
  }

  @Test
  void everyMemberHasItsOwnFilesAndEngineStateIsTheFileAtTheStatePath() {
    VirtualChassisModel vc = fourMembers();
    vc.writeMemberFile(2, "/var/tmp/a", Bytes.utf8("on 2"));
    assertThat(vc.memberFile(2, "/var/tmp/a")).hasValue(Bytes.utf8("on 2"));
    assertThat(vc.memberFile(3, "/var/tmp/a")).isEmpty();
    vc.persistState(3, Bytes.utf8("state"));
    assertThat(vc.memberFile(3, VirtualChassisModel.STATE_PATH)).hasValue(Bytes.utf8("state"));
    vc.renameMemberFile(2, "/var/tmp/a", VirtualChassisModel.STATE_PATH);
    assertThat(vc.storedState(2)).hasValue(Bytes.utf8("on 2"));
    assertThat(vc.loadState()).hasValue(Bytes.utf8("on 2"));
    assertThatThrownBy(() -> vc.renameMemberFile(2, "/var/tmp/a", "/var/tmp/b")).isInstanceOf(PhcDeviceException.class);
    assertThat(vc.deleteMemberFile(3, VirtualChassisModel.STATE_PATH)).isTrue();
    assertThat(vc.storedState(3)).isEmpty();
  }

  @Test
  void aMemberThatIsDownTakesNoWrites() {
    VirtualChassisModel vc = fourMembers();
    vc.reboot(List.of(0));
    assertThatThrownBy(() -> vc.writeMemberFile(0, "/var/tmp/x", Bytes.utf8("x")))
        .isInstanceOf(PhcDeviceException.class).hasMessageContaining("member 0 is not present");
  }

  @Test
  void aPowerLossTakesEveryMemberDownAtOnceAndFilesSurviveIt() {
    VirtualChassisModel vc = fourMembers();
    vc.writeMemberFile(2, "/var/tmp/kept", Bytes.utf8("kept"));
    int bootsBefore = vc.bootCount(2);
    vc.powerLoss();
    assertThat(vc.members()).noneMatch(VcMember::isPresent);
    assertThat(vc.primaryMemberId()).isEmpty();
    clock.advance(Duration.ofMinutes(3));
    assertThat(vc.members()).allMatch(VcMember::isPresent);
    assertThat(vc.primaryMemberId()).hasValue(0);
    assertThat(vc.bootCount(2)).isEqualTo(bootsBefore + 1);
    assertThat(vc.bootedAt(2)).isEqualTo(clock.instant());
    assertThat(vc.memberFile(2, "/var/tmp/kept")).hasValue(Bytes.utf8("kept"));
    clock.advance(Duration.ofMinutes(1));
    assertThat(vc.backupMemberId()).isPresent();
  }
}
