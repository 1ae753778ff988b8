package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.internal.engine.StateEnvelope;
import dev.phonehome.phc.testkit.vc.SimulatedCrash;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine reads the state on every present member, so a copy of a run that was replaced (a fresh run started
 * while the member holding it was away) can come back with a higher generation than the run in progress. The
 * run started later wins: the replaced run is never resumed.
 */
@Timeout(30)
class ReplacedRunTest {

  @Test
  void aCopyOfAReplacedRunComingBackOnALinecardDoesNotWinOverTheRunInProgress() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    // Run A: dies before it pins anything (the configuration is still the factory default).
    h.model.inject(new VcFault.CrashAt("pin-roles", 1));
    assertThatThrownBy(() -> h.engine().run()).isInstanceOf(SimulatedCrash.class);
    Bytes runA = h.model.storedState(0).orElseThrow();
    Set<String> runsSoFar = runs(h);
    assertThat(runsSoFar).hasSize(1);
    // Its copy survives only on member 2, with a generation no later run will reach soon, and member 2 is away
    // (rebooting) when the next process starts: that one finds nothing and starts run B.
    h.model.clearState();
    h.model.writeMemberFile(2, VirtualChassisModel.STATE_PATH,
        StateEnvelope.seal(999, StateEnvelope.open(runA).document()));
    h.model.reboot(List.of(2));
    h.clock.advance(Duration.ofSeconds(30));
    // Run B dies; by the time the next process starts, member 2 is back with run A's copy: it reads both runs'.
    h.model.inject(new VcFault.CrashAfter("install-image", 1));
    assertThatThrownBy(() -> h.engine().run()).isInstanceOf(SimulatedCrash.class);
    h.clock.advance(Duration.ofMinutes(10));
    assertThat(h.device.members()).allMatch(m -> m.isPresent());
    assertThat(h.model.storedState(2)).contains(StateEnvelope.seal(999, StateEnvelope.open(runA).document()));

    PhoneHomeResult result = h.run();

    assertThat(h.crashes).isZero();
    assertThat(result.failedMembers()).isEmpty();
    Set<String> runs = runs(h);
    assertThat(runs).hasSize(2).containsAll(runsSoFar);
    String runB = runs.stream().filter(r -> !runsSoFar.contains(r)).findFirst().orElseThrow();
    // Everything after run A's crash, the resumed part included, is run B's.
    List<ProgressReport> afterA = h.transport.reportsTo(PHS1).stream()
        .dropWhile(r -> runsSoFar.contains(r.notificationId().run())).toList();
    assertThat(afterA).isNotEmpty().allMatch(r -> r.notificationId().run().equals(runB));
    // Run B resumed where it died (installing), not run A where it died (pinning the roles).
    assertThat(h.events).first(org.assertj.core.api.InstanceOfAssertFactories.STRING).startsWith("resumed INSTALL_");
    assertThat(h.events).doesNotContain("resumed PIN_ROLES");
  }

  private static Set<String> runs(Harness h) {
    return h.transport.reportsTo(PHS1).stream().map(ProgressReport::notificationId).map(NotificationId::run)
        .collect(Collectors.toSet());
  }
}
