package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.NEW;
import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static dev.phonehome.phc.testkit.engine.Harness.PHS2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC section 5 table 2: every VC notification in its situation, with its exact text and member fields. */
@Timeout(30)
class VcNotificationsTest {

  @Test
  void successfulUpgradeReportsEveryStepOfEveryMemberInOrder() throws Exception {
    Harness h = new Harness(Harness.members(4, 2, 3));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    h.run();

    assertThat(h.transport.vcNotifications(PHS1)).containsExactly(
        "vc-member-image-installed: member 0 (serial PE0, role linecard): Successfully installed downloaded image."
            + " Initiating image installation on next member.",
        "vc-member-image-installed: member 1 (serial PE1, role linecard): Successfully installed downloaded image."
            + " Initiating member reboot.",
        "vc-member-reboot-initiated: Reboot initiated for Line Card members. Waiting for the members to come back up.",
        "vc-member-upgrade-success: member 0 (serial PE0, role linecard): Member detected and successfully upgraded.",
        "vc-member-upgrade-success: member 1 (serial PE1, role linecard): Member detected and successfully upgraded.",
        "vc-member-image-installed: member 3 (serial PE3, role backup): Successfully installed downloaded image."
            + " Initiating member reboot.",
        "vc-member-upgrade-success: member 3 (serial PE3, role backup): Member detected and successfully upgraded.",
        "vc-member-image-installed: member 2 (serial PE2, role master): Successfully installed downloaded image."
            + " Initiating member reboot.",
        "vc-member-upgrade-success: member 2 (serial PE2, role backup): Successfully upgraded.");
    ProgressReport first = h.transport.reportsTo(PHS1).stream().filter(r -> r.type().isVirtualChassis()).findFirst()
        .orElseThrow();
    assertThat(first.member()).isEqualTo(new MemberRef(0, "PE0", MemberRole.LINECARD));
    // Each notification is also a syslog line.
    assertThat(h.model.syslog()).extracting(VirtualChassisModel.SyslogLine::message).contains(
        "phone-home: vc-member-reboot-initiated: Reboot initiated for Line Card members. Waiting for the members to"
            + " come back up.",
        "phone-home: bootstrap-complete: phone-home bootstrap complete");
  }

  @Test
  void memberAlreadyOnTheTargetVersionIsNotUpgraded() throws Exception {
    Harness h = new Harness(b -> b.member(0, "PE0", "ex4300-48p", Harness.OLD).member(1, "PE1", "ex4300-48p", NEW)
        .member(2, "PE2", "ex4300-48p", NEW).primary(0).backup(1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run();

    assertThat(h.transport.vcNotifications(PHS1)).startsWith(
        "vc-member-upgrade-success: member 1 (serial PE1, role backup): No upgrade required.",
        "vc-member-upgrade-success: member 2 (serial PE2, role linecard): No upgrade required.");
    assertThat(h.installs()).hasSize(1);
    assertThat(result.member(1).status()).isEqualTo(MemberOutcome.Status.NOT_REQUIRED);
  }

  @Test
  void noMemberNeedsTheImageSoTheImagePhaseIsSkipped() throws Exception {
    Harness h = new Harness(b -> b.member(0, "PE0", "ex4300-48p", NEW).member(1, "PE1", "ex4300-48p", NEW));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    h.run();

    assertThat(h.device.callSummaries("fetch-image", "pin-roles", "install-image", "reboot")).isEmpty();
    assertThat(h.transport.vcNotifications(PHS1)).hasSize(2).allMatch(n -> n.endsWith(": No upgrade required."));
  }

  @Test
  void installFailureInDefaultModeIsReportedAsUpgradeFailed() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new VcFault.InstallFails(2, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    h.run();

    assertThat(h.transport.vcNotifications(PHS1))
        .contains("vc-member-upgrade-failed: member 2 (serial PE2, role linecard): Upgrade failed !!!");
  }

  @Test
  void installFailureInStrictModeIsTriedAgainThenGivesUpAndTriesTheNextServer() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new VcFault.InstallFails(2, 2)); // the install and its one retry
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));
    h.transport.on(PHS2, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));

    PhoneHomeResult result = h.run(PHS1, PHS2);

    assertThat(h.transport.vcNotifications(PHS1)).containsExactly(
        "vc-member-image-installation-failed: member 2 (serial PE2, role linecard): Image failed to install on the"
            + " member. Giving up and trying a different phone-home-server.");
    assertThat(h.transport.reportsTo(PHS1)).filteredOn(r -> r.type().equals(ProgressType.BOOT_IMAGE_WARNING))
        .extracting(ProgressReport::message).singleElement().asString()
        .contains("installing on member 2 failed").contains("strict provisioning tries again (retry 1 of 1)");
    assertThat(h.model.pins()).isEmpty();
    assertThat(result.provisioningServer()).isEqualTo(PHS2);
    assertThat(result.failedMembers()).isEmpty();
  }

  @Test
  void installFailureInStrictModeSucceedsOnItsRetryWithTheSameServer() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new VcFault.InstallFails(2, 1));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));

    PhoneHomeResult result = h.run(PHS1, PHS2);

    assertThat(result.provisioningServer()).isEqualTo(PHS1);
    assertThat(result.failedMembers()).isEmpty();
    assertThat(h.transport.vcNotifications(PHS1)).noneMatch(n -> n.contains("failed"));
    assertThat(h.model.operationSummaries("install-image")).filteredOn(x -> x.contains("member=2 ")).hasSize(2);
  }

  @Test
  void strictModeInstallsAndRebootsAgainAMemberBackOnTheOldSoftware() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new VcFault.InstallDoesNotTakeEffect(2, 1));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));

    PhoneHomeResult result = h.run(PHS1, PHS2);

    assertThat(result.provisioningServer()).isEqualTo(PHS1);
    assertThat(result.failedMembers()).isEmpty();
    assertThat(h.transport.vcNotifications(PHS1)).containsSubsequence(
        "vc-member-upgrade-failed: member 2 (serial PE2, role linecard): Member detected but upgrade failed !!!",
        "vc-bootstrap-failed: VC member bootstrap failure detected with Strict provisioning set.",
        "vc-member-image-installed: member 2 (serial PE2, role linecard): Successfully installed downloaded image."
            + " Initiating member reboot.",
        "vc-member-upgrade-success: member 2 (serial PE2, role linecard): Member detected and successfully upgraded.");
    assertThat(h.model.operationSummaries("reboot")).filteredOn(x -> x.contains("members=[2]")).hasSize(2);
  }

  @Test
  void memberThatComesBackOnTheOldVersionIsDetectedButFailed() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new VcFault.InstallDoesNotTakeEffect(2, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run();

    assertThat(h.transport.vcNotifications(PHS1)).contains(
        "vc-member-upgrade-failed: member 2 (serial PE2, role linecard): Member detected but upgrade failed !!!");
    assertThat(result.member(2).status()).isEqualTo(MemberOutcome.Status.UPGRADE_FAILED);
  }

  @Test
  void memberThatNeverReturnsInDefaultModeIsReportedAndTheProcessGoesOn() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new VcFault.MemberNeverReturns(2));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run();

    assertThat(h.transport.vcNotifications(PHS1))
        .contains("vc-member-detection-failed: member 2 (serial PE2, role linecard): Did not come up post image upgrade");
    assertThat(result.member(2).status()).isEqualTo(MemberOutcome.Status.DETECTION_FAILED);
    assertThat(result.member(0).status()).isEqualTo(MemberOutcome.Status.UPGRADED);
    assertThat(h.transport.types(PHS1)).last().isEqualTo("bootstrap-complete");
  }

  @Test
  void strictModeLooksAgainForAMemberLateAfterItsRebootAndFinishesWithTheSameServer() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new VcFault.SlowReboot(2, java.time.Duration.ofMinutes(15), 1));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));
    h.transport.on(PHS2, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));

    PhoneHomeResult result = h.run(PHS1, PHS2);

    // Not back within the 10-minute timeout: reported, then looked for again (table 1: retry what failed); it
    // is back after 18 minutes, on the new software.
    assertThat(h.transport.vcNotifications(PHS1)).containsSubsequence(
        "vc-member-detection-failed: member 2 (serial PE2, role linecard): Did not come up post image upgrade",
        "vc-bootstrap-failed: VC member bootstrap failure detected with Strict provisioning set.",
        "vc-member-upgrade-success: member 2 (serial PE2, role linecard): Member detected and successfully upgraded.");
    assertThat(result.provisioningServer()).isEqualTo(PHS1);
    assertThat(result.failedMembers()).isEmpty();
    assertThat(h.installs()).filteredOn(s -> s.contains("member=2 ")).hasSize(1);
  }

  @Test
  void strictModeMissingMemberAtDiscoveryReportsDetectionFailedMembers() throws Exception {
    Harness h = new Harness(b -> Harness.members(3, 0, 1).accept(b.notCabled(2)));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));
    h.maxRounds = 1;

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.run(PHS1, PHS2))
        .isInstanceOf(dev.phonehome.phc.core.client.BootstrapFailedException.class)
        .hasMessageContaining(PHS1 + ": strict provisioning: members [PE2] not present within PT10M")
        .hasMessageContaining(PHS2 + ": PhcTransportException: connect to " + PHS2 + " refused");

    assertThat(h.transport.reportsTo(PHS1)).filteredOn(r -> r.type().equals(ProgressType.VC_BOOTSTRAP_FAILED))
        .extracting(ProgressReport::message)
        .containsExactly("VC with detection failed members and Strict provisioning set.");
    assertThat(h.model.syslog()).anyMatch(l -> l.severity() == SyslogSeverity.ERROR
        && l.message().equals("phone-home: vc-bootstrap-failed: VC with detection failed members and Strict provisioning set."));
  }
}
