package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.NEW;
import static dev.phonehome.phc.testkit.engine.Harness.OLD;
import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static dev.phonehome.phc.testkit.engine.Harness.PHS2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC section 4.1 table 1: every row and column. */
@Timeout(30)
class TopologyRulesTest {

  @Test
  void noTopologyDefaultModeProvisionsThePrimaryAsAStandaloneDevice() throws Exception {
    Harness h = new Harness(Harness.members(3, 1, 2));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.none()));

    PhoneHomeResult result = h.run();

    assertThat(h.device.callSummaries("pin-roles", "install-image", "reboot"))
        .containsExactly("install-image member=1", "reboot members=[1]");
    assertThat(result.members()).extracting(MemberOutcome::memberId, MemberOutcome::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, MemberOutcome.Status.UPGRADED));
    assertThat(h.model.version(1)).isEqualTo(NEW);
    assertThat(h.model.version(0)).isEqualTo(OLD);
    assertThat(h.transport.vcNotifications(PHS1)).isEmpty();
    assertThat(h.transport.types(PHS1)).containsSubsequence("boot-image-initiated", "boot-image-installed-rebooting",
        "boot-image-complete", "config-complete", "bootstrap-complete");
  }

  @Test
  void noTopologyStrictModeIsNotAllowedAndCannotEvenBeExpressed() {
    // Strict lives inside <virtual-chassis>: without topology there is nothing to carry it; the model refuses
    // strict without members.
    assertThatThrownBy(() -> VirtualChassisTopology.minimum(ProvisioningMode.STRICT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strict requires a member list");
    assertThat(VirtualChassisTopology.none().mode()).isEqualTo(ProvisioningMode.DEFAULT);
  }

  @Test
  void minimumTopologyDefaultModeProvisionsEveryMemberFound() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run();

    assertThat(result.members()).extracting(MemberOutcome::memberId).containsExactly(0, 1, 2);
    assertThat(result.members()).extracting(MemberOutcome::status).containsOnly(MemberOutcome.Status.UPGRADED);
    assertThat(h.installs()).hasSize(3);
  }

  @Test
  void minimumTopologyStrictModeIsAParsingErrorAndTheNextServerIsAsked() throws Exception {
    Harness h = new Harness(Harness.members(2, 0, 1));
    String strictWithoutMembers = "<device xmlns=\"" + JuniperXmlCodec.NAMESPACE + "\"><unique-id>PE0</unique-id>"
        + "<virtual-chassis><provisioning-mode>strict</provisioning-mode></virtual-chassis></device>";
    RuntimeException parsingError;
    try {
      JuniperDevice d = JuniperXmlCodec.decodeDevice(
          new ByteArrayInputStream(strictWithoutMembers.getBytes(StandardCharsets.UTF_8)), CodecLimits.DEFAULT);
      throw new AssertionError("the codec accepted strict without members: " + d);
    } catch (dev.phonehome.phc.api.PhcProtocolException e) {
      parsingError = e;
    }
    h.transport.on(PHS1, parsingError);
    h.transport.on(PHS2, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run(PHS1, PHS2);

    assertThat(h.transport.reportsTo(PHS1)).extracting(ProgressReport::type).containsExactly(ProgressType.PARSING_ERROR);
    assertThat(h.transport.reportsTo(PHS1).get(0).message()).contains("strict");
    assertThat(result.provisioningServer()).isEqualTo(PHS2);
    assertThat(result.serversTried()).containsExactly(PHS1, PHS2);
  }

  @Test
  void fullTopologyDefaultModeProvisionsThoseFoundAndReportsTheDifference() throws Exception {
    // The PHS expects PE0, PE1 and PE9; the VC has PE0, PE1 and PE2.
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.DEFAULT, "PE0", "PE1", "PE9")));

    PhoneHomeResult result = h.run();

    assertThat(result.members()).extracting(MemberOutcome::memberId).containsExactly(0, 1, 2);
    assertThat(result.failedMembers()).isEmpty();
    assertThat(h.transport.reportsTo(PHS1)).filteredOn(r -> r.type().equals(ProgressType.BOOTSTRAP_WARNING))
        .extracting(ProgressReport::message)
        .containsExactly("the Virtual Chassis differs from the phone-home server's member list: missing PE9;"
            + " not listed member 2 (serial PE2)");
  }

  @Test
  void minimumTopologyReportsTheMembersTheVcListsAsNotPresentAndListsThemInBootstrapComplete() throws Exception {
    // Member 3 is listed by the VC but down (rebooting, and it never comes back): table 1 provisions those
    // found; the run says what it left out rather than complete as if the whole VC were done.
    Harness h = new Harness(Harness.members(4, 0, 1));
    h.model.inject(new dev.phonehome.phc.testkit.vc.VcFault.MemberNeverReturns(3));
    h.model.reboot(java.util.List.of(3));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    java.time.Instant start = h.clock.instant();

    PhoneHomeResult result = h.run();

    assertThat(result.member(3).status()).isEqualTo(MemberOutcome.Status.NOT_PRESENT);
    assertThat(result.failedMembers()).extracting(MemberOutcome::memberId).containsExactly(3);
    // It was waited for (the member-detection timeout) before the others were provisioned without it.
    assertThat(java.time.Duration.between(start, h.clock.instant())).isGreaterThanOrEqualTo(h.detectionTimeout);
    assertThat(result.members()).filteredOn(m -> m.memberId() != 3).extracting(MemberOutcome::status)
        .containsOnly(MemberOutcome.Status.UPGRADED);
    assertThat(h.installs()).noneMatch(i -> i.contains("member=3"));
    assertThat(h.transport.reportsTo(PHS1)).filteredOn(r -> r.type().equals(ProgressType.BOOTSTRAP_WARNING))
        .extracting(ProgressReport::message)
        .containsExactly("the Virtual Chassis lists members that are not present; they are not provisioned:"
            + " member 3 (serial PE3)");
    assertThat(h.transport.reportsTo(PHS1)).last().extracting(ProgressReport::message).asString()
        .endsWith("failed members: member 3 (not present, not provisioned)");
  }

  @Test
  void aMemberStillBootingAtDiscoveryIsWaitedForAndUpgraded() throws Exception {
    // Member 3 is listed but still booting (a slow member after the VC powered on): it is back within the
    // member-detection timeout, so it is provisioned like the others rather than left on the old software.
    Harness h = new Harness(Harness.members(4, 0, 1));
    h.model.inject(new dev.phonehome.phc.testkit.vc.VcFault.SlowReboot(3, java.time.Duration.ofMinutes(5), 1));
    h.model.reboot(java.util.List.of(3));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run();

    assertThat(result.members()).extracting(MemberOutcome::memberId).containsExactly(0, 1, 2, 3);
    assertThat(result.failedMembers()).isEmpty();
    assertThat(h.model.version(3)).isEqualTo(NEW);
    assertThat(h.transport.reportsTo(PHS1)).noneMatch(r -> r.type().equals(ProgressType.BOOTSTRAP_WARNING));
  }

  @Test
  void fullTopologyDefaultModeListsAnExpectedMemberThatIsNotPresentAsNotProvisioned() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new dev.phonehome.phc.testkit.vc.VcFault.MemberNeverReturns(2));
    h.model.reboot(java.util.List.of(2));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.DEFAULT, "PE0", "PE1", "PE2")));

    PhoneHomeResult result = h.run();

    assertThat(result.member(2).status()).isEqualTo(MemberOutcome.Status.NOT_PRESENT);
    assertThat(result.member(0).status()).isEqualTo(MemberOutcome.Status.UPGRADED);
    assertThat(h.transport.reportsTo(PHS1)).filteredOn(r -> r.type().equals(ProgressType.BOOTSTRAP_WARNING))
        .extracting(ProgressReport::message)
        .containsExactly("the Virtual Chassis differs from the phone-home server's member list: missing PE2");
    assertThat(h.transport.reportsTo(PHS1)).last().extracting(ProgressReport::message).asString()
        .endsWith("failed members: member 2 (not present, not provisioned)");
  }

  @Test
  void fullTopologyStrictModeBootstrapsTheIntendedMembersWhenAllArePresent() throws Exception {
    Harness h = new Harness(Harness.members(3, 2, 0));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));

    PhoneHomeResult result = h.run();

    assertThat(result.members()).extracting(MemberOutcome::status).containsOnly(MemberOutcome.Status.UPGRADED);
    assertThat(h.transport.vcNotifications(PHS1)).noneMatch(n -> n.startsWith("vc-bootstrap-failed"));
    assertThat(result.provisioningServer()).isEqualTo(PHS1);
  }

  @Test
  void fullTopologyStrictModeStartsOverWithTheNextServerWhenAnExpectedMemberIsMissing() throws Exception {
    Harness h = new Harness(Harness.members(2, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE7")));
    h.transport.on(PHS2, Harness.onboarding(Harness.full(ProvisioningMode.DEFAULT, "PE0", "PE1")));
    java.time.Instant start = h.clock.instant();

    PhoneHomeResult result = h.run(PHS1, PHS2);

    assertThat(h.transport.vcNotifications(PHS1))
        .containsExactly("vc-bootstrap-failed: VC with detection failed members and Strict provisioning set.");
    assertThat(h.installs()).hasSize(2);
    assertThat(result.provisioningServer()).isEqualTo(PHS2);
    // It re-checked for the whole member-detection timeout before giving up on PHS1.
    assertThat(h.device.callSummaries("members").size()).isGreaterThan(10);
    assertThat(java.time.Duration.between(start, h.clock.instant())).isGreaterThanOrEqualTo(h.detectionTimeout);
  }

  @Test
  void defaultModeGoesOnWithTheNextMemberWhenOneFails() throws Exception {
    Harness h = new Harness(Harness.members(4, 0, 1));
    h.model.inject(new dev.phonehome.phc.testkit.vc.VcFault.InstallFails(2, Integer.MAX_VALUE));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run();

    assertThat(result.member(2).status()).isEqualTo(MemberOutcome.Status.INSTALL_FAILED);
    assertThat(result.members()).filteredOn(m -> m.memberId() != 2).extracting(MemberOutcome::status)
        .containsOnly(MemberOutcome.Status.UPGRADED);
    assertThat(h.device.callSummaries("reboot")).containsExactly("reboot members=[3]", "reboot members=[1]",
        "reboot members=[0]");
    assertThat(h.transport.reportsTo(PHS1)).last().extracting(ProgressReport::type).isEqualTo(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(h.transport.reportsTo(PHS1)).last().extracting(ProgressReport::message).asString()
        .endsWith("failed members: member 2 (install_failed)");
  }

  @Test
  void defaultModeCarriesOnWhenTheBackupNeverReturnsAndThePrimaryRebootsAlone() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new dev.phonehome.phc.testkit.vc.VcFault.MemberNeverReturns(1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run();

    assertThat(result.member(1).status()).isEqualTo(MemberOutcome.Status.DETECTION_FAILED);
    assertThat(result.member(0).status()).isEqualTo(MemberOutcome.Status.UPGRADED);
    assertThat(result.member(2).status()).isEqualTo(MemberOutcome.Status.UPGRADED);
    // Nobody could take over while the primary rebooted: the VC re-formed around it.
    assertThat(h.model.primaryMemberId()).hasValue(0);
    assertThat(h.transport.types(PHS1)).last().isEqualTo("bootstrap-complete");
  }
}
