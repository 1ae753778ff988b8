package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.NEW;
import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class InstallOrderTest {

  @Test
  void linecardsInMemberIdOrderThenBackupThenPrimaryWhenPrimaryIsNotMemberZero() throws Exception {
    // Primary is member 2, backup member 3, linecards 0 and 1: never assume the primary is member 0.
    Harness h = new Harness(Harness.members(4, 2, 3));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.DEFAULT, "PE0", "PE1", "PE2", "PE3")));

    PhoneHomeResult result = h.run();

    assertThat(h.device.callSummaries("pin-roles", "install-image", "reboot", "unpin-roles")).containsExactly(
        "pin-roles primary=2 backup=3",
        "install-image member=0",
        "install-image member=1",
        "reboot members=[0, 1]",
        "install-image member=3",
        "reboot members=[3]",
        "install-image member=2",
        "reboot members=[2]",
        "unpin-roles");
    // The old primary rejoined as linecard, then took the backup role; the old backup is primary.
    assertThat(h.model.operationSummaries("role-change", "member-up")).containsSubsequence(
        "role-change member=3 role=master",
        "member-up member=2 role=linecard version=" + NEW,
        "role-change member=2 role=backup");
    assertThat(h.model.members()).extracting(VcMember::memberId, VcMember::role, VcMember::version).containsExactly(
        org.assertj.core.groups.Tuple.tuple(0, MemberRole.LINECARD, NEW),
        org.assertj.core.groups.Tuple.tuple(1, MemberRole.LINECARD, NEW),
        org.assertj.core.groups.Tuple.tuple(2, MemberRole.BACKUP, NEW),
        org.assertj.core.groups.Tuple.tuple(3, MemberRole.PRIMARY, NEW));
    assertThat(result.members()).extracting(MemberOutcome::status).containsOnly(MemberOutcome.Status.UPGRADED);
    assertThat(result.alreadyCompleted()).isFalse();
    assertThat(h.model.pins()).isEmpty();
    assertThat(h.model.committedConfiguration()).containsExactly(Harness.CONFIG);
    assertThat(h.model.scriptRuns()).extracting(r -> r.script()).containsExactly(Harness.PRE_SCRIPT, Harness.POST_SCRIPT);
  }

  @Test
  void rolesArePinnedForTheWholeUpgradeAndUndoneAtTheEnd() throws Exception {
    Harness h = new Harness(Harness.members(3, 1, 0));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    h.run();

    assertThat(h.model.operationSummaries("pin-roles", "install-image", "unpin-roles", "commit"))
        .first().isEqualTo("pin-roles primary=1 backup=0 comment=phone-home"); // phone-home's commits say so
    assertThat(h.model.operationSummaries("pin-roles", "install-image", "unpin-roles", "commit"))
        .containsSubsequence("install-image member=1 path=/var/tmp/" + Harness.IMAGE_NAME + " version=" + NEW,
            "unpin-roles comment=phone-home", "commit comment=phone-home");
  }

  @Test
  void completedVirtualChassisDoesNotRunAgainUntilZeroized() throws Exception {
    Harness h = new Harness(Harness.members(2, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    h.run();
    int fetches = h.transport.fetches.size();

    PhoneHomeResult again = h.run();

    assertThat(again.alreadyCompleted()).isTrue();
    assertThat(h.transport.fetches).hasSize(fetches);
    assertThat(h.installs()).hasSize(2);

    h.model.zeroize();
    PhoneHomeResult afterZeroize = h.run();
    assertThat(afterZeroize.alreadyCompleted()).isFalse();
    assertThat(h.transport.fetches).hasSize(fetches + 1);
    assertThat(afterZeroize.members()).extracting(MemberOutcome::status)
        .containsOnly(MemberOutcome.Status.NOT_REQUIRED);
  }
}
