package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static dev.phonehome.phc.testkit.engine.Harness.PHS2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.testkit.vc.VcFault;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC 4.1 table 1, strict column, and SPEC 4.2 step 4: missing member, retries, timeout, next PHS. */
@Timeout(30)
class StrictModeTest {

  @Test
  void strictModeRestartsWithNextServerWhenMemberNeverReturns() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new VcFault.MemberNeverReturns(2));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));
    h.transport.on(PHS2, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));
    h.maxRounds = 1;
    Instant start = h.clock.instant();

    assertThatThrownBy(() -> h.run(PHS1, PHS2)).isInstanceOf(BootstrapFailedException.class)
        .hasMessageContaining(PHS1 + ": strict provisioning: members [2] not back on the image within PT10M after 1"
            + " retry(ies)")
        .hasMessageContaining(PHS2 + ": strict provisioning: members [PE2] not present within PT10M");

    // PHS1: linecard 2 installed and rebooted, re-checked every 15 s until the timeout, reported; looked for
    // again for another timeout (table 1: retry the members that failed), then given up.
    assertThat(h.transport.vcNotifications(PHS1)).endsWith(
        "vc-member-reboot-initiated: Reboot initiated for Line Card members. Waiting for the members to come back up.",
        "vc-member-detection-failed: member 2 (serial PE2, role linecard): Did not come up post image upgrade",
        "vc-bootstrap-failed: VC member bootstrap failure detected with Strict provisioning set.",
        "vc-bootstrap-failed: VC with detection failed members and Strict provisioning set.");
    // Then the next PHS was asked; it found the member still missing and gave up after a re-check timeout too.
    assertThat(h.transport.fetches).containsExactly(PHS1, PHS2);
    assertThat(h.transport.vcNotifications(PHS2))
        .containsExactly("vc-bootstrap-failed: VC with detection failed members and Strict provisioning set.");
    assertThat(Duration.between(start, h.clock.instant())).isGreaterThanOrEqualTo(Duration.ofMinutes(30));
    assertThat(h.model.pins()).isEmpty();
  }

  @Test
  void strictModeSucceedsWhenALateMemberIsBackBeforeTheTimeout() throws Exception {
    Harness h = new Harness(Harness.members(3, 0, 1));
    h.model.inject(new VcFault.SlowReboot(2, Duration.ofMinutes(5), 1));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.STRICT, "PE0", "PE1", "PE2")));

    var result = h.run(PHS1);

    assertThat(result.failedMembers()).isEmpty();
    assertThat(h.transport.vcNotifications(PHS1)).noneMatch(n -> n.contains("failed"));
    assertThat(h.transport.fetches).containsExactly(PHS1);
  }
}
