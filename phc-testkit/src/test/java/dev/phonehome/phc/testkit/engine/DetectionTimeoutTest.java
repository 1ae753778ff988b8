package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC 4.2 step 4: the member-detection timeout counts from the reboot. */
@Timeout(30)
class DetectionTimeoutTest {

  @Test
  void aSlowDeliveryBeforeThePrimaryRebootsDoesNotEatTheDetectionTime() throws Exception {
    // Delivering "rebooting the primary" takes 8 of the 10 minutes; the old primary is back as backup 3 min 20 s
    // after its reboot. Counted from before the delivery, detection would give up at 2 minutes.
    Harness h = new Harness(Harness.members(4, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.DEFAULT, "PE0", "PE1", "PE2", "PE3")));
    List<Instant> slowDeliveries = new ArrayList<>();
    h.transport.reportPolicy = report -> {
      if (report.type().equals(ProgressType.BOOT_IMAGE_INSTALLED_REBOOTING) && slowDeliveries.isEmpty()) {
        slowDeliveries.add(h.clock.instant());
        h.clock.advance(Duration.ofMinutes(8));
      }
      return null;
    };

    PhoneHomeResult result = h.run();

    assertThat(slowDeliveries).hasSize(1);
    assertThat(result.members()).extracting(MemberOutcome::status).containsOnly(MemberOutcome.Status.UPGRADED);
    assertThat(h.transport.types(PHS1)).doesNotContain("vc-member-detection-failed");
  }

  @Test
  void aMemberThatStaysDownIsStillReportedAfterTheTimeout() throws Exception {
    // The other side of the same rule: the re-armed deadline is a deadline, not a reprieve.
    Harness h = new Harness(Harness.members(4, 0, 1));
    h.model.inject(new dev.phonehome.phc.testkit.vc.VcFault.MemberNeverReturns(0));
    h.transport.on(PHS1, Harness.onboarding(Harness.full(ProvisioningMode.DEFAULT, "PE0", "PE1", "PE2", "PE3")));
    h.transport.reportPolicy = report -> {
      if (report.type().equals(ProgressType.BOOT_IMAGE_INSTALLED_REBOOTING)) {
        h.clock.advance(Duration.ofMinutes(8));
      }
      return null;
    };

    PhoneHomeResult result = h.run();

    assertThat(result.member(0).status()).isEqualTo(MemberOutcome.Status.DETECTION_FAILED);
    assertThat(h.transport.types(PHS1)).contains("vc-member-detection-failed");
  }
}
