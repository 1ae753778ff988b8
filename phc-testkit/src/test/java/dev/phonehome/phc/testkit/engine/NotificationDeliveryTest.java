package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.client.RefusedNotification;
import dev.phonehome.phc.core.internal.engine.BootstrapTransport.ReportOutcome;
import dev.phonehome.phc.testkit.vc.VcFault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Honest delivery: every notification has a stable id of its bootstrap run, and the result says for each
 * whether the server took it, refused it (with its status and message) or it is still queued.
 */
@Timeout(30)
class NotificationDeliveryTest {

  private static Harness vc(int members) {
    Harness h = new Harness(Harness.members(members, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    return h;
  }

  @Test
  void everyNotificationCarriesAnIdOfOneRunNumberedFromOneInQueueOrder() throws Exception {
    Harness h = vc(2);

    PhoneHomeResult result = h.run();

    List<NotificationId> ids = h.transport.reportsTo(PHS1).stream().map(ProgressReport::notificationId).toList();
    assertThat(ids).doesNotContainNull();
    assertThat(ids).extracting(NotificationId::run).containsOnly(ids.get(0).run());
    assertThat(ids.get(0).run()).matches("[0-9a-z]{12,32}");
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= ids.size(); i++) {
      expected.add(i);
    }
    assertThat(ids).extracting(NotificationId::sequence).containsExactlyElementsOf(expected);
    assertThat(result.notificationsDelivered()).containsExactlyElementsOf(h.transport.reportsTo(PHS1));
    assertThat(result.allNotificationsDelivered()).isTrue();
  }

  @Test
  void refusedNotificationsAreReportedAsRefusedWithStatusAndServerMessageNotAsDelivered() throws Exception {
    Harness h = vc(2);
    h.transport.reportPolicy = r -> r.type().equals(ProgressType.PARSING_COMPLETE)
        ? new ReportOutcome.Refused(400, "invalid-value (message too long)")
        : r.type().equals(ProgressType.BOOT_IMAGE_INITIATED) ? new ReportOutcome.Refused(403, null) : null;

    PhoneHomeResult result = h.run();

    assertThat(result.notificationsRefused()).extracting(RefusedNotification::httpStatus).containsExactly(400, 403);
    RefusedNotification first = result.notificationsRefused().get(0);
    assertThat(first.report().type()).isEqualTo(ProgressType.PARSING_COMPLETE);
    assertThat(first.serverMessage()).isEqualTo("invalid-value (message too long)");
    assertThat(first.server()).isEqualTo(PHS1);
    assertThat(result.notificationsDelivered()).extracting(ProgressReport::type)
        .doesNotContain(ProgressType.PARSING_COMPLETE, ProgressType.BOOT_IMAGE_INITIATED)
        .contains(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(result.notificationsQueued()).isEmpty();
    // Refused is final: each was offered exactly once.
    assertThat(h.transport.offered).filteredOn(o -> o.report().type().equals(ProgressType.PARSING_COMPLETE)).hasSize(1);
  }

  @Test
  void aNotFoundAnswerKeepsTheNotificationQueuedAndIsPolledABoundedNumberOfTimesNotUntilTheDrainTimeout()
      throws Exception {
    Harness h = vc(2);
    h.transport.reportPolicy = r -> r.type().equals(ProgressType.BOOTSTRAP_COMPLETE)
        ? new ReportOutcome.NotClaimed(PHS1 + " does not know serial PE0 (HTTP 404)") : null;

    PhoneHomeResult result = h.run();

    assertThat(result.notificationsQueued()).extracting(ProgressReport::type).containsExactly(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(result.notificationsRefused()).isEmpty();
    // Polled like an unclaimed serial: 1 + RetryPolicy.DEFAULT.notClaimedPolls() (3) offers, with backoff.
    assertThat(h.transport.offered).filteredOn(o -> o.report().type().equals(ProgressType.BOOTSTRAP_COMPLETE)).hasSize(4);
    assertThat(h.clock.totalSlept()).isLessThan(Duration.ofMinutes(1).plus(h.detectionTimeout.multipliedBy(3)));

    // The next run (the device keeps polling) delivers it once the server knows the device.
    h.transport.reportPolicy = null;
    PhoneHomeResult second = h.run();
    assertThat(second.alreadyCompleted()).isTrue();
    assertThat(second.notificationsQueued()).isEmpty();
    assertThat(h.transport.reportsTo(PHS1)).last().extracting(ProgressReport::notificationId)
        .isEqualTo(result.notificationsQueued().get(0).notificationId());
  }

  @Test
  void retryAfterFromAnUnavailableServerIsWaitedCappedByTheRetryPolicyAndTheDrainTimeoutEndsIt() throws Exception {
    Harness h = vc(2);
    List<Instant> offers = new ArrayList<>();
    h.transport.reportPolicy = r -> {
      if (!r.type().equals(ProgressType.BOOTSTRAP_COMPLETE)) {
        return null;
      }
      offers.add(h.clock.instant());
      return new ReportOutcome.Retry(Duration.ofHours(2), PHS1 + " answered HTTP 503");
    };

    PhoneHomeResult result = h.run();

    assertThat(result.notificationsQueued()).extracting(ProgressReport::type).containsExactly(ProgressType.BOOTSTRAP_COMPLETE);
    // Offered once at the step boundary, then drained: waits of 5 minutes (the policy's cap, not the 2 hours
    // asked) until the 10-minute drain timeout is up.
    assertThat(offers).hasSize(4);
    assertThat(Duration.between(offers.get(1), offers.get(2))).isEqualTo(Duration.ofMinutes(5));
    assertThat(Duration.between(offers.get(2), offers.get(3))).isEqualTo(Duration.ofMinutes(5));
    assertThat(Duration.between(offers.get(1), h.clock.instant())).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void theRunIdAndTheSequenceSurviveACrashSoNoQueuedNotificationIsRenumbered() throws Exception {
    Harness h = vc(3);
    h.transport.reportsDown = true; // everything stays queued across the crash
    h.model.inject(new VcFault.CrashAt("install-image", 2));

    PhoneHomeResult result = h.run();

    assertThat(h.crashes).isEqualTo(1);
    List<ProgressReport> queued = result.notificationsQueued();
    assertThat(queued).extracting(ProgressReport::notificationId).doesNotContainNull();
    assertThat(new HashSet<>(queued.stream().map(ProgressReport::notificationId).toList())).hasSize(queued.size());
    assertThat(queued).extracting(r -> r.notificationId().run()).containsOnly(queued.get(0).notificationId().run());
    for (int i = 1; i < queued.size(); i++) {
      assertThat(queued.get(i).notificationId().sequence()).isGreaterThan(queued.get(i - 1).notificationId().sequence());
    }

    h.transport.reportsDown = false;
    PhoneHomeResult second = h.run();
    assertThat(h.transport.reportsTo(PHS1)).containsExactlyElementsOf(queued);
    assertThat(second.notificationsDelivered()).containsExactlyElementsOf(queued);
  }

  @Test
  void theFinalDrainEndsAtTheTotalTimeBoundWhenThatComesFirst() throws Exception {
    Harness clean = vc(2);
    Instant t0 = clean.clock.instant();
    clean.run();
    Duration provisioning = Duration.between(t0, clean.clock.instant());

    Harness h = vc(2);
    h.transport.reportsDown = true;
    h.maxTotalTime = provisioning.plusMinutes(3); // the drain timeout is 10 minutes
    Instant start = h.clock.instant();

    PhoneHomeResult result = h.run();

    assertThat(result.notificationsQueued()).isNotEmpty();
    assertThat(Duration.between(start, h.clock.instant())).isLessThanOrEqualTo(h.maxTotalTime);
  }
}
