package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.client.RetryPolicy;
import dev.phonehome.phc.core.client.StateStore;
import dev.phonehome.phc.core.internal.engine.Engine;
import dev.phonehome.phc.core.internal.engine.EngineState;
import dev.phonehome.phc.core.internal.engine.ImageStager;
import dev.phonehome.phc.core.internal.engine.StateCodec;
import dev.phonehome.phc.core.internal.engine.StateEnvelope;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 item 5: a state save the device did not take (the session dropped) is never ignored before something
 * irreversible: the primary reboots only once the backup, which takes over, holds the state that says so.
 */
@Timeout(30)
class StateSaveTest {

  /**
   * The device, but saving the state that says "the primary reboots now" (step DETECT_PRIMARY) fails with a lost
   * session {@code failures} times.
   */
  private static final class FlakySaves {
    final List<String> stepOnBackupAtPrimaryReboot = new ArrayList<>();
    int failuresLeft;

    DeviceOperations wrap(Harness h, int failures) {
      failuresLeft = failures;
      DeviceOperations real = h.device;
      return (DeviceOperations) Proxy.newProxyInstance(DeviceOperations.class.getClassLoader(),
          new Class<?>[] {DeviceOperations.class}, (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("persistState") && failuresLeft > 0 && StateCodec.decode(
                StateEnvelope.open((Bytes) args[1]).document()).step() == EngineState.Step.DETECT_PRIMARY) {
              failuresLeft--;
              throw new PhcDeviceException("persist-state", (Integer) args[0], "connection reset", true, null);
            }
            if (name.equals("reboot") && ((Collection<?>) args[0]).contains(0)) {
              Bytes onBackup = h.model.storedState(1).orElseThrow();
              EngineState s = StateCodec.decode(StateEnvelope.open(onBackup).document());
              stepOnBackupAtPrimaryReboot.add(s.step().name());
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }

  private static Engine engine(Harness h, DeviceOperations device) {
    Random random = new Random(7);
    ImageStager.Factory stagers = deadline -> new ImageStager(device, null, RetryPolicy.DEFAULT, h.clock, random,
        h.listener, Duration.ofMinutes(30), 10, deadline);
    return new Engine(new Engine.Config(List.of(new EngineState.Server(PHS1, null)), null, device, h.clock, h.clock,
        random, h.transport, stagers, StateStore.onDevice(device), Duration.ofMinutes(10), Duration.ofSeconds(15),
        RetryPolicy.DEFAULT, 0, null, Duration.ofMinutes(10), 1, null, false, false, h.listener));
  }

  @Test
  void aLostSaveBeforeThePrimaryRebootIsSavedAgainAndThePrimaryRebootsOnlyOnceTheBackupHoldsIt() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    FlakySaves flaky = new FlakySaves();

    PhoneHomeResult result = engine(h, flaky.wrap(h, 3)).run();

    assertThat(flaky.failuresLeft).isZero();
    assertThat(flaky.stepOnBackupAtPrimaryReboot).containsExactly("DETECT_PRIMARY");
    assertThat(result.failedMembers()).isEmpty();
  }

  @Test
  void whenTheStateCannotBeSavedWithinTheDetectionTimeoutThePrimaryIsNotRebootedAndTheRunSaysWhy() {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    FlakySaves flaky = new FlakySaves();

    assertThatThrownBy(() -> engine(h, flaky.wrap(h, Integer.MAX_VALUE)).run())
        .isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("the phone-home state could not be saved on the primary and backup within PT10M");
    assertThat(flaky.stepOnBackupAtPrimaryReboot).isEmpty();
    assertThat(h.model.operationSummaries("reboot")).noneMatch(s -> s.contains("members=[0]"));
  }

  /**
   * Found by the Junos fault schedules: right after the VC re-formed (a power loss; both members boot together),
   * the other member is a linecard and takes the backup role only a little later. The engine reboots the primary
   * only once a backup exists and holds the state that says so; before, it rebooted the primary with its state on
   * itself only, and the member that took over started from nothing.
   */
  @Test
  void inAVcThatJustReformedThePrimaryRebootsOnlyOnceAnotherMemberTookTheBackupRoleAndHoldsTheState()
      throws Exception {
    Harness h = new Harness(Harness.members(2, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    h.model.powerLoss();
    h.clock.advance(Duration.ofMinutes(3));
    assertThat(h.model.members()).extracting(m -> m.role() == null ? "none" : m.role().name())
        .containsExactly("PRIMARY", "LINECARD");
    List<String> atPrimaryReboot = new ArrayList<>();
    DeviceOperations real = h.device;
    DeviceOperations watched = (DeviceOperations) Proxy.newProxyInstance(DeviceOperations.class.getClassLoader(),
        new Class<?>[] {DeviceOperations.class}, (proxy, method, args) -> {
          if (method.getName().equals("reboot") && ((Collection<?>) args[0]).contains(0)) {
            var other = h.model.member(1).orElseThrow();
            var onOther = h.model.storedState(1);
            atPrimaryReboot.add(other.role() + " " + (onOther.isEmpty() ? "no state"
                : StateCodec.decode(StateEnvelope.open(onOther.get()).document()).step().name()));
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });

    PhoneHomeResult result = engine(h, watched).run();

    assertThat(atPrimaryReboot).containsExactly("BACKUP DETECT_PRIMARY");
    assertThat(result.failedMembers()).isEmpty();
  }

  /**
   * Found by the Junos fault schedules: the VC loses power while the state that says "the primary reboots now"
   * goes to the backup. Once the VC is back (re-formed: nobody holds the backup role yet) the state is saved
   * again, to the primary only; the engine then waits for a backup and saves again before it reboots the primary.
   * Before, it rebooted the primary at once and the new primary held no state.
   */
  @Test
  void aPowerLossWhileTheBackupTakesTheStateBeforeThePrimaryRebootThenTheStateGoesToTheNewBackupFirst()
      throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    List<String> atPrimaryReboot = new ArrayList<>();
    boolean[] cut = {false};
    DeviceOperations real = h.device;
    DeviceOperations watched = (DeviceOperations) Proxy.newProxyInstance(DeviceOperations.class.getClassLoader(),
        new Class<?>[] {DeviceOperations.class}, (proxy, method, args) -> {
          if (method.getName().equals("persistState") && !cut[0] && (Integer) args[0] != 0 && StateCodec.decode(
              StateEnvelope.open((Bytes) args[1]).document()).step() == EngineState.Step.DETECT_PRIMARY) {
            cut[0] = true;
            h.model.powerLoss();
            throw new PhcDeviceException("persist-state", (Integer) args[0], "connection reset (power loss)", true,
                null);
          }
          if (method.getName().equals("reboot") && ((Collection<?>) args[0]).contains(0)) {
            StringBuilder b = new StringBuilder();
            for (var m : h.model.members()) {
              if (m.memberId() != 0 && m.role() == dev.phonehome.phc.api.model.MemberRole.BACKUP) {
                var onBackup = h.model.storedState(m.memberId());
                b.append("BACKUP ").append(onBackup.isEmpty() ? "no state"
                    : StateCodec.decode(StateEnvelope.open(onBackup.get()).document()).step().name());
              }
            }
            atPrimaryReboot.add(b.length() == 0 ? "no backup" : b.toString());
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });

    PhoneHomeResult result = engine(h, watched).run();

    assertThat(cut[0]).isTrue();
    assertThat(atPrimaryReboot).containsExactly("BACKUP DETECT_PRIMARY");
    assertThat(result.failedMembers()).isEmpty();
  }

  /**
   * Found by the Junos fault schedules: the roles are pinned, then the VC loses power (and the process with it)
   * while the state that says so is written. The VC re-forms with no backup yet; the next process pins nothing.
   * The pins are saved before they are made, so the next process still undoes them.
   */
  @Test
  void aPowerLossRightAfterTheRolesWerePinnedThenTheNextProcessStillUndoesThePins() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    DeviceOperations real = h.device;
    DeviceOperations dying = (DeviceOperations) Proxy.newProxyInstance(DeviceOperations.class.getClassLoader(),
        new Class<?>[] {DeviceOperations.class}, (proxy, method, args) -> {
          if (method.getName().equals("persistState") && h.model.pins().isPresent()) {
            h.model.powerLoss();
            throw new dev.phonehome.phc.testkit.vc.SimulatedCrash("power loss while the pins are saved");
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    assertThatThrownBy(() -> engine(h, dying).run()).hasMessageContaining("power loss");
    h.clock.advance(Duration.ofMinutes(3));
    assertThat(h.model.pins()).isPresent();

    PhoneHomeResult result = engine(h, h.device).run();

    assertThat(result.failedMembers()).isEmpty();
    assertThat(h.model.pins()).isEmpty();
  }
}
