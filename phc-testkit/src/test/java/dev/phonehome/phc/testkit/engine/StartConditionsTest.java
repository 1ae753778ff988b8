package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.device.StartConditions.VcpKind;
import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.client.StartConditionsNotMetException;
import dev.phonehome.phc.testkit.vc.SimulatedCrash;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel.VcpCable;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC 4.1 step 1: a fresh run starts only on a factory-default, non-mixed VC cabled in a ring of dedicated or
 * default VCPs; otherwise it says what is wrong and changes nothing, unless the operator overrides.
 */
@Timeout(30)
class StartConditionsTest {

  private static Harness vc(int members) {
    Harness h = new Harness(Harness.members(members, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    return h;
  }

  private static void assertNothingDone(Harness h) {
    assertThat(h.transport.fetches).isEmpty();
    assertThat(h.installs()).isEmpty();
    assertThat(h.model.pins()).isEmpty();
    assertThat(h.device.callSummaries("persist-state")).isEmpty();
  }

  @Test
  void aVcWhoseConfigurationIsNotTheFactoryDefaultDoesNotStartAndNothingIsAsked() {
    Harness h = vc(3);
    h.model.loadConfiguration(Harness.CONFIG, ConfigurationHandling.MERGE);
    h.model.commitConfiguration();

    assertThatThrownBy(h::run).isInstanceOf(StartConditionsNotMetException.class)
        .hasMessageContaining("the configuration is not the factory default (1 configuration commit(s) since the"
            + " factory default")
        .hasMessageContaining("zeroize")
        .hasMessageContaining("overrideStartConditions");
    assertNothingDone(h);
    assertThat(h.model.syslog()).anyMatch(l -> l.severity() == SyslogSeverity.ERROR
        && l.message().startsWith("phone-home: not starting: the configuration is not the factory default"));
  }

  @Test
  void aMixedModeVcDoesNotStart() {
    Harness h = vc(3);
    h.model.mixedMode(true);

    assertThatThrownBy(h::run).isInstanceOf(StartConditionsNotMetException.class)
        .satisfies(e -> assertThat(((StartConditionsNotMetException) e).problems())
            .containsExactly("the Virtual Chassis is in mixed mode; phone-home needs a non-mixed Virtual Chassis"));
    assertNothingDone(h);
  }

  @Test
  void aDaisyChainIsNotARing() {
    Harness h = vc(3);
    h.model.vcpCables(List.of(new VcpCable(0, "1/1", 1, "1/0", VcpKind.DEFAULT),
        new VcpCable(1, "1/1", 2, "1/0", VcpKind.DEFAULT)));

    assertThatThrownBy(h::run).isInstanceOf(StartConditionsNotMetException.class)
        .satisfies(e -> assertThat(((StartConditionsNotMetException) e).problems()).containsExactly(
            "member 0 has 1 dedicated or default VCP link(s) up (to member 1); a ring needs two on every member",
            "member 2 has 1 dedicated or default VCP link(s) up (to member 1); a ring needs two on every member"));
    assertNothingDone(h);
  }

  @Test
  void aRingClosedThroughANetworkPortMadeAVcpDoesNotStart() {
    Harness h = vc(3);
    h.model.vcpCables(List.of(new VcpCable(0, "1/1", 1, "1/0", VcpKind.DEFAULT),
        new VcpCable(1, "1/1", 2, "1/0", VcpKind.DEFAULT), new VcpCable(2, "2/0", 0, "2/0", VcpKind.CONFIGURED)));

    assertThatThrownBy(h::run).isInstanceOf(StartConditionsNotMetException.class)
        .hasMessageContaining("member 2 reaches member 0 through port 2/0, a network port made a Virtual Chassis"
            + " port; cable the ring through dedicated or default VCPs");
    assertNothingDone(h);
  }

  @Test
  void theOperatorsOverrideStartsAnywayAndTheServerHearsWhyOnce() throws Exception {
    Harness h = vc(3);
    h.model.mixedMode(true);
    h.startConditionOverride = "lab VC, mixed mode on purpose (ticket 4711)";

    PhoneHomeResult result = h.run();

    assertThat(result.failedMembers()).isEmpty();
    assertThat(h.transport.reportsTo(PHS1)).filteredOn(r -> r.type().equals(ProgressType.BOOTSTRAP_WARNING))
        .extracting(ProgressReport::message).containsExactly("start conditions not met, overridden by the operator"
            + " (lab VC, mixed mode on purpose (ticket 4711)): the Virtual Chassis is in mixed mode; phone-home needs"
            + " a non-mixed Virtual Chassis");
  }

  @Test
  void aRunInProgressResumesAlthoughItChangedTheConfigurationItself() throws Exception {
    Harness h = vc(3);
    h.model.inject(new VcFault.CrashAfter("pin-roles", 1)); // the pins are a commit: no longer factory default

    PhoneHomeResult result = h.run();

    assertThat(h.crashes).isEqualTo(1);
    assertThat(h.model.factoryDefaultConfiguration()).isFalse();
    assertThat(result.failedMembers()).isEmpty();
  }

  /**
   * The wedge the Junos fault schedules pointed at: every saved copy is lost (here: corrupt, and the recovering
   * process dies right after moving both aside), but the configuration already holds phone-home's own commits.
   * Refusing to start because of them would leave the VC stuck for good; the run restarts from the beginning and
   * says so once.
   */
  @Test
  void aRunWhoseStateIsLostAfterItsOwnCommitsRestartsInsteadOfRefusing() throws Exception {
    Harness h = vc(3);
    h.model.inject(new VcFault.CrashAfter("pin-roles", 1));
    assertThatThrownBy(() -> h.engine().run()).isInstanceOf(SimulatedCrash.class);
    for (int id : List.of(0, 1)) {
      assertThat(h.model.storedState(id)).isPresent();
      h.model.writeMemberFile(id, VirtualChassisModel.STATE_PATH, Bytes.utf8("phc-state 2 generation=9 garbage"));
    }
    h.model.inject(new VcFault.CrashAfter("move-state-aside", 2));
    assertThatThrownBy(() -> h.engine().run()).isInstanceOf(SimulatedCrash.class);
    assertThat(h.model.storedState(0)).isEmpty();
    assertThat(h.model.storedState(1)).isEmpty();
    assertThat(h.model.factoryDefaultConfiguration()).isFalse();
    assertThat(h.device.startConditions().changedByPhoneHomeOnly()).isTrue();

    PhoneHomeResult result = h.run();

    assertThat(result.failedMembers()).isEmpty();
    assertThat(h.model.pins()).isEmpty();
    assertThat(h.transport.reportsTo(PHS1)).filteredOn(r -> r.type().equals(ProgressType.BOOTSTRAP_WARNING))
        .extracting(ProgressReport::message)
        .singleElement(InstanceOfAssertFactories.STRING)
        .startsWith("no saved phone-home state on any member, but the configuration holds phone-home's own commits")
        .endsWith("the state of the run in progress is lost; restarting from the beginning");
    assertThat(h.model.syslog()).anyMatch(l -> l.severity() == SyslogSeverity.WARNING
        && l.message().contains("restarting from the beginning"));
  }

  /** An operator's commit next to phone-home's is still the operator's business: no restart, a refusal. */
  @Test
  void anOperatorsCommitOnTopOfPhoneHomesIsStillRefused() throws Exception {
    Harness h = vc(3);
    h.model.inject(new VcFault.CrashAfter("pin-roles", 1));
    assertThatThrownBy(() -> h.engine().run()).isInstanceOf(SimulatedCrash.class);
    h.model.clearState();
    h.model.loadConfiguration(Harness.CONFIG, ConfigurationHandling.MERGE);
    h.model.commitConfiguration();

    assertThat(h.device.startConditions().changedByPhoneHomeOnly()).isFalse();
    assertThatThrownBy(h::run).isInstanceOf(StartConditionsNotMetException.class)
        .hasMessageContaining("the configuration is not the factory default (2 configuration commit(s)");
  }

  /**
   * After a power cut the member holding the saved state may boot later than the one that takes the primary
   * role. The engine does not start afresh (nor refuse because of its own commits): it waits for the members the
   * VC lists as absent, reads their copies, linecards included, and resumes the same run.
   */
  @Test
  void theStateOnMembersThatAreStillBootingIsWaitedForAndReadFromALinecard() throws Exception {
    Harness h = vc(3);
    h.model.inject(new VcFault.CrashAfter("unpin-roles", 1)); // every member upgraded, pins made and undone
    assertThatThrownBy(() -> h.engine().run()).isInstanceOf(SimulatedCrash.class);
    List<Integer> holders = new ArrayList<>();
    for (int id : List.of(0, 1, 2)) {
      if (h.model.storedState(id).isPresent()) {
        holders.add(id);
      }
    }
    assertThat(holders).hasSize(2);
    h.model.reboot(holders); // the one without a copy takes the primary role alone
    assertThat(h.device.members()).filteredOn(m -> m.isPresent()).singleElement()
        .satisfies(m -> assertThat(holders).doesNotContain(m.memberId()));

    PhoneHomeResult result = h.run();

    assertThat(result.failedMembers()).isEmpty();
    assertThat(h.crashes).isZero();
    assertThat(h.events).anyMatch(e -> e.startsWith("resumed "));
    assertThat(h.transport.reportsTo(PHS1)).noneMatch(r -> r.type().equals(ProgressType.BOOTSTRAP_WARNING));
    assertThat(h.model.operationSummaries("commit")).hasSize(1);
    assertThat(h.device.callSummaries("load-state")).isNotEmpty();
  }

  @Test
  void aMissingMemberIsNotAStartConditionButTable1sBusiness() throws Exception {
    Harness h = new Harness(b -> Harness.members(4, 0, 1).accept(b));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    h.model.inject(new VcFault.MemberNeverReturns(3));
    h.model.reboot(List.of(3)); // powered off: its ports, and the ring through it, are down

    PhoneHomeResult result = h.run();

    // It started (no start condition refused it); table 1 left member 3 out and says so.
    assertThat(result.members()).filteredOn(m -> m.memberId() != 3).extracting(m -> m.status())
        .containsOnly(dev.phonehome.phc.core.client.MemberOutcome.Status.UPGRADED);
    assertThat(result.failedMembers()).extracting(m -> m.memberId() + " " + m.status())
        .containsExactly("3 NOT_PRESENT");
  }
}
