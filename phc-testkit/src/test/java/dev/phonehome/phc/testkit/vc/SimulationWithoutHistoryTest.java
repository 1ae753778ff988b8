package dev.phonehome.phc.testkit.vc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.testkit.VirtualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A simulation without history (for load tests) behaves exactly as one with it, and keeps no log. */
@Timeout(10)
class SimulationWithoutHistoryTest {

  /** Stages and installs an image on every member, reboots linecard, backup, primary; returns the VC's view. */
  private static List<VcMember> upgrade(FakeVirtualChassis device, VirtualClock clock) throws Exception {
    try (var upload = device.beginImageUpload("jinstall-ex-4300-21.4R3.15-signed.tgz")) {
      upload.stream().write("image".getBytes(StandardCharsets.UTF_8));
      StagedImage staged = upload.complete();
      for (int m = 0; m < 3; m++) {
        device.installImage(m, staged);
      }
    }
    device.syslog(SyslogSeverity.INFO, "phone-home: upgrading");
    device.runScript(ScriptPhase.PRE_CONFIGURATION, Bytes.utf8("#!/bin/sh\n"));
    device.reboot(List.of(2));
    clock.advance(Duration.ofMinutes(4));
    device.reboot(List.of(1));
    clock.advance(Duration.ofMinutes(4));
    device.reboot(List.of(0));
    clock.advance(Duration.ofMinutes(4));
    return device.members();
  }

  private static FakeVirtualChassis vc(VirtualClock clock, boolean history) {
    Function<Boolean, VirtualChassisModel> model = h -> VirtualChassisModel.builder().clock(clock).keepHistory(h)
        .member(0, "PE0", "ex4300-48p", "21.4R1.12").member(1, "PE1", "ex4300-48p", "21.4R1.12")
        .member(2, "PE2", "ex4300-48p", "21.4R1.12").primary(0).backup(1).build();
    return FakeVirtualChassis.builder(model.apply(history)).recordCalls(history).build();
  }

  @Test
  void withoutHistoryTheChassisBehavesTheSameAndKeepsNoLog() throws Exception {
    VirtualClock withClock = new VirtualClock();
    VirtualClock withoutClock = new VirtualClock();
    FakeVirtualChassis with = vc(withClock, true);
    FakeVirtualChassis without = vc(withoutClock, false);

    List<VcMember> a = upgrade(with, withClock);
    List<VcMember> b = upgrade(without, withoutClock);

    assertThat(b).isEqualTo(a);
    assertThat(b).extracting(VcMember::version).containsOnly("21.4R3.15");
    assertThat(without.model().primaryMemberId()).isEqualTo(with.model().primaryMemberId());
    assertThat(without.model().backupMemberId()).isEqualTo(with.model().backupMemberId());
    assertThat(with.calls()).isNotEmpty();
    assertThat(with.model().operations()).isNotEmpty();
    assertThat(with.model().syslog()).isNotEmpty();
    assertThat(without.calls()).isEmpty();
    assertThat(without.model().operations()).isEmpty();
    assertThat(without.model().syslog()).isEmpty();
    assertThat(without.model().scriptRuns()).isEmpty();
  }
}
