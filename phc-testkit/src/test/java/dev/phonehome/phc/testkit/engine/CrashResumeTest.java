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
import dev.phonehome.phc.testkit.vc.VcFault;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC 4.2 steps 3.3-6: the engine dies at every step boundary (every state save) and at every device operation
 * that matters; a new engine over the same chassis resumes, and the VC ends provisioned with every member
 * installed exactly once and no notification lost or repeated.
 */
@Timeout(60)
class CrashResumeTest {

  private static Harness vc() {
    Harness h = new Harness(Harness.members(4, 2, 3));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    return h;
  }

  /** Every save of a clean run is a crash point; so is every install, reboot, pin and script. */
  static Stream<Arguments> crashPoints() throws Exception {
    Harness clean = vc();
    clean.run();
    List<Arguments> points = new ArrayList<>();
    int saves = clean.device.callSummaries("persist-state").size();
    IntStream.rangeClosed(1, saves).forEach(n -> points.add(Arguments.of("persist-state", n)));
    for (String op : List.of("install-image", "reboot", "pin-roles", "unpin-roles", "run-script",
        "load-configuration", "fetch-file")) {
      int count = clean.device.callSummaries(op.equals("fetch-file") ? "fetch-image" : op).size();
      IntStream.rangeClosed(1, count).forEach(n -> points.add(Arguments.of(op, n)));
    }
    return points.stream();
  }

  @ParameterizedTest(name = "crash at {0} #{1}")
  @MethodSource("crashPoints")
  void resumesAfterACrashAndInstallsEveryMemberExactlyOnce(String operation, int occurrence) throws Exception {
    Harness h = vc();
    h.model.inject(new VcFault.CrashAt(operation, occurrence));

    PhoneHomeResult result = h.run();

    assertThat(h.crashes).isEqualTo(1);
    assertProvisionedOnce(h, result);
  }

  @Test
  void engineOnThePrimaryDiesWithItsRebootAndResumesOnTheNewPrimary() throws Exception {
    Harness h = new Harness(Harness.members(4, 2, 3), true);
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run();

    assertThat(h.crashes).isEqualTo(1);
    assertThat(h.events).contains("resumed DETECT_PRIMARY");
    // The new primary (old backup, member 3) carried the state: it was stored there before the reboot.
    assertThat(h.model.primaryMemberId()).hasValue(3);
    assertProvisionedOnce(h, result);
  }

  private static void assertProvisionedOnce(Harness h, PhoneHomeResult result) {
    assertThat(result.members()).extracting(MemberOutcome::status).containsOnly(MemberOutcome.Status.UPGRADED);
    assertThat(result.members()).extracting(MemberOutcome::memberId).containsExactly(0, 1, 2, 3);
    for (int id = 0; id <= 3; id++) {
      int member = id;
      assertThat(h.installs()).as("installs of member %d", id).filteredOn(s -> s.startsWith("install-image member=" + member + " "))
          .hasSize(1);
    }
    assertThat(h.model.members()).extracting(VcMember::version).containsOnly(NEW);
    assertThat(h.model.members()).filteredOn(m -> m.role() == MemberRole.PRIMARY).hasSize(1);
    assertThat(h.model.members()).filteredOn(m -> m.role() == MemberRole.BACKUP).hasSize(1);
    assertThat(h.model.pins()).isEmpty();
    assertThat(h.model.committedConfiguration()).contains(Harness.CONFIG);
    List<String> vc = h.transport.vcNotifications(PHS1);
    assertThat(new HashSet<>(vc)).as("no VC notification repeated: %s", vc).hasSize(vc.size());
    assertThat(vc).hasSize(9);
    assertThat(h.transport.types(PHS1)).last().isEqualTo("bootstrap-complete");
    assertThat(result.notificationsQueued()).isEmpty();
  }
}
