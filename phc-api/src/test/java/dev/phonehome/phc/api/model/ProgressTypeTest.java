package dev.phonehome.phc.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTypeTest {
  @Test
  void hasTheTwentySevenRfc8572TypesAndTheSevenVcTypes() {
    assertThat(ProgressType.RFC8572).hasSize(27).doesNotHaveDuplicates();
    assertThat(ProgressType.VIRTUAL_CHASSIS).hasSize(7).doesNotHaveDuplicates();
    assertThat(ProgressType.RFC8572).first().isEqualTo(ProgressType.BOOTSTRAP_INITIATED);
    assertThat(ProgressType.RFC8572).last().isEqualTo(ProgressType.INFORMATIONAL);
  }

  @Test
  void unknownTypesFromAPeerArePreservedNotDropped() {
    ProgressType t = ProgressType.of("vendor-x-something");
    assertThat(t.name()).isEqualTo("vendor-x-something");
    assertThat(t.isKnown()).isFalse();
    assertThat(ProgressType.of("config-complete")).isSameAs(ProgressType.CONFIG_COMPLETE);
  }

  @Test
  void vcNotificationsCarryTheExactTableTwoTextsAndMemberPrefix() {
    MemberRef m = new MemberRef(3, "PE3714100301", MemberRole.LINECARD);
    ProgressReport r = VcNotification.LINECARD_REBOOT_INITIATED.about(m);
    assertThat(r.type()).isEqualTo(ProgressType.VC_MEMBER_REBOOT_INITIATED);
    assertThat(r.message()).isEqualTo("member 3 (serial PE3714100301, role linecard): "
        + "Reboot initiated for Line Card members. Waiting for the members to come back up.");
    assertThat(r.member()).isEqualTo(m);
    assertThat(VcNotification.UPGRADE_FAILED.message()).isEqualTo("Upgrade failed !!!");
    assertThat(VcNotification.DETECTION_FAILED.message()).isEqualTo("Did not come up post image upgrade");
  }

  @Test
  void memberRoleParsesJunosSpellings() {
    assertThat(MemberRole.parse("Master*")).isEqualTo(MemberRole.PRIMARY);
    assertThat(MemberRole.parse("Backup")).isEqualTo(MemberRole.BACKUP);
    assertThat(MemberRole.parse("Linecard")).isEqualTo(MemberRole.LINECARD);
    assertThat(MemberRole.parse("line-card")).isEqualTo(MemberRole.LINECARD);
  }
}
