package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC section 5: notifications that cannot be delivered are kept (in the persisted state) and sent later, in order. */
@Timeout(30)
class NotificationQueueTest {

  @Test
  void notificationsQueuedWhileThePhoneHomeServerIsDownAreDeliveredLaterInOrder() throws Exception {
    Harness clean = new Harness(Harness.members(3, 0, 1));
    clean.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    clean.run();
    List<ProgressReport> expected = clean.transport.reportsTo(PHS1);

    Harness h = new Harness(Harness.members(3, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    h.transport.reportFailuresLeft = 25; // the PHS is down for a while after answering the bootstrap request

    PhoneHomeResult result = h.run();

    assertThat(h.transport.reportsTo(PHS1)).containsExactlyElementsOf(expected);
    assertThat(result.notificationsDelivered()).containsExactlyElementsOf(expected);
    assertThat(result.notificationsQueued()).isEmpty();
  }

  @Test
  void notificationsStillUndeliveredAtTheEndStayPersistedAndTheNextRunDeliversThem() throws Exception {
    Harness h = new Harness(Harness.members(2, 0, 1));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));
    h.transport.reportsDown = true;

    PhoneHomeResult first = h.run();

    assertThat(first.notificationsDelivered()).isEmpty();
    assertThat(first.notificationsQueued()).isNotEmpty();
    assertThat(first.notificationsQueued()).last().extracting(r -> r.type().name()).isEqualTo("bootstrap-complete");

    h.transport.reportsDown = false;
    PhoneHomeResult second = h.run();

    assertThat(second.alreadyCompleted()).isTrue();
    assertThat(h.transport.reportsTo(PHS1)).containsExactlyElementsOf(first.notificationsQueued());
    assertThat(second.notificationsQueued()).isEmpty();
    assertThat(h.installs()).hasSize(2);
  }
}
